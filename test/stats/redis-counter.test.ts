import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { isoWeek } from '../../src/stats/iso-week.js';
import { RedisStatsCounter } from '../../src/stats/redis-counter.js';
import { STATS_TTL_SECONDS } from '../../src/stats/stats-counter.js';
import { deleteKeysUnder, describeWithRedis, inspectorClient, keysUnder, TEST_REDIS_URL, uniqueTestPrefix } from '../helpers/redis.js';

const run = promisify(execFile);

describeWithRedis('anonymous counters in Redis', () => {
  const prefix = uniqueTestPrefix('stats');
  let counter: RedisStatsCounter;
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;

  beforeAll(async () => {
    counter = await RedisStatsCounter.connect({
      url: TEST_REDIS_URL,
      prefix,
      timeoutMs: 2000,
      logger: createLogger('silent'),
    });
    inspector = await inspectorClient();
  });
  afterAll(async () => {
    await deleteKeysUnder(inspector, prefix);
    await inspector.close();
    await counter.close();
  });

  it('keeps one hash per ISO week, with a TTL, holding only counts', async () => {
    const now = Date.now();
    await counter.recordEvent({ type: 'started', lang: 'id', campaign: 'mfmw2026' }, 'telegram', now);
    await counter.recordEvent({ type: 'reached', lang: 'id', step: 'passport' }, 'telegram', now);
    await counter.recordEvent(
      {
        type: 'completed',
        lang: 'id',
        campaign: 'mfmw2026',
        level: 'forced_labour_signs',
        indicators: ['retention_of_documents', 'cannot_leave'],
      },
      'telegram',
      now,
    );
    // Added up in this process first, written within a second (here at once).
    await counter.flush();
    const keys = await keysUnder(inspector, prefix);
    expect(keys).toEqual([`${prefix}stats:${isoWeek(now)}`]);
    const ttl = await inspector.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(STATS_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(STATS_TTL_SECONDS);
    expect(await inspector.hGetAll(keys[0]!)).toEqual({
      's|id': '1',
      'q|id|passport': '1',
      'c|id|mfmw2026|telegram|forced_labour_signs': '1',
      'i|id|retention_of_documents': '1',
      'i|id|cannot_leave': '1',
    });
    const [week] = await counter.readWeeks([isoWeek(now)]);
    expect(week!.counts['c|id|mfmw2026|telegram|forced_labour_signs']).toBe(1);
  });

  it('npm run stats reads them and prints suppressed tables (a real process)', async () => {
    for (let i = 0; i < 11; i++) {
      await counter.recordEvent(
        { type: 'completed', lang: 'tl', level: 'no_signs', indicators: [] },
        'whatsapp',
      );
    }
    await counter.flush();
    const dir = mkdtempSync(join(tmpdir(), 'stats-cli-'));
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/stats.ts', '--weeks', '2', '--csv', join(dir, 's.csv')],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' },
      },
    );
    expect(stdout).toContain('Completed assessments by campaign');
    expect(stdout).toMatch(/<10 +fewer than 10/);
    const csv = readFileSync(join(dir, 's.csv'), 'utf8');
    // The one Indonesian completion is "<10"; nothing prints a 1.
    expect(csv).toContain('summary_by_language,id,Indonesian,completed,Completed,count,,<10');
    expect(csv).toContain('summary_by_language,all,All,completed,Completed,count,12,');
    expect(csv.split('\n').some((l) => /,1,[^,]*$/.test(l))).toBe(false);
    expect(readFileSync(join(dir, 's.xlsx')).subarray(0, 2).toString()).toBe('PK');
  });

  it('npm run chat -- --count adds the terminal chat to the counts (channel "console"); without --count it counts nothing', async () => {
    const chatPrefix = `${prefix}chat:`;
    const chat = (args: string[]) => {
      const child = run(
        process.execPath,
        ['--import', 'tsx', 'bots/console/main.ts', '--json', '--lang', 'en', ...args],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: chatPrefix, LOG_LEVEL: 'silent' },
        },
      );
      // The first answer every time (on an urgent screen that is "continue") reaches the result.
      child.child.stdin!.end('1\n'.repeat(60));
      return child;
    };
    await chat([]);
    expect(await keysUnder(inspector, `${chatPrefix}stats:`)).toEqual([]);
    const { stdout } = await chat(['--count']);
    expect(stdout).toContain('"type":"result"');
    const counts = await inspector.hGetAll(`${chatPrefix}stats:${isoWeek(Date.now())}`);
    expect(counts['s|en']).toBe('1');
    expect(counts['q|en|passport']).toBe('1');
    expect(Object.entries(counts).filter(([f]) => f.startsWith('c|en|-|console|'))).toHaveLength(1);
  }, 60_000);

  it('npm run chat -- --count without REDIS_URL refuses, saying why', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    delete env.REDIS_URL;
    const err = await run(process.execPath, ['--import', 'tsx', 'bots/console/main.ts', '--count'], {
      cwd: PROJECT_ROOT,
      env,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain('--count needs REDIS_URL');
  });

  it('npm run stats without REDIS_URL says where the counts are and exits 1', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    delete env.REDIS_URL;
    const err = await run(process.execPath, ['--import', 'tsx', 'scripts/stats.ts'], {
      cwd: PROJECT_ROOT,
      env,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain('REDIS_URL is not set');
  });
});
