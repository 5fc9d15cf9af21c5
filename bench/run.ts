/**
 * `npm run bench`: the bot's cost per message against a bare grammY + Redis floor, latency under a
 * paced load, Redis bytes per session, cost with 10,000 and 100,000 stored sessions, cold boot.
 * Talks only to the Redis server on 127.0.0.1 (REDIS_URL to change) and keeps every Bot API call
 * in-process. Prints a table and writes bench/results/latest.json.
 *
 * BENCH_QUICK=1 shortens every phase (for a smoke run); the README's figures come from a full run.
 */
import { fork, spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { createClient } from 'redis';
import { claimUpdate } from '../bots/telegram/telegram-channel.js';
import { PROJECT_ROOT } from '../src/app.js';
import { createLogger } from '../src/log.js';
import { chatRef } from '../src/privacy.js';
import { MemorySessionStore } from '../src/store/memory-store.js';
import { RedisSessionStore } from '../src/store/redis-store.js';
import { RedisStatsCounter } from '../src/stats/redis-counter.js';
import {
  BENCH_BOT_INFO,
  BENCH_CLIENT,
  captureApi,
  seededRandom,
  SimulatedWorker,
  tapUpdate,
  textUpdate,
  webhookHandler,
  type LastKeyboards,
} from './telegram-driver.js';
import {
  completeAssessments,
  figures,
  ourBot,
  round,
  timedRun,
  type Figures,
  type Handler,
  type Sender,
} from './workload.js';
import { loadEnvFile } from '../src/env-file.js';
import { bundle } from '../scripts/build.js';

// The same settings file as every other command (REDIS_URL may be there); the environment wins.
loadEnvFile();
// The soak measures the heap after a full collection.
v8.setFlagsFromString('--expose-gc');
const QUICK = process.env.BENCH_QUICK === '1';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `bench:${process.pid}:`;
const SECRET = 'bench-secret-not-for-production';
const logger = createLogger('silent');

/**
 * Writes to sockets by this process. Every Bot API call stays in-process, so these are Redis
 * commands going out (node-redis puts the commands of one tick, e.g. a MULTI, in one write).
 */
const socketWrites = { count: 0 };
const socketWrite = Socket.prototype.write;
Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
  socketWrites.count++;
  return (socketWrite as (...a: unknown[]) => boolean).apply(this, args);
} as typeof Socket.prototype.write;

// === The floors

/**
 * The bare floor: a bare grammY bot doing one Redis GET and SET and one reply per update. Far less
 * than any bot with this interface can do; kept to compare with earlier runs.
 */
async function bareFloor(redis: ReturnType<typeof createClient>) {
  const api = captureApi();
  const bot = new Bot('1:floor', { botInfo: BENCH_BOT_INFO, client: BENCH_CLIENT });
  bot.api.config.use(api.transformer);
  bot.on(['message', 'callback_query'], async (ctx) => {
    const key = `${PREFIX}floor:${ctx.chat!.id}`;
    const before = await redis.get(key);
    await redis.set(key, JSON.stringify({ n: (before ? (JSON.parse(before) as { n: number }).n : 0) + 1 }), {
      EX: 3600,
    });
    await ctx.reply('ok');
  });
  await bot.init();
  return { handle: ((u) => bot.handleUpdate(u)) as Handler, api };
}

/** Compare-and-set of a value whose version the caller keeps (the fair floor's two writes per update). */
const FLOOR_CAS = `
local v = tonumber(string.match(redis.call('GET', KEYS[1]) or '0|', '^(%d+)|')) or 0
if v ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], (v + 1) .. '|' .. ARGV[2], 'EX', ARGV[3])
return v + 1
`;

/**
 * The fair floor: the least a bot with this interface can do per update, written plainly with grammY.
 * A tap: answered in the webhook response, its buttons removed, the next question sent with buttons
 * (as ours: two outgoing requests); /start: two messages. Each update commits its state with a
 * compare-and-set before sending and records the sent ids with a second one (version kept in process).
 */
