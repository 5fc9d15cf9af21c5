import { startPayload } from './start-payload.js';

/** A Telegram bot's public user name (without "@"): 5 to 32 of A-Z a-z 0-9 _, ending in "bot". */
export const TELEGRAM_BOT_USERNAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]$/;

/** A WhatsApp number as wa.me wants it: country code and number, digits only (E.164 without "+"). */
export const WHATSAPP_NUMBER_PATTERN = /^[1-9][0-9]{7,14}$/;

/** `https://t.me/<bot>?start=<lang>-<campaign>`: opens the bot and starts it in that language. */
export function telegramLink(botUsername: string, lang: string, campaign: string): string {
  return `https://t.me/${botUsername}?start=${startPayload(lang, campaign)}`;
}

/**
 * The word before the payload in the WhatsApp start text: the first of `command.start.words` in
 * that language, in capitals ("MULAI" for id), or START where the language has none. The WhatsApp
 * adapter recognises every language's start words (bots/whatsapp/start-text.ts), in any case.
 */
export const WHATSAPP_START_WORD = 'START';

/** The first WhatsApp message a leaflet fills in, e.g. "MULAI id-mfmw2026". */
export function whatsappStartText(lang: string, campaign: string, startWord: string = WHATSAPP_START_WORD): string {
  return `${startWord.toLocaleUpperCase()} ${startPayload(lang, campaign)}`;
}

/**
 * `https://wa.me/<number>?text=<start text>`: opens a chat with the bot's number with the start
 * text filled in; she only presses Send. WhatsApp has no deep-link payload, so this text carries it.
 */
export function whatsappLink(number: string, lang: string, campaign: string, startWord?: string): string {
  return `https://wa.me/${number}?text=${encodeURIComponent(whatsappStartText(lang, campaign, startWord))}`;
}
