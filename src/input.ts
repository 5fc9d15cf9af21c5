/** Longest text we try to understand; anything longer is answered with the re-prompt. */
export const MAX_TEXT_INPUT = 200;

const DECIMAL_DIGIT = /\p{Nd}/u;

/**
 * The value of a decimal digit of any script (Devanagari २, Thai ๒, Bengali ২ ...). Unicode puts
 * each script's digits 0 to 9 in one run of code points, so the value is how far the digit is from
 * the start of its run (runs that follow each other directly, as in the mathematical digits, are
 * whole tens, so counting modulo 10 still gives the value).
 */
function asciiDigit(digit: string): string {
  const code = digit.codePointAt(0)!;
  let back = 0;
  while (back < 60 && DECIMAL_DIGIT.test(String.fromCodePoint(code - back - 1))) back++;
  return String(back % 10);
}

/**
 * Folds typed text for matching: Unicode-normalised, digits of every script as ASCII (full-width
 * "２", Devanagari "२" and Thai "๒" all become "2"), lower case, punctuation, symbols and emoji
 * removed, spaces collapsed. Devanagari spellings people mix up are folded too: chandrabindu as
 * anusvara ("मिटाएँ" = "मिटाएं") and the nukta dropped ("फ़ोन" = "फोन").
 */
export function normaliseText(text: string): string {
  return text
    .slice(0, MAX_TEXT_INPUT * 2)
    .normalize('NFKC')
    .replace(/\u0901/g, '\u0902')
    .replace(/\u093C/g, '')
    .replace(/\p{Nd}/gu, (d) => (d >= '0' && d <= '9' ? d : asciiDigit(d)))
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
