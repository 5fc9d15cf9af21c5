import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/engine.js';
import { addIds, applyChange, decodeRecord, encodeChange, encodeRecord, snapshotChange } from '../../src/store/session-codec.js';

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

  it('a change is one short line after the record, applied in order when read', () => {
    const s = snapshot();
    const whole = encodeRecord({ s, m: [[100, 1, 2]], k: 2 });
    const ids = encodeChange({ ids: { minute: 100, ids: [3, 4] }, k: 4 });
    expect(ids).toBe('\nm100,3,4 k4');
    const turn = encodeChange({ step: 'salary', answers: { passport: 'kept' }, updated: s.updated + 36, ids: { minute: 102, ids: [5] }, k: null });
    expect(turn).toBe(`\nssalary apassport=kept u${(s.updated + 36).toString(36)} m102,5 k`);
    expect(decodeRecord(whole + ids + turn)).toEqual({
      s: { ...s, step: 'salary', answers: { ...s.answers, passport: 'kept' }, updated: s.updated + 36 },
      m: [[100, 1, 2, 3, 4], [102, 5]],
    });
    // A record with no ids yet; a change with only the live keyboard; a write that changed nothing.
    expect(decodeRecord(encodeRecord({ s }) + encodeChange({ k: 9 }) + encodeChange({}))).toEqual({ s, k: 9 });
    // A text that is not an id would break the line: refused before anything is written.
    expect(() => encodeChange({ step: 'two words' })).toThrow(TypeError);
    expect(() => encodeChange({ answers: { passport: 'x\ny' } })).toThrow(TypeError);
    expect(() => encodeChange({ lang: 'en US' })).toThrow(TypeError);
    // A damaged line is not read as a change.
    for (const bad of ['\nm100,x', '\nz1', '\na=kept', '\nsstep with space', '\nu', '\n{"s":1}'])
      expect(() => decodeRecord(whole + bad), bad).toThrow(TypeError);
  });

  it('snapshotChange says what a move changed, and nothing a line cannot say', () => {
    const before = snapshot();
    before.answers = { language: 'en' };
    const after = { ...before, step: 'salary', answers: { language: 'en', passport: 'kept' }, updated: before.updated + 5 };
    const change = snapshotChange(before, after)!;
    expect(change).toEqual({ step: 'salary', answers: { passport: 'kept' }, updated: before.updated + 5 });
    expect(applyChange({ s: before }, change)).toEqual({ s: after });
    // A restart (answers dropped, a new start), another flow, a value that is not an id: written whole.
    expect(snapshotChange(before, { ...after, answers: {} })).toBeNull();
    expect(snapshotChange(before, { ...after, started: after.started + 1 })).toBeNull();
    expect(snapshotChange(before, { ...after, hash: 'other' })).toBeNull();
    expect(snapshotChange(before, { ...after, answers: { language: 'en', passport: 'a b' } })).toBeNull();
    expect(snapshotChange(before, { ...after, campaign: 'new' })).toBeNull();
    // Dropping the campaign, changing an answer: lines can say it.
    const withCampaign = { ...before, campaign: 'leaflet-1' };
    expect(snapshotChange(withCampaign, { ...before, answers: { language: 'id' } })).toEqual({ answers: { language: 'id' }, dropCampaign: true });
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
