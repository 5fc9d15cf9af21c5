import type { AutoRetryOptions } from '@grammyjs/auto-retry';
import { Bot, BotError, GrammyError, type Api, type Context, type Transformer } from 'grammy';
import type { InlineKeyboardMarkup, UserFromGetMe } from 'grammy/types';
import type { Core } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { errorName } from '../../src/conversation.js';
import type { Input } from '../../src/engine.js';
import type { Logger } from '../../src/log.js';
import type { RenderedMessage } from '../../src/render.js';
import { chatRef } from '../../src/privacy.js';
import { describeApiError, isEditPointless, logCallFailure, tryApiCall } from './api-errors.js';
import { inputFromCallbackData } from '../shared/callback-data.js';
import { ChatMemory } from './chat-memory.js';
import { eraseMessages } from './erase-messages.js';
import { localeForTelegramLanguage } from './languages.js';
import { apiRetries, NETWORK_RETRY_DELAYS_MS } from './api-retries.js';
import { renderForTelegram } from './telegram-message.js';
import { inputFromMessage } from './update-input.js';
import { WebhookReplyTooLate, type WebhookReply } from './webhook-server.js';

/** The updates the bot asks Telegram for (polling and webhook alike). */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * Longest wait for one Bot API call. grammY's default is 500 s; a call hanging that long would
 * hold up her chat (and her exit). Long polling asks Telegram to wait 30 s, well within this.
 */
export const API_TIMEOUT_SECONDS = 60;

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
  /** Installed beneath the retries: tests capture every call here and answer like Telegram. */
  apiTransformer?: Transformer;
  /** Another Bot API server, e.g. the local emulator in end-to-end tests. */
  apiRoot?: string;
  /** Auto-retry settings (tests shorten them). */
  retry?: Partial<AutoRetryOptions>;
  /** Waits before retrying a call that failed on the network (tests shorten them). */
  networkRetryDelaysMs?: readonly number[];
  /** The clock for the 48-hour delete window of remembered message ids (tests move it on). */
  now?: () => number;
}

