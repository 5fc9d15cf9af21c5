import type { Input } from '../../src/engine.js';
import type { Translator } from '../../src/i18n.js';

/** A start word (with a leading "/" allowed) and an optional payload. */
const START = /^\s*\/?(\S+)(?:\s+(\S+))?\s*$/u;
/** The payload a leaflet link carries (src/leaflet/start-payload.ts): at most 64 of A-Z a-z 0-9 _ -. */
const PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
/** The campaign code the engine keeps for the anonymous counts. */
const CAMPAIGN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Every language's start words (`command.start.words`, e.g. "start", "mulai", "เริ่ม"), in lower
 * case. "start" is always one of them, so an old leaflet keeps working.
 */
export function startWordsOf(translator: Translator): string[] {
  const words = new Set(['start']);
  for (const code of translator.codes) {
    for (const w of translator.words(code, 'command.start.words')) words.add(w.toLocaleLowerCase());
  }
  return [...words];
}

/**
 * Reads the text a leaflet's wa.me link fills in (src/leaflet/links.ts): "<start word> <lang>-<campaign>",
 * e.g. "MULAI id-mfmw2026" → { kind: 'start', lang: 'id', campaign: 'mfmw2026' }; "START id" and a
 * bare start word work too. Anything else after the start word that does not begin with a language
 * the bot speaks is not a leaflet text (e.g. "start again", a restart word): undefined, like any
 * other text, and the engine reads it.
 */
export function parseStartText(
  text: string,
  localeCodes: readonly string[],
  startWords: readonly string[] = ['start'],
): Extract<Input, { kind: 'start' }> | undefined {
  const m = START.exec(text);
  if (!m || !startWords.includes(m[1]!.toLocaleLowerCase())) return undefined;
  const payload = m[2];
  if (payload === undefined) return { kind: 'start' };
  if (!PAYLOAD.test(payload)) return undefined;
  const lower = payload.toLowerCase();
  // Longest code first, so "zh-HK-sunday" is Chinese (Hong Kong) with campaign "sunday", not "zh".
  for (const code of [...localeCodes].sort((a, b) => b.length - a.length)) {
    const c = code.toLowerCase();
    if (lower === c) return { kind: 'start', lang: code };
    if (lower.startsWith(`${c}-`)) {
      const campaign = payload.slice(c.length + 1);
      return CAMPAIGN.test(campaign)
        ? { kind: 'start', lang: code, campaign }
        : { kind: 'start', lang: code };
    }
  }
  return undefined;
}

/**
 * What the engine gets for a typed WhatsApp text, on either transport: a leaflet's start text (or a
 * bare start word) starts in its language, anything else is text for the engine to read.
 */
export function textInput(
  text: string,
  localeCodes: readonly string[],
  startWords: readonly string[] = ['start'],
): Input {
  return parseStartText(text, localeCodes, startWords) ?? { kind: 'text', text };
}
