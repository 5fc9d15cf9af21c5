import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOCALE_STATUS_FILE,
  localeSummaries,
  readStatusNotes,
  renderStatusMarkdown,
} from '../check/locale-status.js';
import { BASE_LOCALE, readLocales, type Locale } from '../locales.js';
import { formatProblem } from '../problems.js';
import {
  englishOf,
  formatSourceRecord,
  readSourceRecord,
  SOURCES_FILE,
  sourceHash,
  textUnits,
  type SourceRecord,
} from './record.js';

/** A mistake in a `translations` command, worded for the person who typed it. */
export class TranslationsError extends Error {}

/**
 * Writes several files so that either all of them change or none: each is written to a temporary
 * file beside it first, and only when every one is written are they renamed over the old ones.
 */
export function writeFilesTogether(files: readonly { path: string; text: string }[]): void {
  const temps = files.map((f) => ({ ...f, temp: `${f.path}.${process.pid}.tmp` }));
  try {
    for (const f of temps) writeFileSync(f.temp, f.text, 'utf8');
  } catch (err) {
    for (const f of temps) rmSync(f.temp, { force: true });
    throw err;
  }
  for (const f of temps) renameSync(f.temp, f.path);
}

/** The locales of a project, or the loader's first problem as an error. */
export function loadLocales(root: string): { english: Locale; locales: Locale[] } {
  const { locales, problems } = readLocales(root);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    throw new TranslationsError(`fix the locale files first:\n${errors.map(formatProblem).join('\n')}`);
  return { english: englishOf(locales), locales };
}

/** The languages a command names: one code, several separated by commas, or "all" (every language but English). */
export function chooseLanguages(locales: readonly Locale[], lang: string | undefined): Locale[] {
  if (!lang) throw new TranslationsError('say which language: --lang <code> (e.g. --lang id), or --lang all');
  const others = locales.filter((l) => l.code !== BASE_LOCALE);
  if (lang === 'all') return others;
  return lang.split(',').map((code) => {
    if (code === BASE_LOCALE)
      throw new TranslationsError('English is the source of every text: it has no translation to record');
    const l = others.find((o) => o.code === code.trim());
    if (!l)
      throw new TranslationsError(
        `there is no language "${code}" in locales/ (there are: ${others.map((o) => o.code).join(', ')})`,
      );
    return l;
  });
}

/** The record file and the status table, as they should be written after a change. */
export function recordFiles(root: string, code: string, record: SourceRecord, order: readonly string[]) {
  return { path: join(root, 'locales', code, SOURCES_FILE), text: formatSourceRecord(code, record, order) };
}

/** The status table generated from the record on disk, with a changed record of some languages already applied. */
export function statusFile(root: string): { path: string; text: string } {
  const { locales } = loadLocales(root);
  return {
    path: join(root, LOCALE_STATUS_FILE),
    text: renderStatusMarkdown(localeSummaries(root, locales), readStatusNotes(root)),
  };
}

export interface MarkOptions {
  lang: string | undefined;
  /** Only these keys (after their translation was updated, or checked and found still right). */
  keys?: string[];
  /** Every text of the language, not only those with no record yet. */
  all?: boolean;
  /** A native speaker has read them: status "reviewed", with who and when. */
  reviewed?: boolean;
  by?: string;
  on?: string;
}

/**
 * `npm run translations -- mark`: records, for texts of a language, the English they are now
 * translated from. With no --keys and no --all, only the texts that have no record yet (keys added
 * since the last mark): safe to re-run at any time, it never hides an out-of-date text.
 * Returns one line per language saying what changed.
 */
export function markTranslations(root: string, opts: MarkOptions): string[] {
  const { english, locales } = loadLocales(root);
  const chosen = chooseLanguages(locales, opts.lang);
  if (opts.reviewed && !opts.by)
    throw new TranslationsError('say who reviewed the texts: --by "<organisation or first name>"');
  const on = opts.on ?? new Date().toISOString().slice(0, 10);
  const files: { path: string; text: string }[] = [];
  const report: string[] = [];
  for (const locale of chosen) {
    const units = textUnits(english, locale.code);
    const order = units.map((u) => u.key);
    if (opts.keys) {
      const unknown = opts.keys.filter((k) => !order.includes(k));
      if (unknown.length > 0)
        throw new TranslationsError(
          `${locale.code} has no text to translate named ${unknown.map((k) => `"${k}"`).join(', ')}`,
        );
    }
    const record = readSourceRecord(root, locale.code);
    const before = new Map(record);
    // Records of texts English no longer has are dropped.
    for (const key of [...record.keys()]) if (!order.includes(key)) record.delete(key);
    let marked = 0;
    const missing: string[] = [];
    for (const u of units) {
      const wanted = opts.keys ? opts.keys.includes(u.key) : opts.all || opts.reviewed || !record.has(u.key);
      if (!wanted) continue;
      if (!locale.keys.has(u.key)) {
        missing.push(u.key);
        continue;
      }
      record.set(
        u.key,
        opts.reviewed
          ? { en: sourceHash(u.english), status: 'reviewed', by: opts.by, on }
          : { en: sourceHash(u.english), status: 'translated' },
      );
      marked++;
    }
    const dropped = [...before.keys()].filter((k) => !record.has(k)).length;
    files.push(recordFiles(root, locale.code, record, order));
    report.push(
      `${locale.code}: ${marked} text${marked === 1 ? '' : 's'} recorded as ${opts.reviewed ? `reviewed (by ${opts.by}, ${on})` : 'translated'} from the current English` +
        (dropped > 0
          ? `; ${dropped} record${dropped === 1 ? '' : 's'} of texts English no longer has removed`
          : '') +
        (missing.length > 0
          ? `; ${missing.length} missing (translate them first): ${missing.join(', ')}`
          : ''),
    );
  }
  writeFilesTogether(files);
  writeFilesTogether([statusFile(root)]);
  return report;
}
