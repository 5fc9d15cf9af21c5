/**
 * What the benchmark and its instance processes share: the real bot wired to captured Bot API calls,
 * simulated workers completing assessments, and the figures of a run.
 */
import type { Update } from 'grammy/types';
import { createTelegramBot } from '../bots/telegram/telegram-bot.js';
import { createCore, loadCheckedBundle } from '../src/app.js';
import type { EventSink } from '../src/conversation.js';
import type { Logger } from '../src/log.js';
import type { SessionStore } from '../src/store/session-store.js';
import {
  BENCH_BOT_INFO,
  BENCH_CLIENT,
  captureApi,
  seededRandom,
  SimulatedWorker,
  webhookHandler,
} from './telegram-driver.js';

export type Handler = (u: Update) => Promise<void>;

// === Measuring

export interface Figures {
  updates: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function figures(latencies: number[], seconds: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    updates: latencies.length,
    seconds: round(seconds),
    perSecond: Math.round(latencies.length / seconds),
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: round(sorted.at(-1) ?? 0),
  };
}

export const round = (n: number) => Math.round(n * 100) / 100;

/** The real bot (engine, flows, texts, the given store), its Bot API calls captured in-process. */
export async function ourBot(store: SessionStore, logger: Logger, secret: string, onEvent?: EventSink) {
  const api = captureApi();
  const bundle = loadCheckedBundle();
  const core = createCore({
    bundle,
    config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
    logger,
    store,
    ...(onEvent ? { onEvent } : {}),
  });
  const bot = createTelegramBot({
    core,
    config: { TELEGRAM_BOT_TOKEN: '1:ours' },
    logger,
    secret,
    botInfo: BENCH_BOT_INFO,
    apiTransformer: api.transformer,
    apiRoot: BENCH_CLIENT.apiRoot,
  });
  await bot.init();
  return { handle: webhookHandler(bot, api.counts) as Handler, api, core };
}

/** Something that sends updates one after another, as one person would; null when she is done. */
export interface Sender {
  next(): Update | null;
}

/**
 * Lanes of `concurrency` senders: each lane takes a new sender (a new chat) when its last one is
 * done, until `seconds` have passed (the senders in progress then finish). Every update counts.
 */
export async function timedRun<S extends Sender>(
  handle: Handler,
  seconds: number,
  concurrency: number,
  newSender: (index: number) => S,
): Promise<{ fig: Figures & { cpuUsPerUpdate: number }; senders: S[] }> {
  const senders: S[] = [];
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const lane = async () => {
    while (performance.now() < end) {
      const s = newSender(senders.length);
      senders.push(s);
      for (let u = s.next(); u; u = s.next()) {
        const at = performance.now();
        await handle(u);
        latencies.push(performance.now() - at);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const fig = figures(latencies, (performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  // This process's CPU time (user + system) per update: less swayed by other load than updates/s.
  return { fig: { ...fig, cpuUsPerUpdate: round((cpu.user + cpu.system) / fig.updates) }, senders };
}

/** N workers each complete a full assessment; `concurrency` of them at a time. */
export async function completeAssessments(
  handle: Handler,
  keyboards: ReturnType<typeof captureApi>['keyboards'],
  firstChat: number,
  n: number,
  concurrency: number,
): Promise<{ fig: Figures; workers: SimulatedWorker[] }> {
  const random = seededRandom(42);
  const workers = Array.from({ length: n }, (_, i) => new SimulatedWorker(firstChat + i, random));
  const latencies: number[] = [];
  let nextWorker = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (nextWorker < workers.length) {
      const w = workers[nextWorker++]!;
      for (let u = w.next(keyboards); u; u = w.next(keyboards)) {
        const s = performance.now();
        await handle(u);
        latencies.push(performance.now() - s);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { fig: figures(latencies, (performance.now() - t0) / 1000), workers };
}
