import { createCore, loadCheckedBundle, PROJECT_ROOT } from './app.js';
import { loadConfig } from './config.js';
import { commandLogger } from './log.js';
import { chatRef } from './privacy.js';
import { startLiveReload } from './reload.js';
import { runMain } from './run-main.js';
import { createStatsCounter } from './stats/create-counter.js';
import { createSessionStore } from './store/create-store.js';
import { runConsoleChat } from '../bots/console/console-chat.js';
import { startTelegramChannel } from '../bots/telegram/telegram-channel.js';
import { startWhatsApp } from '../bots/whatsapp/start-whatsapp.js';

/** A running channel that can be stopped for a graceful shutdown. */
export interface RunningChannel {
  name: string;
  stop(): Promise<void>;
}

/**
 * The main job: check flows and settings, open the store, start every configured channel.
 * With no Telegram or WhatsApp settings it runs the terminal chat on the in-memory store.
 */
await runMain(async () => {
  const config = loadConfig();
  // With no channel configured this is the terminal chat: no log lines among its questions.
  const logger = commandLogger(config, { chat: !config.TELEGRAM_BOT_TOKEN && !config.WHATSAPP_ENABLED });
  if (config.secretIsRandom) {
    logger.warn('SESSION_SECRET is not set: using a random secret, so sessions do not survive a restart');
  }
  const bundle = loadCheckedBundle();
  const store = await createSessionStore(config, logger);
  // Anonymous counts for NGOs (src/stats): on completion, start and exit only, per ISO week.
  const counter = await createStatsCounter(config, logger);
  const core = createCore({
    bundle,
    config,
    logger,
    store,
    onEvent: (event, channel) => counter.recordEvent(event, channel),
  });
  // Development only: an edited flow or locale file is checked and, if fine, used at once (src/reload.ts).
  const liveReload =
    config.NODE_ENV !== 'production' ? startLiveReload({ root: PROJECT_ROOT, conversations: core.conversations }) : undefined;

  const channels: RunningChannel[] = [];
  // Channels register here (Telegram, WhatsApp). If one cannot start, the ones already running are
  // stopped and the store closed, so the process ends with the message instead of half running.
  try {
    if (config.TELEGRAM_BOT_TOKEN) channels.push(await startTelegramChannel({ config, core, logger }));
    if (config.WHATSAPP_ENABLED) channels.push(await startWhatsApp({ config, core, logger }));
  } catch (err) {
    liveReload?.close();
    await Promise.allSettled(channels.map((c) => c.stop()));
    await Promise.allSettled([store.close(), counter.close()]);
    throw err;
  }

  if (channels.length === 0) {
    logger.info('no TELEGRAM_BOT_TOKEN and WHATSAPP_ENABLED is not true: starting the terminal chat');
    await runConsoleChat({
      conversations: core.conversations,
      chatRef: chatRef(config.SESSION_SECRET, 'console', 'terminal'),
      json: false,
      input: process.stdin,
      output: process.stdout,
    });
    liveReload?.close();
    await core.conversations.flushPendingExits();
    await Promise.allSettled([store.close(), counter.close()]);
    return;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing turns in flight');
    liveReload?.close();
    await Promise.allSettled(channels.map((c) => c.stop()));
    await core.conversations.flushPendingExits();
    await Promise.allSettled([store.close(), counter.close()]);
    logger.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
});
