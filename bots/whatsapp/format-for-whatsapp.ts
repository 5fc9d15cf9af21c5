import type { RenderedMessage } from '../../src/render.js';

/**
 * WhatsApp accepts much longer texts, but long ones are cut behind "Read more" on some phones and
 * fail on older clients. Each message the bot sends stays under this many characters.
 */
export const MAX_WHATSAPP_TEXT = 4000;

/**
 * One rendered message as WhatsApp text. Questions get a numbered list ("1) ...") she answers by
 * typing the number or a word (WhatsApp Web's buttons and lists are not reliable), then the hint
 * line about HELP and EXIT.
 */
export function formatForWhatsApp(m: RenderedMessage): string {
  if (m.type !== 'question') return m.text;
  const lines = m.choices.map((c, i) => `${i + 1}) ${c.label}`);
  return `${m.text}\n\n${lines.join('\n')}\n\n${m.hint}`;
}

/**
 * The one message a quick exit leaves in the chat: the exit line, then how to clear the chat on her
 * phone (`exit.clear_chat` in her language). The preview shows the same.
 */
export function quickExitText(messages: readonly RenderedMessage[], clearChat: string): string {
  return [...messages.map(formatForWhatsApp), clearChat].join('\n');
}

/**
 * Splits a text into parts of at most `max` characters, at a blank line if possible, else at a line
 * break, else at a space; never inside a surrogate pair (an emoji).
 */
export function splitLongText(text: string, max: number = MAX_WHATSAPP_TEXT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n\n');
    if (cut <= 0) cut = window.lastIndexOf('\n');
    if (cut <= 0) cut = window.lastIndexOf(' ');
    if (cut <= 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest) parts.push(rest);
  return parts;
}
