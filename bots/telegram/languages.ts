import type { LanguageCode } from 'grammy/types';

/** Telegram says "Filipino" where the bot's locale files say Tagalog. */
const ALIASES: Record<string, string> = { fil: 'tl' };

/**
 * The bot's locale for a Telegram user's app language (`from.language_code`, an IETF tag such as
 * `id`, `zh-hant` or `en-GB`), or null. Used only to word the fail-safe message before a session
 * exists; never stored.
 */
export function localeForTelegramLanguage(
  languageCode: string | undefined,
  localeCodes: readonly string[],
): string | null {
  if (!languageCode) return null;
  const tag = languageCode.toLowerCase();
  const exact = localeCodes.find((c) => c.toLowerCase() === tag);
  if (exact) return exact;
  const primary = tag.split('-')[0]!;
  const wanted = ALIASES[primary] ?? primary;
  return localeCodes.find((c) => c.toLowerCase().split('-')[0] === wanted) ?? null;
}

/**
 * The two-letter ISO 639-1 code `setMyCommands` takes for a locale (`zh-HK` -> `zh`, `tl` -> `tl`),
 * or null when the locale has none (its users then see the default, English, menu).
 */
export function telegramLanguageCode(locale: string): LanguageCode | null {
  const primary = locale.toLowerCase().split('-')[0]!;
  return /^[a-z]{2}$/.test(primary) ? (primary as LanguageCode) : null;
}
