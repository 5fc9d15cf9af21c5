import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createSessionStore } from '../../src/store/create-store.js';
import { MemorySessionStore } from '../../src/store/memory-store.js';
import { describeSessionStoreContract, sampleRecord } from './session-store-contract.js';

describeSessionStoreContract(
  'MemorySessionStore',
  async () => {
    let now = Date.UTC(2026, 10, 24, 9, 0, 0);
    const store = new MemorySessionStore(() => now);
    return {
      store,
      timeIsFake: true,
      elapse: async (seconds) => {
        now += seconds * 1000;
      },
      dispose: () => store.close(),
    };
  },
);

describe('MemorySessionStore: bounded (MEMORY_STORE_MAX_SESSIONS)', () => {
  const record = (step: string) => sampleRecord({ step });

  it('keeps at most maxSessions; the session written longest ago goes first', async () => {
    const store = new MemorySessionStore(Date.now, 3);
    for (const ref of ['a', 'b', 'c']) await store.write(ref, record(ref), 0, 60);
    // "a" is written again: now "b" is the one written longest ago.
    await store.write('a', record('a2'), (await store.read('a'))!.version, 60);
    await store.write('d', record('d'), 0, 60);
    expect(store.size).toBe(3);
    expect(await store.read('b')).toBeNull();
    for (const [ref, step] of [
      ['a', 'a2'],
      ['c', 'c'],
      ['d', 'd'],
    ])
      expect((await store.read(ref!))?.value.s.step).toBe(step);
    await store.close();
  });

  it('claimed update ids are bounded the same way', async () => {
    const store = new MemorySessionStore(Date.now, 2);
    for (const key of ['u1', 'u2', 'u3']) expect(await store.claimOnce(key, 60)).toBe(true);
    expect(await store.claimOnce('u3', 60)).toBe(false);
    // u1 was forgotten: a re-delivery that late is handled again (Telegram re-sends within minutes).
    expect(await store.claimOnce('u1', 60)).toBe(true);
    await store.close();
  });

  it('refuses a cap that is not a positive whole number', () => {
    expect(() => new MemorySessionStore(Date.now, 0)).toThrow(RangeError);
    expect(() => new MemorySessionStore(Date.now, 1.5)).toThrow(RangeError);
  });

  it('the setting reaches the store createSessionStore makes without Redis, with 100,000 as default', async () => {
    const logger = createLogger('silent');
    const capped = (await createSessionStore(
      { REDIS_PREFIX: 'x:', REDIS_TIMEOUT_MS: 2000, MEMORY_STORE_MAX_SESSIONS: 500 },
      logger,
    )) as MemorySessionStore;
    expect(capped.maxSessions).toBe(500);
    const byDefault = (await createSessionStore(
      { REDIS_PREFIX: 'x:', REDIS_TIMEOUT_MS: 2000 },
      logger,
    )) as MemorySessionStore;
    expect(byDefault.maxSessions).toBe(100_000);
    expect(loadConfig({}).MEMORY_STORE_MAX_SESSIONS).toBe(100_000);
    expect(() => loadConfig({ MEMORY_STORE_MAX_SESSIONS: '10' })).toThrow(
      /MEMORY_STORE_MAX_SESSIONS: must be a whole number from 100/,
    );
    await capped.close();
    await byDefault.close();
  });
});
