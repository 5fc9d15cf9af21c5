import { describe, expect, it } from 'vitest';
import { loadBundle } from '../src/bundle.js';
import { PROJECT_ROOT } from '../src/app.js';

describe('shipped flows', () => {
  it('load without errors', () => {
    const { bundle, problems } = loadBundle({ root: PROJECT_ROOT });
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(bundle?.flows.has('self-assessment')).toBe(true);
  });
});
