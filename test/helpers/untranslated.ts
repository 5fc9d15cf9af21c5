import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/**
 * Takes the text `key` out of `locales/<lang>/messages.yaml` under `root` (as if a maintainer added it in
 * English only) and returns its English text.
 */
export function removeText(root: string, lang: string, key: string): string {
  const file = join(root, 'locales', lang, 'messages.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const path = key.split('.');
  if (!doc.hasIn(path)) throw new Error(`${lang} has no "${key}"`);
  doc.deleteIn(path);
  writeFileSync(file, doc.toString());
  const english = parseDocument(readFileSync(join(root, 'locales', 'en', 'messages.yaml'), 'utf8')).getIn(path);
  if (typeof english !== 'string') throw new Error(`English has no "${key}"`);
  return english;
}
