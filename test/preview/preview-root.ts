import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/app.js';
import { loadBundle } from '../../src/bundle.js';
import { baseKeys, hasKey, pluralCategories, readLocales } from '../../src/locales.js';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A copy of the shipped flows and every language, for the preview tests. A text another engineer has
 * not translated yet is filled in from English, so the preview runs while locales are being written;
 * a language that still does not load is left out. Returns the root and the languages it has.
 */
export function previewRoot(): { root: string; languages: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'preview-'));
  made.push(root);
  cpSync(join(PROJECT_ROOT, 'flows'), join(root, 'flows'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'locales', 'en'), join(root, 'locales', 'en'), { recursive: true });
  const english = readLocales(root).locales.find((l) => l.code === 'en')!;
  for (const code of readdirSync(join(PROJECT_ROOT, 'locales'), { withFileTypes: true })) {
    if (!code.isDirectory() || code.name === 'en') continue;
    cpSync(join(PROJECT_ROOT, 'locales', code.name), join(root, 'locales', code.name), { recursive: true });
    const locale = readLocales(root).locales.find((l) => l.code === code.name);
    if (locale) {
      const lines: string[] = [];
      for (const key of baseKeys(english)) {
        if (hasKey(locale, key)) continue;
        const forms = english.keys.has(key) ? [key] : pluralCategories(locale.code).map((c) => `${key}_${c}`);
        for (const k of forms) {
          const text = english.keys.get(k)?.value ?? english.keys.get(`${key}_other`)?.value ?? key;
          lines.push(`${JSON.stringify(k)}: ${JSON.stringify(text)}`);
        }
      }
      if (lines.length > 0) appendFileSync(join(root, locale.file), `\n${lines.join('\n')}\n`);
    }
    if (!loadBundle({ root }).bundle) rmSync(join(root, 'locales', code.name), { recursive: true, force: true });
  }
  const { bundle } = loadBundle({ root });
  if (!bundle) throw new Error('the shipped flows do not load even with English only');
  return { root, languages: bundle.localeCodes };
}
