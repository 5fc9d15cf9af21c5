import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BASE_LOCALE, pluralCategories, type Locale } from '../locales.js';

/**
 * The translation record: for every translated text, which English text it was translated from
 * (a short hash of that English) and whether a native speaker has reviewed it. It is kept beside
 * each language in `locales/<code>/sources.yaml` and written only by `npm run translations`
 * (mark, import), never by hand.
 */
export const SOURCES_FILE = 'sources.yaml';

/** What a text of a language is, compared with the English it should say. */
export type TextStatus = 'reviewed' | 'translated' | 'out of date' | 'not recorded' | 'missing';

/** Every status, in the order the status table lists them. */
export const TEXT_STATUSES: readonly TextStatus[] = [
  'reviewed',
  'translated',
  'out of date',
  'not recorded',
  'missing',
];

/** What the statuses mean, for the table and the README. */
export const STATUS_MEANING: Record<TextStatus, string> = {
  reviewed:
    'a native speaker has read it against the English it was translated from, and that English has not changed since',
  translated: 'translated from the current English, not yet read by a native speaker',
  'out of date': 'the English changed after it was translated: the translation may no longer say the same',
  'not recorded':
    'the text is there, but no English source is recorded for it (added after the last `mark`): run `npm run translations -- mark --lang <code>` once it is checked',
  missing: 'the language has no text for this key (the bot cannot start until it has one)',
};

/** One recorded text: the hash of its English source and its review status. */
export interface SourceEntry {
  en: string;
  status: 'translated' | 'reviewed';
  /** Who reviewed it (an organisation or a first name) and when, for reviewed texts. */
  by?: string;
  on?: string;
}

export type SourceRecord = Map<string, SourceEntry>;

/** The short hash of an English text that a translation records (12 hex digits of its SHA-256). */
export function sourceHash(english: string): string {
  return createHash('sha256').update(english.normalize('NFC'), 'utf8').digest('hex').slice(0, 12);
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** One text a language must have: its key there, and the English it is translated from. */
export interface TextUnit {
  key: string;
  /** The English key (differs for a plural form English does not have, e.g. Nepali `_one` from English `_one`, Chinese `_other`). */
  englishKey: string;
  english: string;
}

/**
 * The texts `code` must have, in the order of the English file: each English key, with plural
 * forms replaced by the forms that language needs (Chinese has only `_other`; Tagalog `_one` and `_other`).
 */
export function textUnits(english: Locale, code: string): TextUnit[] {
  const units: TextUnit[] = [];
  const done = new Set<string>();
  const categories = pluralCategories(code);
  for (const [key, at] of english.keys) {
    const m = PLURAL_SUFFIX.exec(key);
    if (!m) {
      units.push({ key, englishKey: key, english: at.value });
      continue;
    }
    const base = key.slice(0, m.index);
    if (done.has(base)) continue;
    done.add(base);
    for (const c of categories) {
      const englishKey = english.keys.has(`${base}_${c}`) ? `${base}_${c}` : `${base}_other`;
      units.push({ key: `${base}_${c}`, englishKey, english: english.keys.get(englishKey)?.value ?? '' });
    }
  }
  return units;
}

/** Reads `locales/<code>/sources.yaml`; an absent file is an empty record (every text "not recorded"). */
export function readSourceRecord(root: string, code: string, localesDir = 'locales'): SourceRecord {
  const abs = join(root, localesDir, code, SOURCES_FILE);
  const record: SourceRecord = new Map();
  if (!existsSync(abs)) return record;
  let data: { texts?: Record<string, Partial<SourceEntry>> } | null;
  try {
    data = parse(readFileSync(abs, 'utf8')) as typeof data;
  } catch {
    // A file broken by hand: its texts show as "not recorded", and `mark` writes it again.
    return record;
  }
  for (const [key, e] of Object.entries(data?.texts ?? {})) {
    if (!e || typeof e.en !== 'string') continue;
    record.set(key, {
      en: e.en,
      status: e.status === 'reviewed' ? 'reviewed' : 'translated',
      ...(e.by ? { by: String(e.by) } : {}),
      ...(e.on ? { on: String(e.on) } : {}),
    });
  }
  return record;
}

/** The text of `locales/<code>/sources.yaml` for a record, one line per text in the English order. */
export function formatSourceRecord(code: string, record: SourceRecord, order: readonly string[]): string {
  const keys = [
    ...order.filter((k) => record.has(k)),
    ...[...record.keys()].filter((k) => !order.includes(k)).sort(),
  ];
  const lines = keys.map((k) => {
    const e = record.get(k)!;
    const extra =
      e.status === 'reviewed'
        ? `${e.by ? `, by: ${JSON.stringify(e.by)}` : ''}${e.on ? `, on: ${JSON.stringify(e.on)}` : ''}`
        : '';
    return `  ${JSON.stringify(k)}: { en: ${JSON.stringify(e.en)}, status: ${e.status}${extra} }`;
  });
  return [
    `# Translation record of "${code}": written by \`npm run translations -- mark\` and \`import\`. Do not edit by hand.`,
    '# For each text: "en" is the hash of the English text it was translated from (npm run check lists a text',
    '# as out of date when the English changes), "status" is translated or reviewed (by a native speaker).',
    'texts:',
    ...lines,
    '',
  ].join('\n');
}

/** The status of every text of a language, against the current English. */
export function textStatuses(english: Locale, locale: Locale, record: SourceRecord): Map<string, TextStatus> {
  const out = new Map<string, TextStatus>();
  for (const u of textUnits(english, locale.code)) out.set(u.key, unitStatus(u, locale, record));
  return out;
}

export function unitStatus(u: TextUnit, locale: Locale, record: SourceRecord): TextStatus {
  if (!locale.keys.has(u.key)) return 'missing';
  const e = record.get(u.key);
  if (!e) return 'not recorded';
  if (e.en !== sourceHash(u.english)) return 'out of date';
  return e.status;
}

/** The English locale of a list, or an error a maintainer can act on. */
export function englishOf(locales: readonly Locale[]): Locale {
  const en = locales.find((l) => l.code === BASE_LOCALE);
  if (!en)
    throw new Error(
      `there is no locales/${BASE_LOCALE}/messages.yaml: the English texts are the source of every translation`,
    );
  return en;
}

/** True when at least one language of the project keeps a translation record. */
export function hasSourceRecord(root: string, codes: readonly string[], localesDir = 'locales'): boolean {
  return codes.some((c) => existsSync(join(root, localesDir, c, SOURCES_FILE)));
}
