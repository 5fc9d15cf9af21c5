import type { Transformer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';

/** The bot's own user, given to grammY so it never calls getMe. */
export const BENCH_BOT_INFO: UserFromGetMe = {
  id: 1000,
  is_bot: true,
  first_name: 'Bench',
  username: 'bench_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;

/** Button data of the last keyboard each chat was sent. */
export type LastKeyboards = Map<number, string[]>;

/**
 * Answers every Bot API call in-process, as Telegram would (no network), and remembers the last
 * inline keyboard sent to each chat so the driver can tap a button of it.
 */
export function captureApi(): { transformer: Transformer; keyboards: LastKeyboards; calls: () => number } {
  const keyboards: LastKeyboards = new Map();
  let nextId = 1;
  let calls = 0;
  const transformer: Transformer = async (_prev, method, payload) => {
    calls++;
    const p = payload as { chat_id?: number; text?: string; reply_markup?: { inline_keyboard?: { callback_data?: string }[][] } };
    if (method === 'sendMessage') {
      const rows = p.reply_markup?.inline_keyboard;
      if (rows && rows.length > 0 && p.chat_id !== undefined) {
        keyboards.set(p.chat_id, rows.flat().map((b) => b.callback_data ?? ''));
      }
      return {
        ok: true,
        result: { message_id: nextId++, date: 0, chat: { id: p.chat_id, type: 'private', first_name: 'x' }, text: p.text },
      } as never;
    }
    return { ok: true, result: true } as never;
  };
  return { transformer, keyboards, calls: () => calls };
}

let updateId = 1;
let messageId = 1_000_000;

/** A private text message update (e.g. "/start en-bench"). */
export function textUpdate(chatId: number, text: string): Update {
  const isCommand = text.startsWith('/');
  return {
    update_id: updateId++,
    message: {
      message_id: messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Worker' },
      from: { id: chatId, is_bot: false, first_name: 'Worker', language_code: 'en' },
      text,
      ...(isCommand ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {}),
    },
  } as Update;
}

/** A button tap update. */
export function tapUpdate(chatId: number, data: string): Update {
  return {
    update_id: updateId++,
    callback_query: {
      id: String(updateId),
      from: { id: chatId, is_bot: false, first_name: 'Worker', language_code: 'en' },
      chat_instance: 'bench',
      data,
      message: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: 'Worker' },
        text: 'question',
      },
    },
  } as Update;
}

/** A small deterministic random source, so runs are comparable. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * One simulated worker: sends /start, then taps an answer on every question (mostly harmless
 * answers, sometimes another one), "continue" after emergency help, until the result.
 * Remembers the answers she sent, to check nothing was lost.
 */
export class SimulatedWorker {
  readonly sent = new Map<string, string>();
  done = false;
  private started = false;

  constructor(
    readonly chatId: number,
    private readonly random: () => number,
  ) {}

  /** The next update to send, or null when she has seen her result. */
  next(keyboards: LastKeyboards): Update | null {
    if (!this.started) {
      this.started = true;
      return textUpdate(this.chatId, '/start en-bench');
    }
    const buttons = (keyboards.get(this.chatId) ?? []).filter((d) => d.startsWith('c|'));
    if (buttons.length === 0) return null;
    const [, step, first] = buttons[0]!.split('|');
    if (step === 'result' || !step) {
      this.done = true;
      return null;
    }
    if (step.includes('!urgent!')) return tapUpdate(this.chatId, buttons.find((b) => b.endsWith('|continue')) ?? buttons[0]!);
    const pick = this.random() < 0.75 ? buttons[0]! : buttons[Math.floor(this.random() * buttons.length)]!;
    const choice = pick.split('|')[2]!;
    this.sent.set(step, choice ?? first!);
    return tapUpdate(this.chatId, pick);
  }
}
