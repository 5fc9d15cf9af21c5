import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../src/bundle.js';
import { formatProblem } from '../../src/problems.js';
import { fixtureRoot } from '../helpers/fixture-root.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'broken');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'base.yaml')
  .map((f) => f.replace(/\.yaml$/, ''));

const errorsOf = (flowText: string) => {
  const { bundle, problems } = loadBundle({ root: fixtureRoot(flowText) });
  return { bundle, lines: problems.filter((p) => p.severity === 'error').map(formatProblem) };
};

describe('broken-flow fixtures: each defect gives its exact message', () => {
  it('the base fixture is valid', () => {
    const { bundle, lines } = errorsOf(readFileSync(join(dir, 'base.yaml'), 'utf8'));
    expect(lines).toEqual([]);
    expect(bundle).toBeDefined();
  });

  it.each(fixtures)('%s', (name) => {
    const expectedFile = join(dir, `${name}.expected.txt`);
    expect(existsSync(expectedFile), `${name}.expected.txt is missing`).toBe(true);
    const expected = readFileSync(expectedFile, 'utf8').trim().split('\n');
    const { bundle, lines } = errorsOf(readFileSync(join(dir, `${name}.yaml`), 'utf8'));
    expect(lines).toEqual(expected);
    // A broken flow never produces a bundle: the bot refuses to start with it.
    expect(bundle).toBeUndefined();
  });
});
