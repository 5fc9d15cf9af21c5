import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/engine.js';
import { decodeRecord, encodeRecord } from '../../src/store/session-codec.js';

const snapshot = (): Snapshot => ({
  v: 1,
  flow: 'main',
  ver: 3,
  hash: 'abc123',
  step: 'passport',
  answers: { language: 'en', salary: 'paid', 'odd key': 'x;y=z' },
  lang: 'en',
  started: 1_764_770_000_000,
  updated: 1_764_770_100_000,
});

describe('session records as stored text', () => {
  it('is the whole record as one JSON array, and reads back as it was', () => {
    const s = { ...snapshot(), campaign: 'c"1', overlay: 'language' as const };
    const text = encodeRecord({ s, m: [[29_412_000, 5, 6]], k: 6 });
    expect(JSON.parse(text)).toEqual([
      2,
      'main',
      3,
      'abc123',
      'passport',
      { language: 'en', salary: 'paid', 'odd key': 'x;y=z' },
      'en',
      (1_764_770_000_000).toString(36),
      (100_000).toString(36),
      [[29_412_000, 5, 6]],
      6,
      'language',
      'c"1',
    ]);
    expect(decodeRecord(text)).toEqual({ s, m: [[29_412_000, 5, 6]], k: 6 });
  });

  it('the same snapshot written again (with the ids just sent) gives what a fresh copy gives; a changed field is seen', () => {
    const s = snapshot();
    s.answers = { language: 'en', salary: 'paid' };
    const first = encodeRecord({ s });
    expect(JSON.parse(first)[5]).toBe('language=en;salary=paid');
    const again = encodeRecord({ s, m: [[1, 2, 3]], k: 3 });
    expect(again).toBe(encodeRecord({ s: structuredClone(s), m: [[1, 2, 3]], k: 3 }));
    expect(decodeRecord(again)).toEqual({ s, m: [[1, 2, 3]], k: 3 });
    // Fields changed on the same object (as the engine does on a snapshot it has just made).
    s.step = 'salary';
    s.updated += 60_000;
    s.answers = { ...s.answers, passport: 'kept' };
    s.lang = 'id';
    const changed = encodeRecord({ s });
    expect(changed).toBe(encodeRecord({ s: structuredClone(s) }));
    expect(decodeRecord(changed).s).toEqual(s);
  });
});