async function fairFloor(redis: ReturnType<typeof createClient>) {
  const api = captureApi();
  const bot = new Bot('1:fair', { botInfo: BENCH_BOT_INFO, client: BENCH_CLIENT });
  bot.api.config.use(api.transformer);
  const sha = await redis.scriptLoad(FLOOR_CAS);
  const versions = new Map<number, number>();
  const state = new Map<number, { step: number; answers: string[]; ids: number[] }>();
  const cas = async (chat: number, value: unknown) => {
    const key = `${PREFIX}fair:${chat}`;
    const v = await redis.evalSha(sha, {
      keys: [key],
      arguments: [String(versions.get(chat) ?? 0), JSON.stringify(value), '86400'],
    });
    if (typeof v === 'number' && v > 0) versions.set(chat, v);
  };
  const keyboard = (step: number) => ({
    inline_keyboard: [
      [
        { text: '1. Yes', callback_data: `c|q${step}|yes` },
        { text: '2. No', callback_data: `c|q${step}|no` },
      ],
      [
        { text: 'Help numbers', callback_data: 'n|contacts' },
        { text: 'Exit', callback_data: 'n|exit' },
      ],
    ],
  });
  bot.on('message', async (ctx) => {
    const chat = ctx.chat.id;
    const s = { step: 1, answers: [] as string[], ids: [ctx.message.message_id] };
    state.set(chat, s);
    await cas(chat, s);
    const a = await ctx.reply('Privacy promise', { link_preview_options: { is_disabled: true } });
    const b = await ctx.reply('Question 1', {
      link_preview_options: { is_disabled: true },
      reply_markup: keyboard(1),
    });
    s.ids.push(a.message_id, b.message_id);
    await cas(chat, s);
  });
  bot.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery();
    const chat = ctx.chat!.id;
    const s = state.get(chat) ?? { step: 1, answers: [], ids: [] };
    s.answers.push(ctx.callbackQuery.data ?? '');
    s.step++;
    await cas(chat, s);
    await ctx.api.editMessageReplyMarkup(chat, ctx.callbackQuery.message!.message_id, {
      reply_markup: { inline_keyboard: [] },
    });
    const m = await ctx.reply(`Question ${s.step}`, {
      link_preview_options: { is_disabled: true },
      reply_markup: keyboard(s.step),
    });
    s.ids.push(m.message_id);
    await cas(chat, s);
  });
  await bot.init();
  return { handle: webhookHandler(bot, api.counts) as Handler, api };
}

/** A floor's worker: /start, then `taps` taps on the last keyboard shown (its real message id). */
function floorWorker(chat: number, taps: number, keyboards: LastKeyboards): Sender {
  let sent = 0;
  return {
    next: () => {
      if (sent > taps) return null;
      sent++;
      if (sent === 1) return textUpdate(chat, '/start en-bench');
      const shown = keyboards.get(chat);
      return tapUpdate(chat, shown?.data[0] ?? 'c|q|a', shown?.messageId ?? 1);
    },
  };
}

/** One of our simulated workers, as a Sender. */
function ourWorker(
  chat: number,
  random: () => number,
  keyboards: LastKeyboards,
): Sender & { worker: SimulatedWorker } {
  const worker = new SimulatedWorker(chat, random);
  return { worker, next: () => worker.next(keyboards) };
}

// === Where the time goes: a CPU profile of one phase, in this process

/** Self time per part of the code, in µs per update, from V8's sampling profiler (node:inspector). */
async function profileOf(
  run: () => Promise<{ fig: Figures }>,
): Promise<{ updates: number; usPerUpdate: Record<string, number> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const { fig } = await run();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const part = partOf(byId.get(samples[i]!)!);
    totals.set(part, (totals.get(part) ?? 0) + (deltas[i] ?? 0));
  }
  const usPerUpdate: Record<string, number> = {};
  for (const [part, us] of [...totals].sort((a, b) => b[1] - a[1]))
    usPerUpdate[part] = round(us / fig.updates);
  return { updates: fig.updates, usPerUpdate };
}

