import { parseArgs } from 'node:util';
import { createCore, loadCheckedBundle, PROJECT_ROOT } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { TurnEvent } from '../../src/engine.js';
import { commandLogger, createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { startLiveReload } from '../../src/reload.js';
import { createSessionStore } from '../../src/store/create-store.js';
import { runConsoleChat } from './console-chat.js';
import { runMain } from '../../src/run-main.js';
import { redisStatsOptions } from '../../src/stats/create-counter.js';
import { RedisStatsCounter } from '../../src/stats/redis-counter.js';

/**
 * `npm run chat -- [--lang <code>] [--campaign <code>] [--json] [--count]`. Only `--count` (with
 * REDIS_URL) makes the terminal chat add to the anonymous counts, as channel "console", so that a
 * maintainer can try `npm run stats` on test data; by default it counts nothing.
 */
await runMain(async () => {
  const { values } = parseArgs({
    options: { lang: { type: 'string' }, campaign: { type: 'string' }, json: { type: 'boolean', default: false }, count: { type: 'boolean', default: false } },
  });
  const config = loadConfig();
  // --json: only warnings and errors (on stderr), the protocol on stdout stays clean.
  const logger = values.json && !process.env.LOG_LEVEL ? createLogger('warn') : commandLogger(config, { chat: true });
  // Development: a text not translated yet is shown in English, marked [EN] (never in production).
  const bundle = loadCheckedBundle(PROJECT_ROOT, { englishFallback: config.NODE_ENV !== 'production' });
  if (values.lang && !bundle.localeCodes.includes(values.lang)) {
    throw new Error(`--lang ${values.lang} is not a language of the bot. Use one of: ${bundle.localeCodes.join(', ')}`);
  }
  if (values.count && !config.REDIS_URL && !config.REDIS_CLUSTER_NODES?.length) {
    throw new Error('--count needs REDIS_URL: the counts go to the Redis that `npm run stats` reads (in memory they would be lost when the chat ends).');
  }
  const counter = values.count ? await RedisStatsCounter.connect(redisStatsOptions(config, logger)) : undefined;
  const store = await createSessionStore(config, logger);
  const onEvent = counter ? { onEvent: (event: TurnEvent, channel: string) => counter.recordEvent(event, channel) } : {};
  const core = createCore({ bundle, config, logger, store, ...onEvent });
  // Development only: an edited flow or locale file is checked and, if fine, used at once (src/reload.ts).
  // Its messages go to stderr, so the --json protocol on stdout stays clean.
  const liveReload =
    config.NODE_ENV !== 'production' ? startLiveReload({ root: PROJECT_ROOT, conversations: core.conversations }) : undefined;
  await runConsoleChat({
    conversations: core.conversations,
    chatRef: chatRef(config.SESSION_SECRET, 'console', 'terminal'),
    lang: values.lang,
    campaign: values.campaign,
    json: values.json ?? false,
    input: process.stdin,
    output: process.stdout,
  });
  liveReload?.close();
  await Promise.allSettled([store.close(), counter?.close()]);
});
