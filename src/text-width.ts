/** Characters drawn twice as wide: Chinese, Japanese and Korean, and full-width punctuation (，（）). */
const WIDE =
  /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;
/** Characters drawn on top of the one before (Thai vowel and tone marks, the Indic virama) or not at all (ZWJ). */
const NO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

/**
 * Rough width of a label on a phone screen, in the cells of a Latin letter. The Telegram keyboard
 * uses it to put buttons two to a row, the checker to warn about a button a phone cuts.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : NO_WIDTH.test(ch) ? 0 : 1;
  return width;
}