function partOf(frame: { functionName: string; url: string }): string {
  const { functionName: f, url } = frame;
  if (f === '(idle)') return 'idle (waiting for Redis)';
  if (f === 'dispatch' && !url) return 'the profiler itself';
  if (f === '(garbage collector)') return 'garbage collection';
  if (f === '(program)') return 'V8 (compiler, runtime)';
  if (!url && (f === 'parse' || f === 'stringify')) return 'JSON';
  if (url.includes('/node_modules/xstate/')) return 'XState';
  if (url.includes('/node_modules/@redis/') || url.includes('/node_modules/redis/')) return 'Redis client';
  if (url.includes('/node_modules/grammy/') || url.includes('/node_modules/@grammyjs/')) return 'grammY';
  if (url.includes('/node_modules/i18next/')) return 'i18next';
  if (url.includes('/node_modules/')) return 'other packages';
  if (url.startsWith('node:')) return 'Node (network, timers, streams)';
  const ours = /\/(src|bots|bench)\/(.+)$/.exec(url);
  if (ours) return ours[1] === 'bench' ? 'benchmark driver' : `${ours[1]}/${ours[2]}`;
  return 'native / other';
}

// === Soak: many chats on the embedded memory store

/**
 * `updates` updates spread over `chats` chats (each goes through the assessment, then starts
 * again) on the memory store capped at `cap` sessions; the heap after a full GC at each quarter.
 */
async function soak(updates: number, chats: number, cap: number) {
  const collect = vm.runInNewContext('gc') as () => void;
  const memory = new MemorySessionStore(Date.now, cap);
  const bot = await ourBot(memory, logger, SECRET);
  const random = seededRandom(11);
  const workers = Array.from({ length: chats }, (_, i) => new SimulatedWorker(70_000_000 + i, random));
  const heap = () => {
    collect();
    const m = process.memoryUsage();
    return { heapMb: round(m.heapUsed / 2 ** 20), rssMb: round(m.rss / 2 ** 20), sessions: memory.size };
  };
  const marks: { updates: number; heapMb: number; rssMb: number; sessions: number }[] = [
    { updates: 0, ...heap() },
  ];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < updates) {
      const i = next++;
      const slot = i % chats;
      let u = workers[slot]!.next(bot.api.keyboards);
      if (!u) {
        workers[slot] = new SimulatedWorker(70_000_000 + slot, random);
        u = workers[slot].next(bot.api.keyboards)!;
      }
      await bot.handle(u);
      if ((i + 1) % (updates / 4) === 0) marks.push({ updates: i + 1, ...heap() });
    }
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  const seconds = (performance.now() - t0) / 1000;
  await memory.close();
  return { updates, chats, cap, seconds: round(seconds), perSecond: Math.round(updates / seconds), marks };
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
    const same =
      session?.value.s.step === 'result' &&
      JSON.stringify(Object.fromEntries([...w.sent].sort())) ===
        JSON.stringify(Object.fromEntries(Object.entries(answers).sort()));
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
    for (let j = i; j < Math.min(count, i + 1000); j++)
      multi.set(`${PREFIX}s:fill${j}`, sample, { EX: 3600 });
    await multi.exec();
  }
}

async function cleanUp(redis: ReturnType<typeof createClient>) {
  for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) {
    if (keys.length > 0) await redis.unlink(keys);
  }
}

/**
 * Process start to "ready" (flows and locales loaded and checked, bot built), in a fresh process,
 * best of three: as the container runs the bot (one bundled JavaScript file, `npm run build`), and
 * as `npm start` does (TypeScript compiled at start by tsx).
 */
async function coldBoot(): Promise<{
  toReadyMs: number;
  wallMs: number;
  runner: string;
  tsx: { toReadyMs: number; wallMs: number; runner: string };
}> {
  await bundle('bench/boot.ts', 'dist/bench-boot.mjs');
  const best = (args: string[]) => {
    const runs: { ready: number; wall: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const out = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
      const wall = performance.now() - t;
      const ready = Number(/ready (\d+(?:\.\d+)?)/.exec(out.stdout)?.[1] ?? NaN);
      runs.push({ ready, wall });
    }
    const first = runs.sort((a, b) => a.wall - b.wall)[0]!;
    return { toReadyMs: round(first.ready), wallMs: round(first.wall) };
  };
  return {
    ...best(['--enable-source-maps', join('dist', 'bench-boot.mjs')]),
    runner: 'node dist/… (bundled by npm run build, as the container runs it)',
    tsx: { ...best(['--import', 'tsx', join('bench', 'boot.ts')]), runner: 'node --import tsx (npm start: TypeScript compiled at start)' },
  };
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
        BENCH_JOB: JSON.stringify({
          ...target,
          prefix,
          secret: SECRET,
          firstChat: 20_000_000 + i * 1_000_000,
          workers: workersEach,
          concurrency: 16,
        }),
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
  return {
    instances,
    updates,
    seconds: round(seconds),
    perSecond: Math.round(updates / seconds),
    p99: Math.max(...results.map((r) => r.p99)),
  };
}