/** What became of the messages of one reply. */
interface Delivery {
  /** Ids of the messages that went out. */
  sent: number[];
  /** The message that shows the live answer buttons, if one went out. */
  withKeyboard?: number;
  /** True when a message did not go out for a reason other than her blocking the bot. */
  undelivered: boolean;
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
    client: {
      timeoutSeconds: API_TIMEOUT_SECONDS,
      ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}),
      // Webhook mode: a tap is answered in the HTTP response to Telegram, not with a request of its own.
      canUseWebhookReply: (method) => method === 'answerCallbackQuery',
    },
  });
  const { logger } = deps;
  if (deps.apiTransformer) bot.api.config.use(deps.apiTransformer);
  // Respects Telegram's 429 retry_after and retries 5xx errors (auto-retry). A flood wait longer
  // than a minute is given up: by then the reply would come too late to make sense. Network errors
  // are retried a few times only: auto-retry's own network retry never gives up.
  bot.api.config.use(
    apiRetries({
      delaysMs: deps.networkRetryDelaysMs ?? NETWORK_RETRY_DELAYS_MS,
      logger,
      flood: { maxRetryAttempts: 5, maxDelaySeconds: 60, ...deps.retry },
    }),
  );

  const { conversations } = deps.core;
  const memory = new ChatMemory(undefined, deps.now);
  const locales = () => conversations.engine.bundle.localeCodes;
  const refOf = (chatId: number) => chatRef(deps.secret, CHANNEL, chatId);
  // The language to word the emergency reply in when the session cannot be read: the one she was
  // chatting in, else her Telegram app's.
  const langHint = (ctx: Context, ref: string) =>
    memory.language(ref) ?? localeForTelegramLanguage(ctx.from?.language_code, locales());

  // Errors inside a turn are caught here for every mode (grammY's `bot.catch` alone only sees them
  // when polling): logged without identifiers, and she gets "sorry" with the emergency contacts.
  // This handler never throws: the runner would print the whole update (her name, her text).
  const onError = async (err: BotError) => {
    try {
      logger.error({ ...describeApiError(err.error), update: updateKind(err.ctx) }, 'telegram update failed');
      const chat = err.ctx.chat;
      if (chat?.type !== 'private') return;
      const ref = refOf(chat.id);
      const reply = await deliver(err.ctx.api, chat.id, failSafe(langHint(err.ctx, ref)));
      // The session may not hold these: kept so the next exit erases them.
      const hers = err.ctx.message?.message_id;
      const ids = [...(typeof hers === 'number' ? [hers] : []), ...reply.sent];
      memory.addUnrecorded(ref, ids);
      memory.addKnown(ref, ids);
    } catch (inner) {
      logger.error({ err: errorName(inner) }, 'could not send the emergency contacts after a failed update');
    }
  };
  bot.catch(onError);

  // One middleware for every update (each grammY layer costs promises on every message):
  // private chats only, one chat at a time, the update routed, every error caught here.
  bot.use((ctx) => {
    const chat = ctx.chat;
    // The bot is never meant to talk in groups or channels; it stays silent there.
    if (chat?.type !== 'private') {
      return ctx.callbackQuery
        ? tryApiCall(logger, 'answerCallbackQuery', () => ctx.answerCallbackQuery()).then(() => {})
        : Promise.resolve();
    }
    // One chat's updates run one after another, sending included (polling runs chats concurrently;
    // webhooks may too): the whole update holds the chat in the core.
    const ref = refOf(chat.id);
    return conversations.exclusive(ref, () => route(ctx, chat.id, ref));
  });

  /**
   * One update of a private chat. Every error is caught here, while the chat is still held: her
   * emergency reply goes out before her next update is handled.
   */
  async function route(ctx: Context, chatId: number, ref: string): Promise<void> {
    try {
      if (ctx.callbackQuery) await onTap(ctx, ctx.callbackQuery, chatId, ref);
      // Text, commands, deep links, and everything she cannot usefully send (stickers, photos...).
      // Anything else (an edited message, a reaction, a member update) is not asked for and is ignored.
      else if (ctx.message) await onMessage(ctx, ctx.message, chatId, ref);
    } catch (error) {
      await onError(new BotError(error, ctx));
    }
  }

  // === Button taps
  async function onTap(
    ctx: Context,
    query: NonNullable<Context['callbackQuery']>,
    chatId: number,
    ref: string,
  ): Promise<void> {
    // Always answer, first: otherwise her app shows a spinner on the button.
    try {
      await ctx.answerCallbackQuery();
    } catch (err) {
      logCallFailure(logger, 'answerCallbackQuery', err);
    }
    const input = inputFromCallbackData(typeof query.data === 'string' ? query.data : '');
    const tapped = query.message?.message_id;
    await runTurn(ctx, chatId, ref, input, typeof tapped === 'number' ? { tappedMessageId: tapped } : {});
  }

  // === Messages
  async function onMessage(
    ctx: Context,
    message: NonNullable<Context['message']>,
    chatId: number,
    ref: string,
  ): Promise<void> {
    const input = inputFromMessage(message, locales());
    if (input === null) return;
    const id = message.message_id;
    await runTurn(ctx, chatId, ref, input, typeof id === 'number' ? { incomingMessageId: id } : {});
  }

  async function runTurn(
    ctx: Context,
    chatId: number,
    ref: string,
    input: Input,
    opts: { incomingMessageId?: number; tappedMessageId?: number },
  ): Promise<void> {
    const outcome = await conversations.handleExclusive(ref, input, {
      channel: CHANNEL,
      incomingMessageId: opts.incomingMessageId,
      langHint: langHint(ctx, ref),
    });

    if (outcome.exit) {
      memory.forgetLiveKeyboard(ref);
      memory.forgetLanguage(ref);
      // Quick exit: erase the conversation first (what the session recorded, what only this process
      // knows of, and the tapped message), then at most one neutral line. No session holds that
      // line, so it is kept here: the next exit erases it too, and never two are left.
      const ids = [
        ...new Set([
          ...outcome.deleteMessageIds,
          ...memory.takeUnrecorded(ref),
          ...memory.takeKnown(ref),
          ...(opts.incomingMessageId !== undefined ? [opts.incomingMessageId] : []),
          ...(opts.tappedMessageId !== undefined ? [opts.tappedMessageId] : []),
        ]),
      ];
      await eraseMessages(ctx.api, chatId, ids, logger);
      memory.addUnrecorded(ref, (await deliver(ctx.api, chatId, outcome.messages)).sent);
      return;
    }

    if (outcome.failed) {
      // Nothing was written (store down, engine error): the question on screen keeps its buttons,
      // so she can try again. Her message and the emergency reply are kept for the next exit.
      const reply = await deliver(ctx.api, chatId, outcome.messages);
      const ids = [...(opts.incomingMessageId !== undefined ? [opts.incomingMessageId] : []), ...reply.sent];
      memory.addUnrecorded(ref, ids);
      memory.addKnown(ref, ids);
      return;
    }

    memory.setLanguage(ref, outcome.lang);
    // The question answered loses its buttons: the one tapped, or the one she answered by typing.
    // Inline keyboards cannot be removed with `remove_keyboard`: the message's markup is edited.
    // The session says which message has live buttons (any instance may have sent it); this
    // process's memory is the fallback when the store could not record it.
    const live = outcome.liveKeyboard ?? memory.liveKeyboard(ref);
    memory.forgetLiveKeyboard(ref);
    const tapped = opts.tappedMessageId;
    for (const id of [tapped, live === tapped ? undefined : live]) {
      if (id === undefined) continue;
      try {
        await ctx.api.editMessageReplyMarkup(chatId, id, NO_BUTTONS);
      } catch (err) {
        logCallFailure(logger, 'editMessageReplyMarkup', err, isEditPointless);
      }
    }
    const reply = await deliver(ctx.api, chatId, outcome.messages);
    const sent = reply.sent;
    if (reply.undelivered) {
      // Part of the answer did not reach her (Telegram refused it, or the network failed): the
      // emergency contacts at least.
      sent.push(...(await deliver(ctx.api, chatId, failSafe(outcome.lang))).sent);
    }
    if (reply.withKeyboard !== undefined) memory.setLiveKeyboard(ref, reply.withKeyboard);
    const unrecorded = memory.takeUnrecorded(ref);
    const ids = unrecorded.length > 0 ? [...unrecorded, ...sent] : sent;
    memory.addKnown(ref, opts.incomingMessageId !== undefined ? [opts.incomingMessageId, ...sent] : sent);
    const remembered = await conversations.rememberMessagesExclusive(ref, ids, reply.withKeyboard);
    // She exited meanwhile (through another instance): no later exit will erase these, so now.
    if (remembered === 'gone') await eraseMessages(ctx.api, chatId, ids, logger);
    // The store failed: this process keeps them, so that her next exit here erases them.
    else if (remembered === 'failed') memory.addUnrecorded(ref, ids);
  }

  function failSafe(lang: string | null): RenderedMessage[] {
    return conversations.renderer.render(conversations.engine.failSafe(lang), lang);
  }

  /** Sends rendered messages in order; a message that fails is logged and the rest still go. */
  async function deliver(api: Api, chatId: number, messages: readonly RenderedMessage[]): Promise<Delivery> {
    const delivery: Delivery = { sent: [], undelivered: false };
    for (const rendered of messages) {
      for (const out of renderForTelegram(rendered)) {
        try {
          const message = await api.sendMessage(chatId, out.text, out.keyboard ? withKeyboard(out.keyboard) : NO_PREVIEW);
          delivery.sent.push(message.message_id);
          if (out.keyboard) delivery.withKeyboard = message.message_id;
        } catch (error) {
          logger.warn({ method: 'sendMessage', ...describeApiError(error) }, 'telegram call failed');
          if (!isBlocked(error)) delivery.undelivered = true;
        }
      }
    }
    return delivery;
  }

  return bot;
}

