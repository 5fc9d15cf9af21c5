import type { Input } from '../../src/engine.js';

/** Telegram refuses a button whose callback data is longer than this (in UTF-8 bytes). */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** The two buttons under every question. */
export type NavButton = 'contacts' | 'exit';

/**
 * Callback data for an answer button: `c|<step id>|<choice id>`.
 * It names the question the button belongs to (so a stale button can be recognised) and the
 * answer; it never carries anything about the person. Should a flow ever use ids too long for
 * Telegram, the step is left out (the engine then applies the answer to the current question),
 * and as a last resort the button just shows the current question again.
 */
export function choiceCallbackData(step: string, choice: string): string {
  for (const data of [`c|${step}|${choice}`, `c||${choice}`]) {
    if (Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_MAX_BYTES) return data;
  }
  return 'o';
}

/** Callback data for a navigation button: `n|contacts` or `n|exit`. */
export function navCallbackData(nav: NavButton): string {
  return `n|${nav}`;
}

/**
 * The engine input for a tapped button. Anything unknown (an old format, a forged query) just
 * shows the current question again.
 */
export function inputFromCallbackData(data: string): Input {
  const parts = data.split('|');
  if (parts[0] === 'c' && parts.length === 3 && parts[2]) {
    return parts[1] ? { kind: 'choice', id: parts[2], step: parts[1] } : { kind: 'choice', id: parts[2] };
  }
  if (parts[0] === 'n' && parts.length === 2 && (parts[1] === 'contacts' || parts[1] === 'exit')) {
    return { kind: 'command', command: parts[1] };
  }
  return { kind: 'open' };
}
