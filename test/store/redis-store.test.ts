import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { createSessionStore, redisUrlWithoutSecrets } from '../../src/store/create-store.js';
import { MemorySessionStore } from '../../src/store/memory-store.js';
import { RedisSessionStore } from '../../src/store/redis-store.js';
import { encodeRecord } from '../../src/store/session-codec.js';
import { StoreUnavailableError, type SessionRecord } from '../../src/store/session-store.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  describeWithRedisServerBinary,
  freePort,
  inspectorClient,
  keysUnder,
  TEST_REDIS_URL,
  ThrowawayRedis,
  uniqueTestPrefix,
} from '../helpers/redis.js';
import { describeSessionStoreContract, sampleRecord } from './session-store-contract.js';

const silent = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connectStore(prefix: string, timeoutMs = 2000): Promise<RedisSessionStore> {
  return RedisSessionStore.connect({ url: TEST_REDIS_URL, prefix, timeoutMs, logger: silent });
}

describeWithRedis('RedisSessionStore', () => {
  describeSessionStoreContract('RedisSessionStore', async () => {
    const prefix = uniqueTestPrefix('contract');
    const store = await connectStore(prefix);
    const inspector = await inspectorClient();
    return {
      store,
      timeIsFake: false,
      elapse: async (seconds) => {
        await sleep(seconds * 1000);
      },
      remainingTtlMs: (ref) => inspector.pTTL(store.keyOf(ref)),
      dispose: async () => {
        // Every key the contract wrote has a TTL (a key without one would be kept for ever).
        for (const key of await keysUnder(inspector, prefix))
          expect(await inspector.pTTL(key), key).toBeGreaterThan(0);
        await deleteKeysUnder(inspector, prefix);
        await store.close();
        inspector.destroy();
      },
    };
  });

  describe('keys and values in Redis', () => {
    const prefix = uniqueTestPrefix('format');
    let store: RedisSessionStore;
    let inspector: Awaited<ReturnType<typeof inspectorClient>>;

    beforeAll(async () => {
      store = await connectStore(prefix);
      inspector = await inspectorClient();
    });
    afterAll(async () => {
      await deleteKeysUnder(inspector, prefix);
      await store.close();
      inspector.destroy();
    });

    it('stores one string per chat under `${prefix}s:${chatRef}` as "<version>|<compact record>", with a TTL', async () => {
      const ref = chatRef('a-test-secret-of-16+chars', 'telegram', 85291234567);
      const record = sampleRecord({ answers: { employer_type: 'agency', passport: 'self' } }, [[29_925_000, 41, 42]]);
      await store.write(ref, record, 0, 90);
      expect(await keysUnder(inspector, prefix)).toEqual([`${prefix}s:${ref}`]);
      expect(await inspector.type(`${prefix}s:${ref}`)).toBe('string');
      const { version } = (await store.read(ref))!;
      // Fields in a fixed order, no names; times in base 36, the last change since the start.
      const started = record.s.started.toString(36);
      expect(await inspector.get(`${prefix}s:${ref}`)).toBe(
        `${version}|[2,"self-assessment",3,"f1e2d3c4","passport","employer_type=agency;passport=self","en","${started}","0",[[29925000,41,42]]]`,
      );
      const ttl = await inspector.ttl(`${prefix}s:${ref}`);
      expect(ttl).toBeGreaterThan(85);
      expect(ttl).toBeLessThanOrEqual(90);
    });

    it('rounds a fractional TTL up to whole seconds and refuses a TTL that is not positive', async () => {
      const ref = 'fractionalTtl000000000';
      await store.write(ref, sampleRecord(), 0, 0.2);
      expect(await inspector.pTTL(store.keyOf(ref))).toBeGreaterThan(0);
      await expect(store.write(ref, sampleRecord(), 1, 0)).rejects.toThrow(RangeError);
      await expect(store.write(ref, sampleRecord(), 1, Number.NaN)).rejects.toThrow(RangeError);
      await expect(store.write(ref, sampleRecord(), 1, Infinity)).rejects.toThrow(RangeError);
    });

    it('treats a damaged value as absent and replaces it on the next write, so the chat is not locked out', async () => {
      const ref = 'damagedValue0000000000';
      await inspector.set(store.keyOf(ref), 'not a session', { EX: 60 });
      expect(await store.read(ref)).toBeNull();
      expect(await store.write(ref, sampleRecord(), 0, 60)).toBe(true);
      expect(await store.read(ref)).toMatchObject({ value: sampleRecord() });
    });

    it('reads a session stored in the format before (a JSON object), so conversations in progress go on after a deploy', async () => {
      const ref = 'formerFormat0000000000';
      const record = sampleRecord({ overlay: 'resume', campaign: 'mk' }, [[29_925_000, 7]]);
      await inspector.set(store.keyOf(ref), `4|${JSON.stringify(record)}`, { EX: 60 });
      expect(await store.read(ref)).toEqual({ value: record, version: 4 });
      // Its next write goes by the version it had, and is stored in the compact form.
      expect(await store.write(ref, record, 4, 60)).toBe(true);
      expect(await inspector.get(store.keyOf(ref))).toMatch(/^5\|\[2,/);
      expect(await store.read(ref)).toEqual({ value: record, version: 5 });
    });

    it('reports a value with a version but broken JSON as StoreUnavailableError (the turn fails safe)', async () => {
      const ref = 'brokenJson000000000000';
      await inspector.set(store.keyOf(ref), '4|{"s":', { EX: 60 });
      await expect(store.read(ref)).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('still writes after Redis forgets its scripts (SCRIPT FLUSH, as after a restart)', async () => {
      const ref = 'scriptFlush00000000000';
      await store.write(ref, sampleRecord(), 0, 60);
      const { version } = (await store.read(ref))!;
      await inspector.scriptFlush();
      expect(await store.write(ref, sampleRecord({ step: 'after-flush' }), version, 60)).toBe(true);
      expect(await store.read(ref)).toMatchObject({ value: { s: { step: 'after-flush' } }, version: version + 1 });
      await inspector.scriptFlush();
      expect(await store.amend(ref, { step: 'amended' }, version + 1, 60)).toEqual({ written: true, version: version + 2 });
      await inspector.scriptFlush();
      expect(await store.take(ref)).toMatchObject({ value: { s: { step: 'amended' } } });
    });

    it('measures the bytes a session takes (MEMORY USAGE), null for none', async () => {
      const ref = 'memoryUsage00000000000';
      expect(await store.memoryUsage(ref)).toBeNull();
      await store.write(ref, sampleRecord(), 0, 60);
      const bytes = await store.memoryUsage(ref);
      expect(bytes).toBeGreaterThan(encodeRecord(sampleRecord()).length);
      expect(bytes).toBeLessThan(2048);
    });

    it('rejects every operation with StoreUnavailableError once closed', async () => {
      const closed = await connectStore(prefix);
      await closed.close();
      await expect(closed.read('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(closed.write('x', sampleRecord(), 0, 60)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(closed.delete('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(closed.close()).resolves.toBeUndefined();
    });
  });

  describe('two instances racing on one chat (compare-and-set against the real Redis)', () => {
    const prefix = uniqueTestPrefix('race');
    let first: RedisSessionStore;
    let second: RedisSessionStore;
    let inspector: Awaited<ReturnType<typeof inspectorClient>>;

    beforeAll(async () => {
      // Two clients, two connections: what two bot processes sharing Redis have.
      first = await connectStore(prefix);
      second = await connectStore(prefix);
      inspector = await inspectorClient();
    });
    afterAll(async () => {
      await deleteKeysUnder(inspector, prefix);
      await Promise.all([first.close(), second.close()]);
      inspector.destroy();
    });

    it('loses no update: 50 read-modify-writes from each client all end up in the answers', async () => {
      const ref = chatRef('a-test-secret-of-16+chars', 'telegram', 85298765432);
      expect(await first.write(ref, sampleRecord({ answers: {} }), 0, 600)).toBe(true);
      const created = (await first.read(ref))!.version;
      let conflicts = 0;

      const addAnswer = async (store: RedisSessionStore, step: string) => {
        for (let attempt = 0; attempt < 1000; attempt++) {
          const current = await store.read(ref);
          const next: SessionRecord = {
            ...current!.value,
            s: { ...current!.value.s, answers: { ...current!.value.s.answers, [step]: 'yes' } },
          };
          if (await store.write(ref, next, current!.version, 600)) return;
          conflicts += 1;
        }
        throw new Error(`gave up adding ${step}`);
      };
      // All 100 at once, alternating clients, so reads and writes interleave on the wire.
      const steps = Array.from({ length: 50 }, (_, i) => i);
      await Promise.all(
        steps.flatMap((i) => [addAnswer(first, `first_${i}`), addAnswer(second, `second_${i}`)]),
      );

      const final = await second.read(ref);
      expect(Object.keys(final!.value.s.answers).sort()).toEqual(
        [...steps.map((i) => `first_${i}`), ...steps.map((i) => `second_${i}`)].sort(),
      );
      expect(final!.version - created).toBe(100);
      expect(conflicts).toBeGreaterThan(0); // the race really happened
      expect(await inspector.pTTL(first.keyOf(ref))).toBeGreaterThan(0);
    });
  });

  describe('createSessionStore', () => {
    const config = (url: string | undefined) => ({
      REDIS_URL: url,
      REDIS_PREFIX: uniqueTestPrefix('create'),
      REDIS_TIMEOUT_MS: 500,
    });

    it('uses Redis when REDIS_URL is set and Redis answers', async () => {
      const store = await createSessionStore(config(TEST_REDIS_URL), silent);
      expect(store).toBeInstanceOf(RedisSessionStore);
      await store.close();
    });

    it('uses memory without REDIS_URL', async () => {
      const store = await createSessionStore(config(undefined), silent);
      expect(store).toBeInstanceOf(MemorySessionStore);
      await store.close();
    });
  });
});

// These need no Redis at all: nothing answers on the port.
describe('createSessionStore when Redis does not answer', () => {
  it('stops start-up with a ConfigError that names REDIS_URL, quickly, and never falls back to memory', async () => {
    const port = await freePort();
    const started = Date.now();
    const attempt = createSessionStore(
      {
        REDIS_URL: `redis://:hunter2-password@127.0.0.1:${port}/0`,
        REDIS_PREFIX: 'x:',
        REDIS_TIMEOUT_MS: 500,
      },
      silent,
    );
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toContain('REDIS_URL');
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain('hunter2'); // the password stays out of the message
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops start-up with a ConfigError for a REDIS_URL that is not a Redis URL', async () => {
    const base = { REDIS_PREFIX: 'x:', REDIS_TIMEOUT_MS: 500 };
    await expect(createSessionStore({ ...base, REDIS_URL: 'localhost:6379' }, silent)).rejects.toThrow(
      /REDIS_URL must start with redis:\/\//,
    );
    await expect(createSessionStore({ ...base, REDIS_URL: 'not a url' }, silent)).rejects.toThrow(
      /REDIS_URL is not a valid URL/,
    );
  });

  it('RedisSessionStore.connect rejects with StoreUnavailableError', async () => {
    const port = await freePort();
    await expect(
      RedisSessionStore.connect({
        url: `redis://127.0.0.1:${port}`,
        prefix: 'x:',
        timeoutMs: 300,
        logger: silent,
      }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('the Redis URL in messages and logs', () => {
  it.each([
    ['redis://:hunter2@127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
    ['redis://bot:pa/ss@wo#rd@redis.example.org:6380', 'redis://redis.example.org:6380'],
    ['rediss://default:a@b/c:d@10.0.0.5:6379/2', 'rediss://10.0.0.5:6379/2'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('%s is shown as %s, whatever characters the password has', (url, shown) => {
    expect(redisUrlWithoutSecrets(url)).toBe(shown);
  });

  it('a password with a "/" never reaches the start-up message', async () => {
    const port = await freePort();
    const attempt = createSessionStore(
      { REDIS_URL: `redis://bot:sec/ret-word@127.0.0.1:${port}`, REDIS_PREFIX: 'x:', REDIS_TIMEOUT_MS: 300 },
      silent,
    );
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toContain(`redis://127.0.0.1:${port}`);
    expect(message).not.toContain('sec/ret');
    expect(message).not.toContain('ret-word');
  });
});

describeWithRedisServerBinary('a Redis user without rights to the prefix', () => {
  let server: ThrowawayRedis;
  beforeAll(async () => {
    server = await ThrowawayRedis.start();
    const admin = await inspectorClient(server.url);
    // A user that may only touch keys under "other:".
    await admin.sendCommand(['ACL', 'SETUSER', 'limited', 'on', '>limited-pass-123', '~other:*', '+@all']);
    admin.destroy();
  });
  afterAll(async () => {
    await server?.kill();
  });

  it('stops the start with the Redis error code, the prefix and what to do', async () => {
    const url = `redis://limited:limited-pass-123@127.0.0.1:${server.port}`;
    const attempt = createSessionStore({ REDIS_URL: url, REDIS_PREFIX: 'sab:', REDIS_TIMEOUT_MS: 1000 }, silent);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toBe(
      `REDIS_URL (redis://127.0.0.1:${server.port}) answers, but Redis refused to write, read and delete a key under REDIS_PREFIX "sab:" (NOPERM). ` +
        'Give the bot\'s Redis user rights to the keys sab:* (e.g. ACL SETUSER <user> ~sab:* +@all), or use a writable primary with free memory.',
    );
    // The same user with its own prefix starts, and leaves no key behind.
    const store = await createSessionStore({ REDIS_URL: url, REDIS_PREFIX: 'other:', REDIS_TIMEOUT_MS: 1000 }, silent);
    await store.close();
    const admin = await inspectorClient(server.url);
    expect(await keysUnder(admin, 'other:')).toEqual([]);
    admin.destroy();
  });
});
