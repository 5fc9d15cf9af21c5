import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCore, loadCheckedBundle } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { createStatsCounter } from '../../src/stats/create-counter.js';
import { createSessionStore } from '../../src/store/create-store.js';
import type { RedisSessionStore } from '../../src/store/redis-store.js';
import { describeWithRedisServerBinary, ThrowawayCluster } from '../helpers/redis.js';
import { describeSessionStoreContract, sampleRecord } from './session-store-contract.js';

/**
 * A real local Redis Cluster (3 masters, 3 replicas): sessions and counts spread over the masters,
 * and a master that dies is taken over by its replica without a restart of the bot.
 */
const lines: string[] = [];
const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithRedisServerBinary('sessions in a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: ThrowawayCluster;
  beforeAll(async () => {
    cluster = await ThrowawayCluster.start();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  describeSessionStoreContract('RedisSessionStore on a cluster', async () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: cluster.urls.join(','), REDIS_PREFIX: 'contract:' });
    const store = (await createSessionStore(config, logger)) as RedisSessionStore;
    return { store, timeIsFake: false, elapse: async (s) => void (await sleep(s * 1000)), dispose: () => store.close() };
  });

  it('many chats land on every master, and the anonymous counts are kept and read back', async () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: cluster.urls.join(','), REDIS_PREFIX: 'spread:' });
    const store = (await createSessionStore(config, logger)) as RedisSessionStore;
    const masters = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const ref = chatRef('cluster-test-secret-0123456789', 'telegram', 100 + i);
      expect(await store.write(ref, sampleRecord(), 0, 60)).toBe(true);
      expect((await store.read(ref))?.version).toBeGreaterThan(0);
      masters.add(await cluster.masterOf(store.keyOf(ref)));
    }
    expect(masters.size).toBe(3);
    await store.close();

    const counter = await createStatsCounter(config, logger);
    const now = Date.UTC(2026, 11, 3);
    await counter.recordEvent({ type: 'started', lang: 'en' }, 'telegram', now);
    const [week] = await counter.readWeeks(['2026-W49']);
    expect(Object.values(week!.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await counter.close();
  });

  it('a master dies: within seconds, turns succeed again without a restart (its replica took over)', async () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: cluster.urls.join(','), REDIS_PREFIX: 'failover:', REDIS_TIMEOUT_MS: '500' });
    const store = (await createSessionStore(config, logger)) as RedisSessionStore;
    const core = createCore({ bundle: loadCheckedBundle(), config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 }, logger, store });
    const ref = chatRef('cluster-test-secret-0123456789', 'telegram', 85_291_234_567);
    const started = await core.conversations.handle(ref, { kind: 'start', lang: 'en' }, { channel: 'telegram', langHint: 'en' });
    expect(started.failed).toBe(false);

    await cluster.kill(await cluster.masterOf(store.keyOf(ref)));
    const t0 = Date.now();
    let failedTurns = 0;
    let healed = false;
    while (Date.now() - t0 < 20_000) {
      const outcome = await core.conversations.handle(ref, { kind: 'text', text: 'help' }, { channel: 'telegram', langHint: 'en' });
      // While it fails, she gets the emergency contacts every time.
      if (outcome.failed) {
        failedTurns++;
        expect(outcome.messages.map((m) => m.text).join('\n')).toContain('999');
      } else {
        healed = true;
        break;
      }
      await sleep(250);
    }
    expect(healed).toBe(true);
    expect(failedTurns).toBeGreaterThan(0); // the fault was real: turns failed (safely) before it healed
    expect(Date.now() - t0).toBeLessThan(15_000);
    // Writing works again too, on the promoted replica. (Whether the last write before the kill
    // survived depends on Redis's asynchronous replication, not on the bot.)
    const again = await core.conversations.handle(ref, { kind: 'start', lang: 'en' }, { channel: 'telegram', langHint: 'en' });
    expect(again.failed).toBe(false);
    expect((await store.read(ref))?.value.s.step).toBe('passport');
    expect(lines.join('')).not.toContain('85291234567'); // no chat id in the logs (the ref is a keyed hash)
    await store.close();
  }, 40_000);
});
