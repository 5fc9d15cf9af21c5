import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/engine.js';
import type { SessionRecord, SessionStore } from '../../src/store/session-store.js';

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
export function sampleRecord(overrides: Partial<Snapshot> = {}, m?: [number, number][]): SessionRecord {
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

    it('creates with expected version 0 and reads back the same record at version 1', async () => {
      const ref = freshRef();
      const record = sampleRecord({}, [[1001, 1_795_500_000]]);
      expect(await store.write(ref, record, 0, TTL)).toBe(true);
      expect(await store.read(ref)).toEqual({ value: record, version: 1 });
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
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'first' } }, version: 1 });
    });

    it('writes with the current version and counts versions up', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'a' }), 0, TTL);
      expect(await store.write(ref, sampleRecord({ step: 'b' }), 1, TTL)).toBe(true);
      expect(await store.write(ref, sampleRecord({ step: 'c' }), 2, TTL)).toBe(true);
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'c' } }, version: 3 });
    });

    it('refuses a write based on a stale version and keeps the newer record (compare-and-set)', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord({ step: 'a' }), 0, TTL);
      const seenByBoth = await store.read(ref);
      expect(await store.write(ref, sampleRecord({ step: 'from-first' }), seenByBoth!.version, TTL)).toBe(
        true,
      );
      expect(await store.write(ref, sampleRecord({ step: 'from-second' }), seenByBoth!.version, TTL)).toBe(
        false,
      );
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'from-first' } }, version: 2 });
    });

    it('refuses a write with a version from the future', async () => {
      const ref = freshRef();
      await store.write(ref, sampleRecord(), 0, TTL);
      expect(await store.write(ref, sampleRecord({ step: 'x' }), 7, TTL)).toBe(false);
      expect(await store.write(freshRef(), sampleRecord(), 1, TTL)).toBe(false);
    });

    it('keeps chats apart', async () => {
      const a = freshRef();
      const b = freshRef();
      await store.write(a, sampleRecord({ step: 'for-a' }), 0, TTL);
      await store.write(b, sampleRecord({ step: 'for-b' }), 0, TTL);
      await store.delete(a);
      expect(await store.read(a)).toBeNull();
      expect(await store.read(b)).toMatchObject({ value: { s: { step: 'for-b' } }, version: 1 });
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
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'again' } }, version: 1 });
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
      await store.write(ref, sampleRecord({ step: 'b' }), 1, 1);
      await subject.elapse(0.6);
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'b' } } });
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
      const updated = await Promise.all([
        store.write(ref, sampleRecord({ step: 'from-a2' }), 1, TTL),
        store.write(ref, sampleRecord({ step: 'from-b2' }), 1, TTL),
      ]);
      expect(updated.filter(Boolean)).toHaveLength(1);
      expect((await store.read(ref))?.version).toBe(2);
    });
  });
}
