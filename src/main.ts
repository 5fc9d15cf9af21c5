import { createCore, loadCheckedBundle, PROJECT_ROOT } from './app.js';
import { loadConfig, whatsAppCloudEnabled } from './config.js';
import { commandLogger } from './log.js';
import { chatRef } from './privacy.js';
import { startLiveReload } from './reload.js';
import { runMain } from './run-main.js';
import { createStatsCounter } from './stats/create-counter.js';
import { createSessionStore } from './store/create-store.js';
import { runConsoleChat } from '../bots/console/console-chat.js';
import { startTelegramChannel } from '../bots/telegram/telegram-channel.js';
import { startWhatsApp } from '../bots/whatsapp/start-whatsapp.js';
import { createWhatsAppCloud } from '../bots/whatsapp-cloud/start-whatsapp-cloud.js';

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
  const cloudEnabled = whatsAppCloudEnabled(config);
  const logger = commandLogger(config, { chat: !config.TELEGRAM_BOT_TOKEN && !config.WHATSAPP_ENABLED && !cloudEnabled });
  if (config.secretIsRandom) {
    logger.warn('SESSION_SECRET is not set: using a random secret, so sessions do not survive a restart');
  }
  // Development: a text not translated yet is shown in English, marked [EN] (never in production).
  const bundle = loadCheckedBundle(PROJECT_ROOT, { englishFallback: config.NODE_ENV !== 'production' });
  const store = await createSessionStore(config, logger);
  // Anonymous counts for NGOs (src/stats): starts, questions reached, completions and exits, per ISO week.
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
  // One graceful stop, whenever SIGTERM or SIGINT comes: the channels running are stopped (turns in
  // flight finish), her pending exits flushed, the store and the counts closed. While the channels
  // are still starting (a deploy's restart, or Ctrl-C while Telegram cannot be reached and is
  // retried), the process then ends with code 0 instead of being killed mid-start.
  let started = false;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const whileStarting = !started;
    logger.info({ signal }, whileStarting ? 'stopping while starting' : 'shutting down: finishing turns in flight');
    liveReload?.close();
    await Promise.allSettled(channels.map((c) => c.stop()));
    await core.conversations.flushPendingExits();
    await Promise.allSettled([store.close(), counter.close()]);
    logger.info('stopped');
    if (whileStarting) process.exit(0);
  };
  const onTerm = () => void shutdown('SIGTERM');
  const onInt = () => void shutdown('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  const releaseSignals = () => {
    process.removeListener('SIGTERM', onTerm);
    process.removeListener('SIGINT', onInt);
  };

  // Channels register here (Telegram, WhatsApp). If one cannot start, the ones already running are
  // stopped and the store closed, so the process ends with the message instead of half running.
  try {
    // WhatsApp through the Cloud API shares Telegram's webhook server when there is one (one port).
    const cloud = cloudEnabled ? createWhatsAppCloud({ config, core, logger }) : undefined;
    const telegramServer = Boolean(config.TELEGRAM_BOT_TOKEN) && config.TELEGRAM_MODE === 'webhook';
    if (config.TELEGRAM_BOT_TOKEN) {
      channels.push(await startTelegramChannel({ config, core, logger, ...(cloud && telegramServer ? { routes: [cloud.route] } : {}) }));
    }
    if (config.WHATSAPP_ENABLED) channels.push(await startWhatsApp({ config, core, logger }));
    if (cloud) channels.push(await cloud.start({ ownServer: !telegramServer }));
  } catch (err) {
    releaseSignals();
    liveReload?.close();
    await Promise.allSettled(channels.map((c) => c.stop()));
    await Promise.allSettled([store.close(), counter.close()]);
    throw err;
  }

  if (channels.length === 0) {
    releaseSignals(); // the terminal chat: Ctrl-C ends it as in any terminal program
    logger.info('no TELEGRAM_BOT_TOKEN, no WHATSAPP_CLOUD_* settings and WHATSAPP_ENABLED is not true: starting the terminal chat');
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

  started = true;
});
