import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/app.js';

/**
 * A throwaway project root: the shipped indicators, contacts, figures and the given locales,
 * with `flowText` as flows/self-assessment.yaml. For fixture tests of the loader and checker.
 */
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function fixtureRoot(flowText: string, locales: readonly string[] = ['en']): string {
  const root = mkdtempSync(join(tmpdir(), 'flow-fixture-'));
  made.push(root);
  mkdirSync(join(root, 'flows'));
  for (const f of ['indicators.yaml', 'contacts.yaml', 'hk-rules.yaml']) {
    cpSync(join(PROJECT_ROOT, 'flows', f), join(root, 'flows', f));
  }
  writeFileSync(join(root, 'flows', 'self-assessment.yaml'), flowText);
  for (const l of locales) cpSync(join(PROJECT_ROOT, 'locales', l), join(root, 'locales', l), { recursive: true });
  return root;
}
