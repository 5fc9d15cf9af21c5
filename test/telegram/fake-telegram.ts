import { HttpError, type Transformer } from 'grammy';
import type {
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  Update,
  UserFromGetMe,
} from 'grammy/types';

/** The bot as `getMe` would describe it (given to `new Bot(token, { botInfo })`, so no call is made). */
export const BOT_INFO: UserFromGetMe = {
  id: 7_100_200_300,
  is_bot: true,
  first_name: 'Work Check',
  username: 'work_check_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** A person chatting with the bot: what Telegram tells the bot about her. */
export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** One message as it stands in the chat. */
export interface ChatMessage {
  id: number;
  from: 'bot' | 'user';
  text?: string;
  kind: string;
  keyboard?: InlineKeyboardMarkup;
}

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

type ApiResult =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

/**
 * An offline Telegram: an API transformer that answers every Bot API call the way Telegram does
 * (message ids counting up per chat, 400s for missing messages, limits checked) and keeps the
 * state of each private chat, so a test can see what is left on her screen. It also makes
 * recorded-shape updates for the user's side. Nothing ever leaves the process.
 */
export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  private readonly chats = new Map<number, { nextId: number; messages: Map<number, ChatMessage> }>();
  private readonly scripted = new Map<string, (ApiResult | 'network')[]>();
  private readonly always = new Map<string, ApiResult | 'network'>();
  private readonly delays = new Map<string, number>();
  private readonly pending: Update[] = [];
  private nextUpdateId = 500_000_001;
  private nextCallbackId = 1;

  /** Install with `bot.api.config.use(fake.transformer)` or pass as `apiTransformer`. */
  readonly transformer: Transformer = async (_prev, method, payload) =>
    this.answer(method, (payload ?? {}) as Record<string, unknown>) as never;

  /**
   * The next call of `method` gets `response` instead of the normal answer; `'network'` makes it
   * fail as a dropped connection does (grammY's HttpError).
   */
  failOnce(method: string, response: ApiResult | 'network'): void {
    this.scripted.set(method, [...(this.scripted.get(method) ?? []), response]);
  }

  /** Every call of `method` fails on the network from now on (Telegram unreachable for it). */
  failAlways(method: string, response: ApiResult | 'network'): void {
    this.always.set(method, response);
  }

  /** Every call of `method` takes `ms` longer (a slow network), from now on. */
  slowDown(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The messages still in the chat, oldest first. */
  visible(chatId: number): ChatMessage[] {
    return [...this.chat(chatId).messages.values()].sort((a, b) => a.id - b.id);
  }

  /** The newest bot message that still has buttons. */
  lastQuestion(chatId: number): ChatMessage | undefined {
    return this.visible(chatId)
      .filter((m) => m.from === 'bot' && buttons(m).length > 0)
      .at(-1);
  }

  /** Queues an update for `getUpdates` (long polling). */
  queueUpdate(update: Update): void {
    this.pending.push(update);
  }

  /** She deletes a message herself (the bot is not told). */
  removeFromChat(chatId: number, messageId: number): void {
    this.chat(chatId).messages.delete(messageId);
  }

  // === Her side: updates as Telegram delivers them

  /** She sends text (a typed answer, a command, a deep link's "/start payload"). */
  text(user: FakeUser, text: string): Update {
    const command = /^\/\w+/.exec(text);
    return this.userMessage(user, 'text', {
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
    });
  }

  /** She sends any other kind of message (sticker, photo, voice, location, contact, ...). */
  userMessage(user: FakeUser, kind: string, fields: Record<string, unknown>, chat?: Message['chat']): Update {
    const c = chat ?? privateChat(user);
    const id = this.allocate(c.id, {
      from: 'user',
      kind,
      ...(typeof fields.text === 'string' ? { text: fields.text } : {}),
    });
    return {
      update_id: this.nextUpdateId++,
      message: { message_id: id, date: now(), chat: c, from: { is_bot: false, ...user }, ...fields },
    } as Update;
  }

  /** She edits a message she sent (Telegram sends this as `edited_message`). */
  edit(user: FakeUser, messageId: number, text: string): Update {
    const m = this.chat(user.id).messages.get(messageId);
    if (!m || m.from !== 'user') throw new Error(`message ${messageId} is not hers`);
    m.text = text;
    return {
      update_id: this.nextUpdateId++,
      edited_message: {
        message_id: messageId,
        date: now() - 5,
        edit_date: now(),
        chat: privateChat(user),
        from: { is_bot: false, ...user },
        text,
      },
    } as Update;
  }

  /** A fresh update id, for hand-made updates. */
  updateId(): number {
    return this.nextUpdateId++;
  }

  /** She taps a button of a bot message (`force` also taps a button no longer shown: a stale client). */
  tap(user: FakeUser, messageId: number, data: string, opts: { force?: boolean } = {}): Update {
    const m = this.chat(user.id).messages.get(messageId);
    if (!m) throw new Error(`message ${messageId} is not in the chat`);
    if (!opts.force && !buttons(m).some((b) => b.callback_data === data))
      throw new Error(`no button ${data} on message ${messageId}`);
    return {
      update_id: this.nextUpdateId++,
      callback_query: {
        id: String(this.nextCallbackId++),
        from: { is_bot: false, ...user },
        chat_instance: '-5500000000000000001',
        data,
        message: {
          message_id: m.id,
          date: now(),
          chat: privateChat(user),
          from: BOT_INFO,
          text: m.text ?? '',
          ...(m.keyboard ? { reply_markup: m.keyboard } : {}),
        },
      },
    } as Update;
  }

  // === The Bot API

  private async answer(method: string, payload: Record<string, unknown>): Promise<ApiResult> {
    if (method === 'getUpdates') {
      const scripted = this.scripted.get(method)?.shift();
      if (scripted === 'network')
        throw new HttpError(`Network request for '${method}' failed!`, new Error('socket hang up'));
      if (scripted) return scripted;
      // Long polling: hand out what is queued from `offset` on, or wait a moment and say "nothing".
      const offset = Number(payload.offset ?? 0);
      const updates = this.pending.filter((u) => u.update_id >= offset);
      if (updates.length === 0) await new Promise((r) => setTimeout(r, 20));
      return ok(updates);
    }
    this.calls.push({ method, payload: structuredClone(payload) });
    const delay = this.delays.get(method);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const scripted = this.scripted.get(method)?.shift() ?? this.always.get(method);
    if (scripted === 'network')
      throw new HttpError(`Network request for '${method}' failed!`, new Error('socket hang up'));
    if (scripted) return scripted;
    const chatId = Number(payload.chat_id);
    switch (method) {
      case 'getMe':
        return ok(BOT_INFO);
      case 'setMyCommands':
      case 'setWebhook':
      case 'deleteWebhook':
      case 'answerCallbackQuery':
        return ok(true);
      case 'sendMessage': {
        const text = String(payload.text ?? '');
        if (text.length === 0) return bad('Bad Request: message text is empty');
        if (text.length > 4096) return bad('Bad Request: message is too long');
        const keyboard = payload.reply_markup as InlineKeyboardMarkup | undefined;
        for (const b of keyboard?.inline_keyboard.flat() ?? []) {
          if ('callback_data' in b && Buffer.byteLength(b.callback_data ?? '') > 64)
            return bad('Bad Request: BUTTON_DATA_INVALID');
        }
        const id = this.allocate(chatId, {
          from: 'bot',
          kind: 'text',
          text,
          ...(keyboard ? { keyboard } : {}),
        });
        return ok({
          message_id: id,
          date: now(),
          chat: { id: chatId, type: 'private', first_name: 'x' },
          from: BOT_INFO,
          text,
        });
      }
      case 'editMessageReplyMarkup':
      case 'editMessageText': {
        const m = this.chat(chatId).messages.get(Number(payload.message_id));
        if (!m || m.from !== 'bot') return bad('Bad Request: message to edit not found');
        const keyboard = payload.reply_markup as InlineKeyboardMarkup | undefined;
        const nextKeyboard = keyboard && keyboard.inline_keyboard.length > 0 ? keyboard : undefined;
        const nextText = method === 'editMessageText' ? String(payload.text) : m.text;
        if (nextText === m.text && JSON.stringify(nextKeyboard) === JSON.stringify(m.keyboard)) {
          return bad(
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same',
          );
        }
        m.text = nextText;
        if (nextKeyboard) m.keyboard = nextKeyboard;
        else delete m.keyboard;
        return ok({
          message_id: m.id,
          date: now(),
          chat: { id: chatId, type: 'private', first_name: 'x' },
          text: m.text,
        });
      }
      case 'deleteMessage': {
        const messages = this.chat(chatId).messages;
        if (!messages.delete(Number(payload.message_id)))
          return bad('Bad Request: message to delete not found');
        return ok(true);
      }
      case 'deleteMessages': {
        const ids = payload.message_ids as number[];
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100)
          return bad('Bad Request: too many messages to delete');
        for (const id of ids) this.chat(chatId).messages.delete(id);
        return ok(true);
      }
      default:
        throw new Error(`FakeTelegram: the bot called ${method}, which this test does not expect`);
    }
  }

  private chat(chatId: number) {
    let c = this.chats.get(chatId);
    if (!c) {
      c = { nextId: 1, messages: new Map() };
      this.chats.set(chatId, c);
    }
    return c;
  }

  private allocate(chatId: number, m: Omit<ChatMessage, 'id'>): number {
    const c = this.chat(chatId);
    const id = c.nextId++;
    c.messages.set(id, { id, ...m });
    return id;
  }
}

/** The buttons of a message, row by row flattened. */
export function buttons(m: ChatMessage): (InlineKeyboardButton & { callback_data: string })[] {
  return (m.keyboard?.inline_keyboard.flat() ?? []).filter(
    (b): b is InlineKeyboardButton & { callback_data: string } =>
      'callback_data' in b && typeof b.callback_data === 'string',
  );
}

function privateChat(user: FakeUser): Message['chat'] {
  return {
    id: user.id,
    type: 'private',
    first_name: user.first_name,
    ...(user.last_name ? { last_name: user.last_name } : {}),
    ...(user.username ? { username: user.username } : {}),
  };
}

function ok(result: unknown): ApiResult {
  return { ok: true, result };
}

function bad(description: string): ApiResult {
  return { ok: false, error_code: 400, description };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
