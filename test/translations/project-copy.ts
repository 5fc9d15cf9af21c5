import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/app.js';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway copy of the shipped flows and locales (with their translation record), to change freely. */
export function projectCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'translations-'));
  made.push(root);
  for (const dir of ['flows', 'locales'])
    cpSync(join(PROJECT_ROOT, dir), join(root, dir), { recursive: true });
  return root;
}

/** Replaces one exact piece of a file of `root` (fails when it is not there once). */
export function replaceIn(root: string, file: string, from: string, to: string): void {
  const abs = join(root, file);
  const text = readFileSync(abs, 'utf8');
  if (text.split(from).length !== 2) throw new Error(`"${from}" is not in ${file} exactly once`);
  writeFileSync(abs, text.replace(from, to), 'utf8');
}
