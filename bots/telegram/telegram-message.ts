import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { RenderedMessage } from '../../src/render.js';
import { displayWidth } from '../../src/text-width.js';
import { choiceCallbackData, navCallbackData } from '../shared/callback-data.js';

export { displayWidth };

/** Telegram's limit for one message's text (UTF-16 code units, which is what `string.length` counts). */
export const TELEGRAM_TEXT_MAX = 4096;

/** Buttons whose labels are all at most this wide go two to a row; otherwise one to a row. */
export const TWO_PER_ROW_MAX_WIDTH = 20;

/** One Telegram message to send: plain text (no parse mode, so no text needs escaping) and maybe buttons. */
export interface TelegramOutgoing {
  text: string;
  keyboard?: InlineKeyboardMarkup;
}

/**
 * Turns one rendered message into the Telegram messages that show it. A question becomes its text
 * with an inline keyboard: the numbered answers (she may also type the number), then a row with the
 * "help numbers" and "exit" buttons. Texts over Telegram's limit are split; buttons go on the last part.
 */
export function renderForTelegram(m: RenderedMessage): TelegramOutgoing[] {
  let out = rendered.get(m);
  if (!out) rendered.set(m, (out = toTelegram(m)));
  return out;
}

/** Rendered messages are shared (src/render.ts caches them): their Telegram form is worked out once each. */
const rendered = new WeakMap<RenderedMessage, TelegramOutgoing[]>();

function toTelegram(m: RenderedMessage): TelegramOutgoing[] {
  const parts = splitText(m.text);
  if (m.type !== 'question') return parts.map((text) => ({ text }));
  const last = parts.length - 1;
  return parts.map((text, i) => (i === last ? { text, keyboard: questionKeyboard(m) } : { text }));
}

/** The inline keyboard of a question. */
export function questionKeyboard(q: Extract<RenderedMessage, { type: 'question' }>): InlineKeyboardMarkup {
  const answers: InlineKeyboardButton[] = q.choices.map((c, i) => ({
    text: `${i + 1}. ${c.label}`,
    callback_data: choiceCallbackData(q.id, c.id),
  }));
  const perRow = answers.every((b) => displayWidth(b.text) <= TWO_PER_ROW_MAX_WIDTH) ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < answers.length; i += perRow) rows.push(answers.slice(i, i + perRow));
  // Screens that already offer "help numbers" or "exit" as answers don't repeat them below.
  const nav = q.nav
    .filter((n) => !q.choices.some((c) => c.id === n.id))
    .map((n) => ({ text: n.label, callback_data: navCallbackData(n.id) }));
  // The same rule for "help numbers" and "exit": a cut-off "exit" label is no use to her.
  if (nav.every((b) => displayWidth(b.text) <= TWO_PER_ROW_MAX_WIDTH)) {
    if (nav.length > 0) rows.push(nav);
  } else {
    rows.push(...nav.map((b) => [b]));
  }
  return { inline_keyboard: rows };
}

/**
 * Splits a text into parts Telegram accepts, preferring paragraph breaks, then line breaks, then
 * spaces; never inside a character.
 */
export function splitText(text: string, max: number = TELEGRAM_TEXT_MAX): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    let skip = 0;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(sep, max - 1);
      if (at > 0) {
        cut = at;
        skip = sep.length;
        break;
      }
    }
    if (cut <= 0) {
      cut = max;
      // Never split a surrogate pair (an emoji or a rare character).
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      skip = 0;
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut + skip);
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
