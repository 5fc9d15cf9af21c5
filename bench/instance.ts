/**
 * One bot instance of the horizontal benchmark, in its own process (as one webhook instance would
 * be): the real bot on the shared Redis (or cluster), its Bot API calls captured in-process. It
 * says "ready", waits for "go", completes its share of assessments, and reports its figures.
 * Started by bench/run.ts; not a command of its own.
 */
import { createLogger } from '../src/log.js';
import { RedisSessionStore } from '../src/store/redis-store.js';
import { completeAssessments, ourBot, type Figures } from './workload.js';

interface Job {
  url: string;
  clusterNodes?: string[];
  prefix: string;
  secret: string;
  firstChat: number;
  workers: number;
  concurrency: number;
}

const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as Job;
const logger = createLogger('silent');
const store = await RedisSessionStore.connect({
  url: job.url,
  ...(job.clusterNodes ? { clusterNodes: job.clusterNodes } : {}),
  prefix: job.prefix,
  timeoutMs: 2000,
  logger,
});
const bot = await ourBot(store, logger, job.secret);
// Warm-up (JIT, script cache) on chats of its own, then wait for the start signal.
await completeAssessments(bot.handle, bot.api.keyboards, job.firstChat + 5_000_000, 10, 4);
process.send!({ ready: true });
process.once('message', async () => {
  const run = await completeAssessments(bot.handle, bot.api.keyboards, job.firstChat, job.workers, job.concurrency);
  const fig: Figures = run.fig;
  process.send!({ fig }, () => {
    void store.close().then(() => process.exit(0));
  });
});
