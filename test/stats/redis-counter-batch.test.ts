import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { isoWeek } from '../../src/stats/iso-week.js';
import type { TurnEvent } from '../../src/engine.js';
import { RedisStatsCounter } from '../../src/stats/redis-counter.js';
import { STATS_TTL_SECONDS } from '../../src/stats/stats-counter.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  describeWithRedisServerBinary,
  inspectorClient,
  keysUnder,
  TEST_REDIS_URL,
  ThrowawayRedis,
  uniqueTestPrefix,
} from '../helpers/redis.js';

const NOW = Date.UTC(2026, 11, 3, 12);
const WEEK = isoWeek(NOW);
const started = (lang: string) => ({ type: 'started' as const, lang });
const reached = (lang: string, step: string) => ({ type: 'reached' as const, lang, step });

describeWithRedis('anonymous counters: added up in the process, written about once a second', () => {
  const prefix = uniqueTestPrefix('stats-batch');
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;
  const opened: RedisStatsCounter[] = [];
  const connect = async (o: { flushMs?: number; prefix: string }) => {
    const c = await RedisStatsCounter.connect({
      url: TEST_REDIS_URL,
      timeoutMs: 2000,
      logger: createLogger('silent'),
      ...o,
    });
    opened.push(c);
    return c;
  };

  beforeAll(async () => {
    inspector = await inspectorClient();
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await deleteKeysUnder(inspector, prefix);
    await inspector.close();
  });

  it('nothing is written per event; after the interval one batch holds the same counts as one write per event would', async () => {
    const p = `${prefix}a:`;
    const batched = await connect({ prefix: p, flushMs: 300 });
    const direct = await connect({ prefix: `${prefix}b:`, flushMs: 0 });
    const events: TurnEvent[] = [
      ...Array.from({ length: 40 }, () => started('en')),
      ...Array.from({ length: 25 }, (_, i) => reached(i % 2 ? 'en' : 'id', i % 3 ? 'passport' : 'salary')),
      {
        type: 'completed' as const,
        lang: 'en',
        campaign: 'c1',
        level: 'no_signs',
        indicators: ['a', 'a', 'b'],
      },
      { type: 'exited' as const, lang: null },
    ];
    for (const e of events) {
      await batched.recordEvent(e, 'telegram', NOW);
      await direct.recordEvent(e, 'telegram', NOW);
    }
    // Not written yet: still waiting in this process.
    expect(await keysUnder(inspector, p)).toEqual([]);
    await new Promise((r) => setTimeout(r, 700));
    const key = `${p}stats:${WEEK}`;
    expect(await keysUnder(inspector, p)).toEqual([key]);
    const counts = await inspector.hGetAll(key);
    expect(counts).toEqual(await inspector.hGetAll(`${prefix}b:stats:${WEEK}`));
    expect(counts).toEqual({
      's|en': '40',
      'q|en|passport': '8',
      'q|en|salary': '4',
      'q|id|passport': '8',
      'q|id|salary': '5',
      'c|en|c1|telegram|no_signs': '1',
      'i|en|a': '1',
      'i|en|b': '1',
      'x|-': '1',
    });
    expect(await inspector.ttl(key)).toBeGreaterThan(STATS_TTL_SECONDS - 60);
    // Counts of later events are added to those already written.
    await batched.recordEvent(started('en'), 'telegram', NOW);
    await batched.flush();
    expect((await inspector.hGetAll(key))['s|en']).toBe('41');
  });

  it('each week is its own hash; close() and readWeeks() write what is still waiting', async () => {
    const p = `${prefix}c:`;
    const counter = await connect({ prefix: p, flushMs: 60_000 });
    const nextWeek = NOW + 7 * 86_400_000;
    await counter.recordEvent(started('tl'), 'whatsapp', NOW);
    await counter.recordEvent(started('tl'), 'whatsapp', nextWeek);
    const [a, b] = await counter.readWeeks([WEEK, isoWeek(nextWeek)]);
    expect(a!.counts).toEqual({ 's|tl': 1 });
    expect(b!.counts).toEqual({ 's|tl': 1 });
    await counter.recordEvent(started('tl'), 'whatsapp', NOW);
    await counter.close();
    expect((await inspector.hGetAll(`${p}stats:${WEEK}`))['s|tl']).toBe('2');
    // A second close is harmless.
    await counter.close();
  });
});

describeWithRedisServerBinary('anonymous counters when Redis is down', () => {
  let server: ThrowawayRedis;
  beforeAll(async () => {
    server = await ThrowawayRedis.start();
  });
  afterAll(async () => {
    await server.kill();
  });

  it('a batch that cannot be written is dropped and logged (without the counts or the address); later counts are written again', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
    const counter = await RedisStatsCounter.connect({
      url: server.url,
      prefix: 'down:',
      timeoutMs: 500,
      logger,
      flushMs: 100,
    });
    try {
      await server.kill();
      await counter.recordEvent(started('ne'), 'telegram', NOW);
      await expect(counter.flush()).rejects.toThrow();
      await counter.recordEvent(started('ne'), 'telegram', NOW);
      await new Promise((r) => setTimeout(r, 400));
      const logged = lines.join('');
      expect(logged).toContain('stats: could not write the counts of the last second');
      expect(logged).not.toContain('s|ne');
      expect(logged).not.toContain(String(server.port));
      await server.start();
      for (
        let i = 0;
        i < 100 &&
        !(await counter.readWeeks([WEEK]).then(
          () => true,
          () => false,
        ));
        i++
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await counter.recordEvent(started('ne'), 'telegram', NOW);
      const [week] = await counter.readWeeks([WEEK]);
      // Only the count made after Redis came back: the two made while it was down were dropped.
      expect(week!.counts).toEqual({ 's|ne': 1 });
    } finally {
      await counter.close();
    }
  }, 30_000);
});
