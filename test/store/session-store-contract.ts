import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/engine.js';
import type { MessageIdGroup, SessionRecord, SessionStore } from '../../src/store/session-store.js';

/** One store under test, with the means to let its TTL clock run. */
export interface ContractSubject {
  store: SessionStore;
  /** Lets `seconds` pass for the store's expiry (a fake clock, or real waiting). */
  elapse(seconds: number): Promise<void>;
  /** True when elapse() moves a fake clock (any span is instant); false when it really waits. */
  timeIsFake: boolean;
  /** Milliseconds left before the chat's key expires, when the store can tell (Redis: PTTL). */
  remainingTtlMs?(chatRef: string): Promise<number>;
  /** Removes what the suite wrote and closes the store. */
  dispose(): Promise<void>;
}

/** A record shaped like production's: an engine snapshot and Telegram message ids. */
export function sampleRecord(overrides: Partial<Snapshot> = {}, m?: MessageIdGroup[]): SessionRecord {
  const now = Date.UTC(2026, 10, 24, 9, 0, 0);
  const s: Snapshot = {
    v: 1,
    flow: 'self-assessment',
    ver: 3,
    hash: 'f1e2d3c4',
    step: 'passport',
    answers: { employer_type: 'agency' },
    lang: 'en',
    started: now,
    updated: now,
    ...overrides,
  };
  return m ? { s, m } : { s };
}

let counter = 0;
/** A chat reference unique to this run, shaped like chatRef() output (22 base64url characters). */
function freshRef(): string {
  counter += 1;
  return `contract${String(counter).padStart(6, '0')}${Math.random().toString(36).slice(2, 10)}`.slice(0, 22);
}

/**
 * The behaviour every SessionStore must have. Run it against each implementation, so the memory
 * store (development, tests) and Redis (production) cannot drift apart.
 */
