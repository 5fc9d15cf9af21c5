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

/** An answer button ("c|step|choice"), read once when the keyboard is sent. */
export interface AnswerButton {
  data: string;
  step: string;
  choice: string;
}

/**
 * The last inline keyboard each chat was sent: its message id, its buttons' data, and its answer
 * buttons already taken apart (so the simulated workers cost the measurement little).
 */
export type LastKeyboards = Map<number, { messageId: number; data: string[]; answers: AnswerButton[] }>;

/** What went out for the updates handled so far. */
export interface CallCounts {
  /** Bot API requests (each an HTTPS request in production). */
  requests: number;
  /** Calls carried back in the webhook response instead (no request of their own). */
  webhookReplies: number;
}

/**
 * Answers every Bot API call in-process, as Telegram would (no network), and remembers the last
 * inline keyboard sent to each chat so the driver can tap a button of it (with that message's id).
 * `answerCallbackQuery` is left to grammY, which puts it in the webhook response when the update
 * came with an envelope (see `webhookHandler`); the API root is a closed local port, never the internet.
 */
export function captureApi(): { transformer: Transformer; keyboards: LastKeyboards; counts: CallCounts } {
  const keyboards: LastKeyboards = new Map();
  const counts: CallCounts = { requests: 0, webhookReplies: 0 };
  let nextId = 1;
  const transformer: Transformer = async (prev, method, payload, signal) => {
    if (method === 'answerCallbackQuery') return prev(method, payload, signal);
    counts.requests++;
    const p = payload as {
      chat_id?: number;
      text?: string;
      reply_markup?: { inline_keyboard?: { callback_data?: string }[][] };
    };
    if (method === 'sendMessage') {
      const messageId = nextId++;
      const rows = p.reply_markup?.inline_keyboard;
      if (rows && rows.length > 0 && p.chat_id !== undefined) {
        const data: string[] = [];
        const answers: AnswerButton[] = [];
        for (const row of rows) {
          for (const b of row) {
            const d = b.callback_data ?? '';
            data.push(d);
            if (d.startsWith('c|')) {
              const [, step = '', choice = ''] = d.split('|');
              answers.push({ data: d, step, choice });
            }
          }
        }
        keyboards.set(p.chat_id, { messageId, data, answers });
      }
      return {
        ok: true,
        result: {
          message_id: messageId,
          date: 0,
          chat: { id: p.chat_id, type: 'private', first_name: 'x' },
          text: p.text,
        },
      } as never;
    }
    return { ok: true, result: true } as never;
  };
  return { transformer, keyboards, counts };
}

/** The bench bots' client options: webhook replies for taps (as in production), no network. */
export const BENCH_CLIENT = {
  apiRoot: 'http://127.0.0.1:9',
  canUseWebhookReply: (m: string) => m === 'answerCallbackQuery',
};

/** Hands an update to a bot as the webhook server does: a tap gets an envelope for its answer. */
export function webhookHandler(
  bot: { handleUpdate(u: Update, envelope?: { send(json: string): Promise<void> }): Promise<void> },
  counts: CallCounts,
) {
  const envelope = {
    send: async () => {
      counts.webhookReplies++;
    },
  };
  return (u: Update) => bot.handleUpdate(u, u.callback_query ? envelope : undefined);
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
      ...(isCommand
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
        : {}),
    },
  } as Update;
}

/** A tap on a button of message `messageId` (the message that shows the keyboard). */
export function tapUpdate(chatId: number, data: string, messageId: number): Update {
  return {
    update_id: updateId++,
    callback_query: {
      id: String(updateId),
      from: { id: chatId, is_bot: false, first_name: 'Worker', language_code: 'en' },
      chat_instance: 'bench',
      data,
      message: {
        message_id: messageId,
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
    const shown = keyboards.get(this.chatId);
    const buttons = shown?.answers ?? [];
    if (!shown || buttons.length === 0) return null;
    const on = shown.messageId;
    const step = buttons[0]!.step;
    if (step === 'result' || !step) {
      this.done = true;
      return null;
    }
    if (step.includes('!urgent!'))
      return tapUpdate(this.chatId, (buttons.find((b) => b.choice === 'continue') ?? buttons[0]!).data, on);
    const pick = this.random() < 0.75 ? buttons[0]! : buttons[Math.floor(this.random() * buttons.length)]!;
    this.sent.set(step, pick.choice);
    return tapUpdate(this.chatId, pick.data, on);
  }
}
