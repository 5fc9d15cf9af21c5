import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where translators record which languages have been reviewed by a native speaker. */
export const LOCALE_STATUS_FILE = 'locales/STATUS.md';

/** The non-empty lines of locales/STATUS.md, or undefined when the project has none yet. */
export function readLocaleStatus(root: string): string[] | undefined {
  const abs = join(root, LOCALE_STATUS_FILE);
  if (!existsSync(abs)) return undefined;
  return readFileSync(abs, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
}
