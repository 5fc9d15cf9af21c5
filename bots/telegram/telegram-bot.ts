import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Api, type BotError, type Context, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Core } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import type { Input } from '../../src/engine.js';
import type { Logger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { describeApiError, isEditPointless, tryApiCall } from './api-errors.js';
import { inputFromCallbackData } from './callback-data.js';
import { eraseMessages } from './erase-messages.js';
import { localeForTelegramLanguage } from './languages.js';
import { renderForTelegram, type TelegramOutgoing } from './telegram-message.js';
import { inputFromMessage } from './update-input.js';

/** The updates the bot asks Telegram for (polling and webhook alike). */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Chats whose live keyboard is remembered (memory bound; older entries are simply forgotten). */
const LIVE_KEYBOARDS_MAX = 10_000;

/** The channel name in session events and logs. */
export const CHANNEL = 'telegram';

/** Everything the Telegram bot needs, passed in (one composition root, no globals). */
export interface TelegramBotDeps {
  core: Pick<Core, 'conversations'>;
  config: Pick<Config, 'TELEGRAM_BOT_TOKEN'>;
  logger: Logger;
  /** The server secret that keys chat references (SESSION_SECRET). */
  secret: string;
  /** The bot's own user; given, grammY skips `getMe` (tests, or a cached value). */
  botInfo?: UserFromGetMe;
  /** Installed beneath auto-retry: tests capture every call here and answer like Telegram. */
  apiTransformer?: Transformer;
  /** Another Bot API server, e.g. the local emulator in end-to-end tests. */
  apiRoot?: string;
  /** Auto-retry settings (tests shorten them). */
  retry?: Partial<AutoRetryOptions>;
}

/**
 * Builds the grammY bot: private chats only, one chat's updates strictly in order, messages and
 * button taps turned into engine inputs, the engine's answers sent as Telegram messages.
 * The raw chat id is used only to talk to Telegram; the core sees `chatRef(secret, 'telegram', id)`.
 */
export function createTelegramBot(deps: TelegramBotDeps): Bot {
  const token = deps.config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error('createTelegramBot needs TELEGRAM_BOT_TOKEN');
  const bot = new Bot(token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}) },
  });
  if (deps.apiTransformer) bot.api.config.use(deps.apiTransformer);
  // Respects Telegram's 429 retry_after and retries network and 5xx errors. A flood wait longer than
  // a minute is given up: by then the reply would come too late to make sense.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, ...deps.retry }));

  const { conversations } = deps.core;
  const { logger } = deps;
  const locales = () => conversations.engine.bundle.localeCodes;
  const langHint = (ctx: Context) => localeForTelegramLanguage(ctx.from?.language_code, locales());

  // Errors inside a turn are caught here for every mode (grammY's `bot.catch` alone only sees them
  // when polling): logged without identifiers, and she gets "sorry" with the emergency contacts.
  const onError = async (err: BotError) => {
    logger.error({ ...describeApiError(err.error), update: updateKind(err.ctx) }, 'telegram update failed');
    const chat = err.ctx.chat;
    if (chat?.type !== 'private') return;
    const lang = langHint(err.ctx);
    const messages = conversations.renderer.render(conversations.engine.failSafe(lang), lang);
    for (const out of messages.flatMap(renderForTelegram)) await send(err.ctx.api, chat.id, out);
  };
  bot.catch(onError);
  const chats = bot.errorBoundary(onError);

  // === Private chats only: the bot is never meant to talk in groups or channels; it stays silent there.
  chats.use(async (ctx, next) => {
    if (ctx.chat?.type === 'private') return next();
    if (ctx.callbackQuery) await tryApiCall(logger, 'answerCallbackQuery', () => ctx.answerCallbackQuery());
  });

  // One chat's updates run one after another (polling runs chats concurrently; webhooks may too).
  chats.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));

  // === Button taps
  chats.on('callback_query', async (ctx) => {
    // Always answer, first: otherwise her app shows a spinner on the button.
    await tryApiCall(logger, 'answerCallbackQuery', () => ctx.answerCallbackQuery());
    const input = inputFromCallbackData(ctx.callbackQuery.data ?? '');
    await runTurn(ctx, ctx.chat!.id, input, { tappedMessageId: ctx.callbackQuery.message?.message_id });
  });

  // === Messages: text, commands, deep links, and everything she cannot usefully send (stickers, photos...)
  chats.on('message', async (ctx) => {
    const input = inputFromMessage(ctx.message, locales());
    if (input === null) return;
    await runTurn(ctx, ctx.chat.id, input, { incomingMessageId: ctx.message.message_id });
  });

  /**
   * Which message of each chat shows live answer buttons, so they can be removed once the question
   * is answered by typing. In memory only and best effort (a stale button is still handled by the
   * engine); keyed by chat reference, bounded.
   */
  const liveKeyboards = new Map<string, number>();

  async function runTurn(
    ctx: Context,
    chatId: number,
    input: Input,
    opts: { incomingMessageId?: number; tappedMessageId?: number },
  ): Promise<void> {
    const ref = chatRef(deps.secret, CHANNEL, chatId);
    const exiting = input.kind === 'command' && input.command === 'exit';
    // A tapped question loses its buttons at once, so they cannot be pressed twice.
    if (opts.tappedMessageId !== undefined && !exiting)
      await removeKeyboard(ctx.api, chatId, opts.tappedMessageId);
    const outcome = await conversations.handle(ref, input, {
      channel: CHANNEL,
      ...(opts.incomingMessageId !== undefined ? { incomingMessageId: opts.incomingMessageId } : {}),
      langHint: langHint(ctx),
    });
    const live = liveKeyboards.get(ref);
    if (outcome.exit) {
      liveKeyboards.delete(ref);
      // Quick exit: erase the conversation first, then at most one neutral line (not remembered:
      // the session is gone).
      await eraseMessages(ctx.api, chatId, outcome.deleteMessageIds, logger);
      for (const out of outcome.messages.flatMap(renderForTelegram)) await send(ctx.api, chatId, out);
      return;
    }
    // The question on screen was answered by typing: its buttons go too. Not after a failed turn:
    // then it is still the question to answer.
    if (live !== undefined && live !== opts.tappedMessageId && !outcome.failed)
      await removeKeyboard(ctx.api, chatId, live);
    const sent: number[] = [];
    let withKeyboard: number | undefined;
    for (const out of outcome.messages.flatMap(renderForTelegram)) {
      const id = await send(ctx.api, chatId, out);
      if (id === undefined) continue;
      sent.push(id);
      if (out.keyboard) withKeyboard = id;
    }
    if (withKeyboard !== undefined) {
      liveKeyboards.delete(ref);
      liveKeyboards.set(ref, withKeyboard);
      if (liveKeyboards.size > LIVE_KEYBOARDS_MAX) liveKeyboards.delete(liveKeyboards.keys().next().value!);
    } else if (live !== undefined && !outcome.failed) {
      liveKeyboards.delete(ref);
    }
    await conversations.rememberMessages(ref, sent);
  }

  async function removeKeyboard(api: Api, chatId: number, messageId: number): Promise<void> {
    // Inline keyboards cannot be removed with `remove_keyboard`: the message is edited to an empty one.
    await tryApiCall(
      logger,
      'editMessageReplyMarkup',
      () => api.editMessageReplyMarkup(chatId, messageId, { reply_markup: { inline_keyboard: [] } }),
      isEditPointless,
    );
  }

  async function send(api: Api, chatId: number, out: TelegramOutgoing): Promise<number | undefined> {
    const message = await tryApiCall(logger, 'sendMessage', () =>
      api.sendMessage(chatId, out.text, {
        link_preview_options: { is_disabled: true },
        ...(out.keyboard ? { reply_markup: out.keyboard } : {}),
      }),
    );
    return message?.message_id;
  }

  return bot;
}

/** The kind of update, for logs (never its content). */
function updateKind(ctx: Context): string {
  return Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown';
}
