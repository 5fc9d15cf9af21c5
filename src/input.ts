/** Longest text we try to understand; anything longer is answered with the re-prompt. */
export const MAX_TEXT_INPUT = 200;

/**
 * Folds typed text for matching: Unicode-normalised (full-width digits become ASCII), lower case,
 * punctuation, symbols and emoji removed, spaces collapsed.
 */
export function normaliseText(text: string): string {
  return text
    .slice(0, MAX_TEXT_INPUT * 2)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A typed number such as "2" or "２." as a number, else undefined. */
export function typedNumber(text: string): number | undefined {
  const n = normaliseText(text);
  return /^\d{1,3}$/.test(n) ? Number(n) : undefined;
}

/** A slash command such as "/exit" or "/start id-mfmw2026": its name and argument. */
export function slashCommand(text: string): { name: string; arg: string } | undefined {
  const m = /^\/([a-z_]{1,32})(?:@\w+)?(?:\s+(\S{1,64}))?\s*$/i.exec(text.trim());
  return m ? { name: m[1]!.toLowerCase(), arg: m[2] ?? '' } : undefined;
}