export function describeSessionStoreContract(
  name: string,
  makeSubject: () => Promise<ContractSubject>,
): void {
  describe(`${name}: the SessionStore contract`, () => {
    let subject: ContractSubject;
    let store: SessionStore;
    const TTL = 3600;

    beforeAll(async () => {
      subject = await makeSubject();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    it('reads null for a chat it has never seen', async () => {
      expect(await store.read(freshRef())).toBeNull();
    });

    it('creates with expected version 0 and reads back the same record at a new, positive version', async () => {
      const ref = freshRef();
      const record = sampleRecord({}, [[1001, 1_795_500_000]]);
      expect(await store.write(ref, record, 0, TTL)).toBe(true);
      const read = await store.read(ref);
      expect(read).toEqual({ value: record, version: expect.any(Number) });
      expect(read!.version).toBeGreaterThan(0);
      expect(Number.isSafeInteger(read!.version)).toBe(true);
    });

    it('reads back message-id groups, the live keyboard and an empty answer list exactly', async () => {
      const ref = freshRef();
      const record: SessionRecord = { ...sampleRecord({ answers: {}, lang: null }), m: [[29_925_000, 11, 12, 13]], k: 13 };
      await store.write(ref, record, 0, TTL);
      expect((await store.read(ref))?.value).toEqual(record);
    });

    it('keeps every field of the snapshot exactly, including "|" and non-ASCII characters', async () => {
      const ref = freshRef();
      const record = sampleRecord({
        step: 'urgent|go_out',
        lang: 'zh-HK',
        campaign: 'central-中環',
        overlay: 'resume',
      });
      await store.write(ref, record, 0, TTL);
      expect((await store.read(ref))?.value).toEqual(record);
    });

    it('refuses to create when the chat already has a record (expected 0, found 1)', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'first' }), 0, TTL);
      expect(await store.write(ref, sampleRecord({ step: 'second' }), 0, TTL)).toBe(false);
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'first' } } });
    });

    it('writes with the current version and counts versions up', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'a' }), 0, TTL);
      const v1 = (await store.read(ref))!.version;
      expect(await store.write(ref, sampleRecord({ step: 'b' }), v1, TTL)).toBe(true);
      expect(await store.write(ref, sampleRecord({ step: 'c' }), v1 + 1, TTL)).toBe(true);
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'c' } }, version: v1 + 2 });
    });

    it('swap: says the new version when written, and hands back what is stored when not (one round trip)', async () => {
      const ref = freshRef();
      const created = await store.swap(ref, sampleRecord({ step: 'a' }), 0, TTL);
      if (!created.written) throw new Error('not created');
      expect((await store.read(ref))?.version).toBe(created.version);
      const next = await store.swap(ref, sampleRecord({ step: 'b' }), created.version, TTL);
      expect(next).toEqual({ written: true, version: created.version + 1 });
      // A writer still on the first version: refused, and given the newer record to retry on.
      const stale = await store.swap(ref, sampleRecord({ step: 'stale' }), created.version, TTL);
      expect(stale).toEqual({ written: false, current: { value: sampleRecord({ step: 'b' }), version: created.version + 1 } });
      // Creating over an existing record: refused, with the record.
      expect(await store.swap(ref, sampleRecord(), 0, TTL)).toMatchObject({ written: false, current: { value: { s: { step: 'b' } } } });
      // A version for a chat that has nothing: refused, nothing to hand back.
      expect(await store.swap(freshRef(), sampleRecord(), 5, TTL)).toEqual({ written: false, current: null });
    });

    it('amend: adds a change (ids sent, the live keyboard) in one small write; the record reads back with it, exactly', async () => {
      const ref = freshRef();
      const created = await store.swap(ref, sampleRecord({ step: 'a' }, [[29_000_000, 10, 11]]), 0, TTL);
      if (!created.written) throw new Error('not created');
      // Same minute: the ids join the last group; a later minute: a group of its own.
      const first = await store.amend(ref, { ids: { minute: 29_000_000, ids: [12, 13] }, k: 13 }, created.version, TTL);
      expect(first).toEqual({ written: true, version: created.version + 1 });
      const second = await store.amend(ref, { ids: { minute: 29_000_002, ids: [14] } }, created.version + 1, TTL);
      expect(second).toEqual({ written: true, version: created.version + 2 });
      const read = await store.read(ref);
      expect(read).toEqual({
        value: { ...sampleRecord({ step: 'a' }, [[29_000_000, 10, 11, 12, 13], [29_000_002, 14]]), k: 13 },
        version: created.version + 2,
      });
      // Only the keyboard (nothing sent that could be deleted): the ids stay as they were.
      await store.amend(ref, { ids: { minute: 29_000_003, ids: [] }, k: 20 }, created.version + 2, TTL);
      expect((await store.read(ref))?.value).toEqual({ ...read!.value, k: 20 });
      // The next whole write replaces the additions with the record it is given.
      const whole = sampleRecord({ step: 'b' }, [[29_000_003, 21]]);
      expect(await store.swap(ref, whole, created.version + 3, TTL)).toEqual({ written: true, version: created.version + 4 });
      expect((await store.read(ref))?.value).toEqual(whole);
    });

    it('amend: refused on a moved version (hands back what is stored) and on a chat with no record (she exited)', async () => {
      const ref = freshRef();
      const created = await store.swap(ref, sampleRecord({ step: 'a' }), 0, TTL);
      if (!created.written) throw new Error('not created');
      await store.swap(ref, sampleRecord({ step: 'moved' }), created.version, TTL);
      expect(await store.amend(ref, { ids: { minute: 1, ids: [5] } }, created.version, TTL)).toEqual({
        written: false,
        current: { value: sampleRecord({ step: 'moved' }), version: created.version + 1 },
      });
      expect((await store.read(ref))?.value.m).toBeUndefined();
      const gone = freshRef();
      expect(await store.amend(gone, { ids: { minute: 1, ids: [5] } }, 0, TTL)).toEqual({ written: false, current: null });
      expect(await store.amend(gone, { ids: { minute: 1, ids: [5] } }, 7, TTL)).toEqual({ written: false, current: null });
      expect(await store.read(gone)).toBeNull();
    });

    it("amend: a turn's moves as a line (step, answers, time, language, overlay, campaign dropped, live keyboard gone) read back exactly", async () => {
      const ref = freshRef();
      const before = { ...sampleRecord({ step: 'a', overlay: 'resume', campaign: 'leaflet-1' }, [[29_000_000, 10]]), k: 10 };
      const created = await store.swap(ref, before, 0, TTL);
      if (!created.written) throw new Error('not created');
      const later = before.s.updated + 65_000;
      const moved = await store.amend(
        ref,
        { step: 'b', answers: { passport: 'kept', employer_type: 'family' }, updated: later, lang: 'id', overlay: null, dropCampaign: true, ids: { minute: 29_000_001, ids: [11] }, k: null },
        created.version,
        TTL,
      );
      expect(moved).toEqual({ written: true, version: created.version + 1 });
      const { overlay: _o, campaign: _c, ...rest } = before.s;
      expect((await store.read(ref))?.value).toEqual({
        s: { ...rest, step: 'b', answers: { employer_type: 'family', passport: 'kept' }, updated: later, lang: 'id' },
        m: [[29_000_000, 10], [29_000_001, 11]],
      });
      // The overlay comes back, the language goes: both said in a line too.
      await store.amend(ref, { overlay: 'language', lang: null }, created.version + 1, TTL);
      expect((await store.read(ref))?.value.s).toMatchObject({ overlay: 'language', lang: null, step: 'b' });
    });

    it('take: removes the record and hands back what it held; nothing for a missing chat', async () => {
      const ref = freshRef();
      const record = sampleRecord({ step: 'taken' }, [[1001, 1_795_500_000]]);
      await store.write(ref, record, 0, TTL);
      const version = (await store.read(ref))!.version;
      expect(await store.take(ref)).toEqual({ value: record, version });
      expect(await store.read(ref)).toBeNull();
      expect(await store.take(ref)).toBeNull();
    });

    it('a chat that ends and starts again never gets a version it had before (no stale write can land)', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'old' }), 0, TTL);
      const old = (await store.read(ref))!.version;
      await store.delete(ref);
      await store.write(ref, sampleRecord({ step: 'new' }), 0, TTL);
      const fresh = (await store.read(ref))!.version;
      await store.write(ref, sampleRecord({ step: 'new2' }), fresh, TTL);
      // A writer that still holds the old session's version is refused.
      expect(await store.write(ref, sampleRecord({ step: 'stale' }), old, TTL)).toBe(false);
      expect(await store.write(ref, sampleRecord({ step: 'stale' }), old + 1, TTL)).toBe(false);
      expect((await store.read(ref))?.value.s.step).toBe('new2');
    });

    it('refuses a write based on a stale version and keeps the newer record (compare-and-set)', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'a' }), 0, TTL);
      const seenByBoth = await store.read(ref);
      const v = seenByBoth!.version;
      expect(await store.write(ref, sampleRecord({ step: 'from-first' }), v, TTL)).toBe(
        true,
      );
      expect(await store.write(ref, sampleRecord({ step: 'from-second' }), v, TTL)).toBe(
        false,
      );
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'from-first' } }, version: v + 1 });
    });

    it('refuses a write with a version from the future', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord(), 0, TTL);
      expect(await store.write(ref, sampleRecord({ step: 'x' }), (await store.read(ref))!.version + 7, TTL)).toBe(false);
      expect(await store.write(freshRef(), sampleRecord(), 1, TTL)).toBe(false);
    });

    it('keeps chats apart', async () => {
      const a = freshRef();
      const b = freshRef();
      await store.write(a, sampleRecord({ step: 'for-a' }), 0, TTL);
      await store.write(b, sampleRecord({ step: 'for-b' }), 0, TTL);
      await store.delete(a);
      expect(await store.read(a)).toBeNull();
      expect(await store.read(b)).toMatchObject({ value: { s: { step: 'for-b' } } });
    });

    it('hands out copies: changing a read record changes nothing stored', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord(), 0, TTL);
      const read = await store.read(ref);
      read!.value.s.answers.passport = 'lender';
      expect((await store.read(ref))?.value.s.answers).toEqual({ employer_type: 'agency' });
    });

    it('deletes, and deleting a missing chat is fine; afterwards the chat starts again at version 0', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord(), 0, TTL);
      await store.delete(ref);
      expect(await store.read(ref)).toBeNull();
      await expect(store.delete(ref)).resolves.toBeUndefined();
      await expect(store.delete(freshRef())).resolves.toBeUndefined();
      expect(await store.write(ref, sampleRecord({ step: 'again' }), 0, TTL)).toBe(true);
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'again' } } });
    });

    it('sets the TTL on every write: a record is gone once its TTL has passed', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord(), 0, 1);
      if (subject.remainingTtlMs) {
        const left = await subject.remainingTtlMs(ref);
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(1000);
      }
      await subject.elapse(0.4);
      expect(await store.read(ref)).not.toBeNull();
      await subject.elapse(0.8);
      expect(await store.read(ref)).toBeNull();
      // Expired is the same as absent: the chat can start again.
      expect(await store.write(ref, sampleRecord(), 0, TTL)).toBe(true);
    });

    it('renews the TTL on each write (idle expiry, not expiry after the first message)', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'a' }), 0, 1);
      await subject.elapse(0.6);
      await store.write(ref, sampleRecord({ step: 'b' }), (await store.read(ref))!.version, 1);
      await subject.elapse(0.6);
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'b' } } });
      await subject.elapse(0.6);
      expect(await store.read(ref)).toBeNull();
    });

    it('renews the TTL when ids are added too (every write sets it)', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'a' }), 0, 1);
      await subject.elapse(0.6);
      const added = await store.amend(ref, { ids: { minute: 1, ids: [9] } }, (await store.read(ref))!.version, 1);
      expect(added.written).toBe(true);
      await subject.elapse(0.6);
      expect((await store.read(ref))?.value.m).toEqual([[1, 9]]);
      await subject.elapse(0.6);
      expect(await store.read(ref)).toBeNull();
    });

    it('sets the TTL it is given on long-lived sessions too', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord(), 0, 24 * 3600);
      if (subject.remainingTtlMs) {
        const left = await subject.remainingTtlMs(ref);
        expect(left).toBeGreaterThan(24 * 3600_000 - 60_000);
        expect(left).toBeLessThanOrEqual(24 * 3600_000);
      }
      if (subject.timeIsFake) {
        await subject.elapse(24 * 3600 - 1);
        expect(await store.read(ref)).not.toBeNull();
        await subject.elapse(2);
        expect(await store.read(ref)).toBeNull();
      }
    });

    it('claims a key once: the first caller gets true, every later one false, until the claim expires', async () => {
      const key = `update:${freshRef()}`;
      const claims = await Promise.all([store.claimOnce(key, 1), store.claimOnce(key, 1), store.claimOnce(key, 1)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimOnce(key, 1)).toBe(false);
      expect(await store.claimOnce(`${key}:other`, 1)).toBe(true);
      await subject.elapse(1.2);
      expect(await store.claimOnce(key, 1)).toBe(true);
    });

    // Two instances (or two overlapping calls) that read the same version: exactly one may win.
    it('lets exactly one of two simultaneous writes with the same expected version succeed', async () => {
      const ref = freshRef();
      const created = await Promise.all([
        store.write(ref, sampleRecord({ step: 'from-a' }), 0, TTL),
        store.write(ref, sampleRecord({ step: 'from-b' }), 0, TTL),
      ]);
      expect(created.filter(Boolean)).toHaveLength(1);
      const v = (await store.read(ref))!.version;
      const updated = await Promise.all([
        store.swap(ref, sampleRecord({ step: 'from-a2' }), v, TTL),
        store.swap(ref, sampleRecord({ step: 'from-b2' }), v, TTL),
      ]);
      expect(updated.filter((u) => u.written)).toHaveLength(1);
      expect((await store.read(ref))?.version).toBe(v + 1);
    });
  });
}