/**
 * The envelope grammY answers a tap in (see WebhookServer): when the response has gone already
 * (a slow turn), the tap is answered with its own request instead, so her button never keeps spinning.
 */
export function webhookReplyEnvelope(api: Api, reply: WebhookReply): { send(json: string): Promise<void> } {
  return {
    send: async (json) => {
      try {
        await reply.send(json);
      } catch (err) {
        if (!(err instanceof WebhookReplyTooLate)) throw err;
        const { callback_query_id: id } = JSON.parse(json) as { callback_query_id: string };
        await api.answerCallbackQuery(id);
      }
    },
  };
}

/** The markup that removes a message's inline keyboard (shared, never changed). */
const NO_BUTTONS: { reply_markup: InlineKeyboardMarkup } = { reply_markup: { inline_keyboard: [] } };

/** Every message goes out without link previews: a contact's web address would otherwise show as a large card in her chat. */
const NO_PREVIEW = { link_preview_options: { is_disabled: true } } as const;

function withKeyboard(keyboard: InlineKeyboardMarkup) {
  return { link_preview_options: NO_PREVIEW.link_preview_options, reply_markup: keyboard };
}

/** She blocked the bot or deleted her account: nothing more can reach her, and nothing is tried. */
function isBlocked(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 403;
}

/** The kind of update, for logs (never its content). */
function updateKind(ctx: Context): string {
  return Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown';
}
