import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/engine.js';
import { addIds, decodeRecord, encodeAddition, encodeRecord } from '../../src/store/session-codec.js';

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

  it('ids added after a turn are a short line each after the record, applied in order when read', () => {
    const s = snapshot();
    const whole = encodeRecord({ s, m: [[100, 1, 2]], k: 2 });
    const line = encodeAddition({ minute: 100, ids: [3, 4], k: 4 });
    expect(line).toBe('\n[100,[3,4],4]');
    const later = encodeAddition({ minute: 102, ids: [5] });
    expect(later).toBe('\n[102,[5],0]');
    expect(decodeRecord(whole + line + later)).toEqual({ s, m: [[100, 1, 2, 3, 4], [102, 5]], k: 4 });
    // A record with no ids yet, and an addition with only the live keyboard.
    expect(decodeRecord(encodeRecord({ s }) + encodeAddition({ minute: 7, ids: [], k: 9 }))).toEqual({ s, k: 9 });
    // A damaged line is not read as ids.
    expect(() => decodeRecord(whole + '\n[100,["x"],0]')).toThrow(TypeError);
    expect(() => decodeRecord(whole + '\n{}')).toThrow();
  });

  it('addIds joins the last group of the same minute, else starts one, and never changes what it is given', () => {
    const m: [number, ...number[]][] = [[100, 1], [101, 2]];
    expect(addIds(m, 101, [3])).toEqual([[100, 1], [101, 2, 3]]);
    expect(addIds(m, 102, [4])).toEqual([[100, 1], [101, 2], [102, 4]]);
    expect(addIds(undefined, 5, [6])).toEqual([[5, 6]]);
    expect(addIds(m, 103, [])).toEqual(m);
    expect(m).toEqual([[100, 1], [101, 2]]);
  });
});
