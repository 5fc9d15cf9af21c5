import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/app.js';
import { hasKey, pluralCategories, readLocales } from '../../src/locales.js';
import { SYSTEM_KEYS } from '../../src/system-keys.js';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A throwaway copy of the fixture project in `dir`, with every key the code needs (nav.*, choice.*, ...)
 * appended to each locale from the shipped English texts. Fixtures then only hold what they test, their
 * line numbers never move, and a key added to the code later does not break them.
 */
export function fixtureProject(dir: string): string {
  const root = mkdtempSync(join(tmpdir(), 'check-fixture-'));
  made.push(root);
  cpSync(dir, root, { recursive: true });
  const english = readLocales(PROJECT_ROOT).locales.find((l) => l.code === 'en');
  const englishText = (key: string) => english?.keys.get(key)?.value ?? key;
  for (const locale of readLocales(root).locales) {
    const lines: string[] = [];
    const mark = locale.code === 'en' ? '' : ' # same as English';
    for (const key of SYSTEM_KEYS) {
      if (hasKey(locale, key)) continue;
      if (english?.keys.has(key) || !english?.keys.has(`${key}_other`)) {
        lines.push(`${JSON.stringify(key)}: ${JSON.stringify(englishText(key))}${mark}`);
        continue;
      }
      for (const c of pluralCategories(locale.code)) {
        const text = english.keys.get(`${key}_${c}`)?.value ?? englishText(`${key}_other`);
        lines.push(`${JSON.stringify(`${key}_${c}`)}: ${JSON.stringify(text)}${mark}`);
      }
    }
    if (lines.length > 0) appendFileSync(join(root, locale.file), `\n# Added by the test: keys the code needs.\n${lines.join('\n')}\n`);
  }
  return root;
}