// === Main

const redis = createClient({ url: REDIS_URL });
redis.on('error', () => {});
await redis.connect();
const store = await RedisSessionStore.connect({ url: REDIS_URL, prefix: PREFIX, timeoutMs: 2000, logger });
// Ours counts as `npm start` does (anonymous weekly counts in Redis, written about once a second).
const counter = await RedisStatsCounter.connect({ url: REDIS_URL, prefix: PREFIX, timeoutMs: 2000, logger });
const CONCURRENCY = 32;
const loadBefore = loadavg().map(round);
/** Seconds each phase of a round lasts (bare floor, fair floor, ours). */
const PHASE_S = QUICK ? 1 : 5;
const PROFILE_S = QUICK ? 1 : 4;

try {
  const ours = await ourBot(store, logger, SECRET, (event, channel) => counter.recordEvent(event, channel));
  const bare = await bareFloor(redis);
  const fair = await fairFloor(redis);
  const random = seededRandom(42);

  // Warm up all three (JIT, script cache); our workers' updates per assessment set the floors' taps.
  const warm = await timedRun(ours.handle, QUICK ? 0.5 : 2, 8, (i) =>
    ourWorker(1 + i, random, ours.api.keyboards),
  );
  const taps = Math.max(1, Math.round(warm.fig.updates / warm.senders.length) - 1);
  await timedRun(bare.handle, 0.5, 8, (i) => floorWorker(1 + i, taps, bare.api.keyboards));
  await timedRun(fair.handle, 0.5, 8, (i) => floorWorker(1 + i, taps, fair.api.keyboards));

  // Three rounds; in each, the three run one after another, in turns, so machine load hits all alike.
  type Phase = 'bare' | 'fair' | 'ours';
  const rounds: {
    round: number;
    bare: Figures;
    fair: Figures & { requestsPerUpdate: number; webhookRepliesPerUpdate: number; redisWritesPerUpdate: number };
    ours: Figures & { requestsPerUpdate: number; webhookRepliesPerUpdate: number; redisWritesPerUpdate: number };
    throughput: number;
    fairThroughput: number;
    /** The fair floor's CPU time per update over ours (this process only; Redis's work is the same). */
    fairCpu: number;
  }[] = [];
  let lastOurs: SimulatedWorker[] = [];
  for (let r = 0; r < 3; r++) {
    const order: Phase[] = (['bare', 'fair', 'ours'] as Phase[]).map((_, i, all) => all[(i + r) % 3]!);
    const got: Partial<
      Record<
        Phase,
        Figures & {
          cpuUsPerUpdate?: number;
          requestsPerUpdate?: number;
          webhookRepliesPerUpdate?: number;
          redisWritesPerUpdate?: number;
        }
      >
    > = {};
    for (const phase of order) {
      const first = 10_000_000 * (r + 1) + { bare: 0, fair: 3_000_000, ours: 6_000_000 }[phase];
      const bot = { bare, fair, ours }[phase];
      const before = { ...bot.api.counts };
      const writesBefore = socketWrites.count;
      const run =
        phase === 'ours'
          ? await timedRun(ours.handle, PHASE_S, CONCURRENCY, (i) =>
              ourWorker(first + i, random, ours.api.keyboards),
            )
          : await timedRun(bot.handle, PHASE_S, CONCURRENCY, (i) =>
              floorWorker(first + i, taps, bot.api.keyboards),
            );
      if (phase === 'ours') lastOurs = (run.senders as ReturnType<typeof ourWorker>[]).map((s) => s.worker);
      got[phase] = {
        ...run.fig,
        requestsPerUpdate: round((bot.api.counts.requests - before.requests) / run.fig.updates),
        webhookRepliesPerUpdate: round(
          (bot.api.counts.webhookReplies - before.webhookReplies) / run.fig.updates,
        ),
        redisWritesPerUpdate: round((socketWrites.count - writesBefore) / run.fig.updates),
      };
    }
    const { requestsPerUpdate: _r, webhookRepliesPerUpdate: _w, ...bareFig } = got.bare!;
    rounds.push({
      round: r + 1,
      bare: bareFig,
      fair: got.fair as (typeof rounds)[number]['fair'],
      ours: got.ours as (typeof rounds)[number]['ours'],
      throughput: round(got.ours!.perSecond / got.bare!.perSecond),
      fairThroughput: round(got.ours!.perSecond / got.fair!.perSecond),
      fairCpu: round(got.fair!.cpuUsPerUpdate! / got.ours!.cpuUsPerUpdate!),
    });
    console.log(
      `round ${r + 1}: bare floor ${got.bare!.perSecond}/s, fair floor ${got.fair!.perSecond}/s, ours ${got.ours!.perSecond}/s` +
        ` -> throughput ${rounds.at(-1)!.throughput}, fairThroughput ${rounds.at(-1)!.fairThroughput}; CPU µs/update bare ${got.bare!.cpuUsPerUpdate}, fair ${got.fair!.cpuUsPerUpdate}, ours ${got.ours!.cpuUsPerUpdate} (load ${loadavg()[0]!.toFixed(1)})`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;

  // Webhook mode as in production: each update is first claimed in Redis (SET NX of its update id,
  // so that two instances never handle a re-delivered update twice), a round trip the rounds above
  // leave out. One phase, beside the fair floor's last figure.
  const claimed = await timedRun(
    async (u) => {
      if (await claimUpdate(store, BENCH_BOT_INFO.id, u.update_id)) await ours.handle(u);
    },
    PHASE_S,
    CONCURRENCY,
    (i) => ourWorker(45_000_000 + i, random, ours.api.keyboards),
  );
  const withClaims = {
    ...claimed.fig,
    fairThroughput: round(claimed.fig.perSecond / rounds.at(-1)!.fair.perSecond),
    note: 'ours with each update claimed first, as the webhook server does; against the last round\'s fair floor',
  };
  const oursCheck = await checkNoLostTurns(store, lastOurs);

  // Where the time goes, per update: ours and the fair floor, each profiled on its own.
  const profiles = {
    ours: await profileOf(() =>
      timedRun(ours.handle, PROFILE_S, CONCURRENCY, (i) =>
        ourWorker(40_000_000 + i, random, ours.api.keyboards),
      ),
    ),
    fair: await profileOf(() =>
      timedRun(fair.handle, PROFILE_S, CONCURRENCY, (i) =>
        floorWorker(43_000_000 + i, taps, fair.api.keyboards),
      ),
    ),
  };

  // Bytes per session: mid-assessment (workers stopped after 8 answers) and at the result.
  const mid = Array.from({ length: 100 }, (_, i) => new SimulatedWorker(50_000 + i, seededRandom(i)));
  for (const w of mid) for (let k = 0; k < 9; k++) await ours.handle(w.next(ours.api.keyboards)!);
  const bytesMid = await memoryPerSession(
    redis,
    mid.map((w) => chatRef(SECRET, 'telegram', w.chatId)),
  );
  const bytesEnd = await memoryPerSession(
    redis,
    lastOurs.map((w) => chatRef(SECRET, 'telegram', w.chatId)),
  );

  // Paced load.
  const rate = 500;
  const seconds = QUICK ? 5 : 30;
  const paced = await pacedRun(ours.handle, ours.api.keyboards, 100_000, rate, seconds);
  const pacedCheck = await checkNoLostTurns(store, paced.workers);

  // Cost with many stored sessions.
  const sample =
    (await redis.get(`${PREFIX}s:${chatRef(SECRET, 'telegram', lastOurs[0]!.chatId)}`)) ?? '1|[]';
  const withStored: Record<string, Figures & { bytesPerSession: number }> = {};
  let filled = 0;
  for (const count of [10_000, 100_000]) {
    await fillSessions(redis, count - filled, sample);
    filled = count;
    const run = await completeAssessments(
      ours.handle,
      ours.api.keyboards,
      1_000_000 + count,
      QUICK ? 20 : 100,
      CONCURRENCY,
    );
    const bytes = await memoryPerSession(
      redis,
      Array.from({ length: 200 }, (_, i) => `fill${i * Math.floor(count / 200)}`),
    );
    withStored[String(count)] = { ...run.fig, bytesPerSession: bytes };
  }

  // Horizontal: one and three instances on the same Redis, and one instance on a local Redis Cluster.
  const workersEach = QUICK ? 20 : 100;
  const oneInstance = await horizontal(1, workersEach * 3, { url: REDIS_URL }, PREFIX);
  const threeInstances = await horizontal(3, workersEach, { url: REDIS_URL }, PREFIX);
  let onCluster: Awaited<ReturnType<typeof horizontal>> | { skipped: string };
  try {
    const { ThrowawayCluster } = await import('../dev/throwaway-cluster.js');
    const cluster = await ThrowawayCluster.start();
    try {
      onCluster = await horizontal(
        1,
        workersEach * 3,
        { url: cluster.urls[0]!, clusterNodes: cluster.urls },
        'bench-cluster:',
      );
    } finally {
      await cluster.stop();
    }
  } catch (err) {
    onCluster = { skipped: `no local cluster (${err instanceof Error ? err.message : String(err)})` };
  }

  // Soak: the embedded memory store under many chats, capped (MEMORY_STORE_MAX_SESSIONS).
  const soaked = await soak(QUICK ? 20_000 : 200_000, QUICK ? 5_000 : 50_000, QUICK ? 2_000 : 20_000);

  const boot = await coldBoot();
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  const result = {
    takenAt: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Redis ${(await redis.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?'}`,
    quick: QUICK,
    load: { before: loadBefore, after: loadavg().map(round) },
    rounds,
    ratio: {
      throughput: median(rounds.map((r) => r.throughput)),
      fairThroughput: median(rounds.map((r) => r.fairThroughput)),
      fairCpu: median(rounds.map((r) => r.fairCpu)),
      costPerMessage: round(1 / median(rounds.map((r) => r.throughput))),
      costAgainstFair: round(1 / median(rounds.map((r) => r.fairThroughput))),
      of: 'median of the three rounds; every round is in `rounds`',
      target:
        'fairThroughput >= 0.5 (our own code costs at most as much again as the minimum for this interface)',
    },
    webhookModeWithClaims: withClaims,
    profileUsPerUpdate: profiles,
    noLostTurns: { lastRound: oursCheck, pacedRun: pacedCheck },
    paced: { rate, ...paced.fig, target: 'p99 < 20 ms at 500 updates/s' },
    redisBytesPerSession: { midAssessment: bytesMid, atResult: bytesEnd, target: '<= 1024' },
    withStoredSessions: withStored,
    horizontal: { oneInstance, threeInstances, onCluster, cores: cpus().length },
    soak: { ...soaked, store: 'memory (the embedded default), capped' },
    peakRssMb: rssMb,
    coldBoot: { ...boot, target: '< 1000 ms' },
  };

  const table = [
    ['', 'updates/s', 'p50 ms', 'p95 ms', 'p99 ms', 'CPU µs/update'],
    ...rounds.flatMap((r) => [
      [
        `round ${r.round}: bare floor (GET/SET, 1 reply)`,
        r.bare.perSecond,
        r.bare.p50,
        r.bare.p95,
        r.bare.p99,
        (r.bare as { cpuUsPerUpdate?: number }).cpuUsPerUpdate,
      ],
      [
        `round ${r.round}: fair floor`,
        r.fair.perSecond,
        r.fair.p50,
        r.fair.p95,
        r.fair.p99,
        (r.fair as { cpuUsPerUpdate?: number }).cpuUsPerUpdate,
      ],
      [
        `round ${r.round}: ours (full bot, Redis)`,
        r.ours.perSecond,
        r.ours.p50,
        r.ours.p95,
        r.ours.p99,
        (r.ours as { cpuUsPerUpdate?: number }).cpuUsPerUpdate,
      ],
    ]),
    [`ours paced ${rate}/s x ${seconds}s`, paced.fig.perSecond, paced.fig.p50, paced.fig.p95, paced.fig.p99],
    ...Object.entries(withStored).map(([k, v]) => [
      `ours with ${k} sessions stored`,
      v.perSecond,
      v.p50,
      v.p95,
      v.p99,
    ]),
    ['1 instance process, Redis', oneInstance.perSecond, '', '', oneInstance.p99],
    ['3 instance processes, one Redis', threeInstances.perSecond, '', '', threeInstances.p99],
    ...('perSecond' in onCluster
      ? [['1 instance process, Redis Cluster', onCluster.perSecond, '', '', onCluster.p99]]
      : []),
  ];
  console.log(
    `\nBenchmark (${result.machine})${QUICK ? ' [QUICK]' : ''}; load average before ${loadBefore.join(' ')}, after ${result.load.after.join(' ')}\n`,
  );
  for (const row of table) console.log(row.map((c, i) => String(c).padEnd(i === 0 ? 44 : 11)).join(''));
  console.log(
    `\nfairThroughput (ours / fair floor), rounds: ${rounds.map((r) => r.fairThroughput).join(', ')}; median ${result.ratio.fairThroughput} (target >= 0.5)`,
  );
  console.log(
    `fairCpu (fair floor's CPU time per update / ours), rounds: ${rounds.map((r) => r.fairCpu).join(', ')}; median ${result.ratio.fairCpu}`,
  );
  console.log(
    `throughput (ours / bare floor), rounds: ${rounds.map((r) => r.throughput).join(', ')}; median ${result.ratio.throughput}`,
  );
  console.log(
    `webhook mode (each update claimed first, a third round trip): ours ${withClaims.perSecond}/s, ${withClaims.cpuUsPerUpdate} µs CPU per update; against the last fair floor ${withClaims.fairThroughput}`,
  );
  const last = rounds.at(-1)!;
  console.log(
    `Bot API requests per update: ours ${last.ours.requestsPerUpdate} (+${last.ours.webhookRepliesPerUpdate} in the webhook response), fair floor ${last.fair.requestsPerUpdate} (+${last.fair.webhookRepliesPerUpdate})`,
  );
  console.log(
    `Redis socket writes per update: ours ${rounds.map((r) => r.ours.redisWritesPerUpdate).join(', ')}, fair floor ${rounds.map((r) => r.fair.redisWritesPerUpdate).join(', ')}, bare floor ${rounds.map((r) => (r.bare as { redisWritesPerUpdate?: number }).redisWritesPerUpdate).join(', ')}`,
  );
  for (const [who, p] of Object.entries(profiles)) {
    console.log(
      `profile, µs per update (${who}, ${p.updates} updates): ${Object.entries(p.usPerUpdate)
        .slice(0, 12)
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')}`,
    );
  }
  console.log(
    `no lost turns: last round ${oursCheck.complete}/${oursCheck.workers}, paced ${pacedCheck.complete}/${pacedCheck.workers}`,
  );
  console.log(
    `Redis bytes per session: mid-assessment ${bytesMid}, at result ${bytesEnd}; with 10k stored ${withStored['10000']!.bytesPerSession}, with 100k ${withStored['100000']!.bytesPerSession}`,
  );
  console.log(
    `soak: ${soaked.updates} updates over ${soaked.chats} chats, memory store capped at ${soaked.cap} (${soaked.perSecond}/s); heap after GC: ` +
      soaked.marks
        .map((m) => `${m.updates}: ${m.heapMb} MB (${m.sessions} sessions, RSS ${m.rssMb} MB)`)
        .join('; '),
  );
  console.log(
    `peak RSS ${rssMb} MB; cold boot to ready ${boot.toReadyMs} ms (${boot.wallMs} ms wall, ${boot.runner}); with tsx ${boot.tsx.toReadyMs} ms (${boot.tsx.wallMs} ms wall, ${boot.tsx.runner})`,
  );

  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'results', 'latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log('\nwritten to bench/results/latest.json');
} finally {
  await counter.close();
  await cleanUp(redis);
  await store.close();
  await redis.quit();
}
