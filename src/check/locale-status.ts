import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where translators record which languages have been reviewed by a native speaker. */
export const LOCALE_STATUS_FILE = 'locales/STATUS.md';

/** One row of the status table: a language and how far its review has got. */
export interface LocaleStatusRow {
  code: string;
  language: string;
  status: string;
  reviewedBy: string;
  date: string;
  /** 1-based line in locales/STATUS.md. */
  line: number;
}

/** The rows of the table in locales/STATUS.md, or undefined when the project has no such file. */
export function readLocaleStatus(root: string): LocaleStatusRow[] | undefined {
  const abs = join(root, LOCALE_STATUS_FILE);
  if (!existsSync(abs)) return undefined;
  const rows: LocaleStatusRow[] = [];
  readFileSync(abs, 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      const m = /^\s*\|(.*)\|\s*$/.exec(text);
      if (!m) return;
      const [code = '', language = '', status = '', reviewedBy = '', date = ''] = m[1]!.split('|').map((c) => c.trim());
      // The header and the |---| line under it.
      if (code === 'code' || /^:?-+:?$/.test(code)) return;
      rows.push({ code, language, status, reviewedBy, date, line: i + 1 });
    });
  return rows;
}

/** The status lines `npm run check` prints, e.g. "ne  नेपाली (Nepali): not yet reviewed by a native speaker". */
export function formatLocaleStatus(rows: readonly LocaleStatusRow[]): string[] {
  const width = Math.max(...rows.map((r) => r.code.length));
  return rows.map((r) => {
    const by = [r.reviewedBy, r.date].filter(Boolean).join(', ');
    return `${r.code.padEnd(width)}  ${r.language}: ${r.status || 'no status given'}${by ? ` (${by})` : ''}`;
  });
}
