/**
 * `npm run bench`: the bot's cost per message against a bare grammY + Redis floor, latency under a
 * paced load, Redis bytes per session, cost with 10,000 and 100,000 stored sessions, cold boot.
 * Talks only to the Redis server on 127.0.0.1 (REDIS_URL to change) and keeps every Bot API call
 * in-process. Prints a table and writes bench/results/latest.json.
 *
 * BENCH_QUICK=1 shortens every phase (for a smoke run); the README's figures come from a full run.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { createClient } from 'redis';
import { PROJECT_ROOT } from '../src/app.js';
import { createLogger } from '../src/log.js';
import { chatRef } from '../src/privacy.js';
import { RedisSessionStore } from '../src/store/redis-store.js';
import { BENCH_BOT_INFO, captureApi, seededRandom, SimulatedWorker, textUpdate, tapUpdate } from './telegram-driver.js';
import { completeAssessments, figures, ourBot, round, type Figures, type Handler } from './workload.js';
import { loadEnvFile } from '../src/env-file.js';

// The same settings file as every other command (REDIS_URL may be there); the environment wins.
loadEnvFile();
const QUICK = process.env.BENCH_QUICK === '1';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `bench:${process.pid}:`;
const SECRET = 'bench-secret-not-for-production';
const logger = createLogger('silent');

// === The two bots


async function floorBot(redis: ReturnType<typeof createClient>) {
  const api = captureApi();
  const bot = new Bot('1:floor', { botInfo: BENCH_BOT_INFO });
  bot.api.config.use(api.transformer);
  bot.on(['message', 'callback_query'], async (ctx) => {
    const key = `${PREFIX}floor:${ctx.chat!.id}`;
    const before = await redis.get(key);
    await redis.set(key, JSON.stringify({ n: (before ? (JSON.parse(before) as { n: number }).n : 0) + 1 }), { EX: 3600 });
    await ctx.reply('ok');
  });
  await bot.init();
  return { handle: ((u) => bot.handleUpdate(u)) as Handler, api };
}

// === Workloads

/** The floor's equivalent: the same number of updates, the same shape (a /start then taps). */
async function floorWorkload(handle: Handler, firstChat: number, n: number, perWorker: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < n) {
      const chat = firstChat + next++;
      for (let i = 0; i < perWorker; i++) {
        const u = i === 0 ? textUpdate(chat, '/start en-bench') : tapUpdate(chat, 'c|q|a');
        const s = performance.now();
        await handle(u);
        latencies.push(performance.now() - s);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return figures(latencies, (performance.now() - t0) / 1000);
}

/**
 * A paced run: `rate` updates per second for `seconds`, new workers joining as needed, each worker
 * sending her next update only after the previous one was handled (as a person would). Latency is
 * measured from the moment an update was due, so queueing counts.
 */
async function pacedRun(
  handle: Handler,
  keyboards: ReturnType<typeof captureApi>['keyboards'],
  firstChat: number,
  rate: number,
  seconds: number,
) {
  const random = seededRandom(7);
  const ready: SimulatedWorker[] = [];
  const all: SimulatedWorker[] = [];
  const latencies: number[] = [];
  let chat = firstChat;
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    let worker = ready.shift();
    let update: Update | null = null;
    while (!update) {
      if (!worker) {
        worker = new SimulatedWorker(chat++, random);
        all.push(worker);
      }
      update = worker.next(keyboards);
      if (!update) worker = undefined;
    }
    const w = worker!;
    const p = handle(update).then(() => {
      latencies.push(performance.now() - due);
      inFlight.delete(p);
      ready.push(w);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  // Let the workers still mid-way finish, unpaced, so every one can be checked.
  await Promise.all(
    all.map(async (w) => {
      for (let u = w.next(keyboards); u; u = w.next(keyboards)) await handle(u);
    }),
  );
  return { fig: figures(latencies, seconds), workers: all };
}

/** Every worker reached her result with exactly the answers she sent (no lost or reordered turn). */
async function checkNoLostTurns(store: RedisSessionStore, workers: SimulatedWorker[]) {
  let ok = 0;
  const problems: string[] = [];
  for (const w of workers) {
    const session = await store.read(chatRef(SECRET, 'telegram', w.chatId));
    const answers = session?.value.s.answers ?? {};
    const same = session?.value.s.step === 'result' && JSON.stringify(Object.fromEntries([...w.sent].sort())) === JSON.stringify(Object.fromEntries(Object.entries(answers).sort()));
    if (same) ok++;
    else if (problems.length < 5) problems.push(`chat ${w.chatId}: step ${session?.value.s.step}`);
  }
  return { workers: workers.length, complete: ok, problems };
}

async function memoryPerSession(redis: ReturnType<typeof createClient>, refs: string[]): Promise<number> {
  let total = 0;
  let n = 0;
  for (const ref of refs.slice(0, 200)) {
    const bytes = await redis.memoryUsage(`${PREFIX}s:${ref}`);
    if (bytes) {
      total += bytes;
      n++;
    }
  }
  return n === 0 ? 0 : Math.round(total / n);
}

async function fillSessions(redis: ReturnType<typeof createClient>, count: number, sample: string) {
  for (let i = 0; i < count; i += 1000) {
    const multi = redis.multi();
    for (let j = i; j < Math.min(count, i + 1000); j++) multi.set(`${PREFIX}s:fill${j}`, sample, { EX: 3600 });
    await multi.exec();
  }
}

async function cleanUp(redis: ReturnType<typeof createClient>) {
  for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) {
    if (keys.length > 0) await redis.unlink(keys);
  }
}

/** Process start to "ready" (flows and locales loaded and checked, bot built), in a fresh process. */
function coldBoot(): { toReadyMs: number; wallMs: number; runner: string } {
  const runs: { ready: number; wall: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const out = spawnSync(process.execPath, ['--import', 'tsx', join('bench', 'boot.ts')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    const wall = performance.now() - t;
    const ready = Number(/ready (\d+(?:\.\d+)?)/.exec(out.stdout)?.[1] ?? NaN);
    runs.push({ ready, wall });
  }
  const best = runs.sort((a, b) => a.wall - b.wall)[0]!;
  return { toReadyMs: round(best.ready), wallMs: round(best.wall), runner: 'node --import tsx (TypeScript compiled at start)' };
}

// === Horizontal: several instances, each in its own process, sharing one Redis (or a cluster)

/**
 * `instances` bot processes complete `workersEach` assessments each, all started at once; the
 * throughput is every update handled divided by the time until the last one finished.
 */
async function horizontal(
  instances: number,
  workersEach: number,
  target: { url: string; clusterNodes?: string[] },
  prefix: string,
): Promise<{ instances: number; updates: number; seconds: number; perSecond: number; p99: number }> {
  const children = Array.from({ length: instances }, (_, i) =>
    fork(join(PROJECT_ROOT, 'bench', 'instance.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        BENCH_JOB: JSON.stringify({ ...target, prefix, secret: SECRET, firstChat: 20_000_000 + i * 1_000_000, workers: workersEach, concurrency: 16 }),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));
  const t0 = performance.now();
  const results = await Promise.all(
    children.map(
      (c) =>
        new Promise<Figures>((resolve) => {
          c.once('message', (m) => resolve((m as { fig: Figures }).fig));
          c.send('go');
        }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const updates = results.reduce((a, r) => a + r.updates, 0);
  return { instances, updates, seconds: round(seconds), perSecond: Math.round(updates / seconds), p99: Math.max(...results.map((r) => r.p99)) };
}

// === Main

const redis = createClient({ url: REDIS_URL });
redis.on('error', () => {});
await redis.connect();
const store = await RedisSessionStore.connect({ url: REDIS_URL, prefix: PREFIX, timeoutMs: 2000, logger });
const N = QUICK ? 50 : 400;
const CONCURRENCY = 32;

try {
  const ours = await ourBot(store, logger, SECRET);
  const floor = await floorBot(redis);

  // Warm up both (JIT, script cache).
  await completeAssessments(ours.handle, ours.api.keyboards, 1, 20, 4);
  await floorWorkload(floor.handle, 1, 20, 20, 4);

  const oursRun = await completeAssessments(ours.handle, ours.api.keyboards, 10_000, N, CONCURRENCY);
  const perWorker = Math.round(oursRun.fig.updates / N);
  const floorRun = await floorWorkload(floor.handle, 10_000, N, perWorker, CONCURRENCY);
  const oursCheck = await checkNoLostTurns(store, oursRun.workers);

  // Bytes per session: mid-assessment (workers stopped after 8 answers) and at the result.
  const mid = Array.from({ length: 100 }, (_, i) => new SimulatedWorker(50_000 + i, seededRandom(i)));
  for (const w of mid) for (let k = 0; k < 9; k++) await ours.handle(w.next(ours.api.keyboards)!);
  const bytesMid = await memoryPerSession(redis, mid.map((w) => chatRef(SECRET, 'telegram', w.chatId)));
  const bytesEnd = await memoryPerSession(redis, oursRun.workers.map((w) => chatRef(SECRET, 'telegram', w.chatId)));

  // Paced load.
  const rate = 500;
  const seconds = QUICK ? 5 : 30;
  const paced = await pacedRun(ours.handle, ours.api.keyboards, 100_000, rate, seconds);
  const pacedCheck = await checkNoLostTurns(store, paced.workers);

  // Cost with many stored sessions.
  const sample = (await redis.get(`${PREFIX}s:${chatRef(SECRET, 'telegram', oursRun.workers[0]!.chatId)}`)) ?? '1|{}';
  const withStored: Record<string, Figures & { bytesPerSession: number }> = {};
  let filled = 0;
  for (const count of [10_000, 100_000]) {
    await fillSessions(redis, count - filled, sample);
    filled = count;
    const run = await completeAssessments(ours.handle, ours.api.keyboards, 1_000_000 + count, QUICK ? 20 : 100, CONCURRENCY);
    const bytes = await memoryPerSession(redis, Array.from({ length: 200 }, (_, i) => `fill${i * Math.floor(count / 200)}`));
    withStored[String(count)] = { ...run.fig, bytesPerSession: bytes };
  }

  // Horizontal: one and three instances on the same Redis, and one instance on a local Redis Cluster.
  const workersEach = QUICK ? 20 : 150;
  const oneInstance = await horizontal(1, workersEach * 3, { url: REDIS_URL }, PREFIX);
  const threeInstances = await horizontal(3, workersEach, { url: REDIS_URL }, PREFIX);
  let onCluster: Awaited<ReturnType<typeof horizontal>> | { skipped: string };
  try {
    const { ThrowawayCluster } = await import('../test/helpers/throwaway-cluster.js');
    const cluster = await ThrowawayCluster.start();
    try {
      onCluster = await horizontal(1, workersEach * 3, { url: cluster.urls[0]!, clusterNodes: cluster.urls }, 'bench-cluster:');
    } finally {
      await cluster.stop();
    }
  } catch (err) {
    onCluster = { skipped: `no local cluster (${err instanceof Error ? err.message : String(err)})` };
  }

  const boot = coldBoot();
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  const result = {
    takenAt: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Redis ${(await redis.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?'}`,
    quick: QUICK,
    floor: floorRun,
    ours: oursRun.fig,
    ratio: {
      costPerMessage: round(floorRun.perSecond / oursRun.fig.perSecond),
      throughput: round(oursRun.fig.perSecond / floorRun.perSecond),
      target: 'cost <= 2x floor (throughput ratio >= 0.5)',
    },
    noLostTurns: { sequentialRun: oursCheck, pacedRun: pacedCheck },
    paced: { rate, ...paced.fig, target: 'p99 < 20 ms at 500 updates/s' },
    redisBytesPerSession: { midAssessment: bytesMid, atResult: bytesEnd, target: '<= 1024' },
    withStoredSessions: withStored,
    horizontal: { oneInstance, threeInstances, onCluster, cores: cpus().length },
    peakRssMb: rssMb,
    coldBoot: { ...boot, target: '< 1000 ms' },
  };

  const table = [
    ['', 'updates/s', 'p50 ms', 'p95 ms', 'p99 ms'],
    ['floor (grammY + GET/SET)', floorRun.perSecond, floorRun.p50, floorRun.p95, floorRun.p99],
    ['ours (full bot, Redis)', oursRun.fig.perSecond, oursRun.fig.p50, oursRun.fig.p95, oursRun.fig.p99],
    [`ours paced ${rate}/s x ${seconds}s`, paced.fig.perSecond, paced.fig.p50, paced.fig.p95, paced.fig.p99],
    ...Object.entries(withStored).map(([k, v]) => [`ours with ${k} sessions stored`, v.perSecond, v.p50, v.p95, v.p99]),
    ['1 instance process, Redis', oneInstance.perSecond, '', '', oneInstance.p99],
    ['3 instance processes, one Redis', threeInstances.perSecond, '', '', threeInstances.p99],
    ...('perSecond' in onCluster ? [['1 instance process, Redis Cluster', onCluster.perSecond, '', '', onCluster.p99]] : []),
  ];
  console.log(`\nBenchmark (${result.machine})${QUICK ? ' [QUICK]' : ''}\n`);
  for (const row of table) console.log(row.map((c, i) => String(c).padEnd(i === 0 ? 36 : 11)).join(''));
  console.log(`\nthroughput ratio ours/floor: ${result.ratio.throughput} (cost per message ${result.ratio.costPerMessage}x the floor; target <= 2x)`);
  console.log(`no lost turns: sequential ${oursCheck.complete}/${oursCheck.workers}, paced ${pacedCheck.complete}/${pacedCheck.workers}`);
  console.log(`Redis bytes per session: mid-assessment ${bytesMid}, at result ${bytesEnd}; with 10k stored ${withStored['10000']!.bytesPerSession}, with 100k ${withStored['100000']!.bytesPerSession}`);
  console.log(`peak RSS ${rssMb} MB; cold boot to ready ${boot.toReadyMs} ms (${boot.wallMs} ms wall, ${boot.runner})`);

  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(PROJECT_ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log('\nwritten to bench/results/latest.json');
} finally {
  await cleanUp(redis);
  await store.close();
  await redis.quit();
}

