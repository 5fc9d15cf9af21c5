import { run, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, type Bot, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Core } from '../../src/app.js';
import type { SessionStore } from '../../src/store/session-store.js';
import { ConfigError, type Config } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import { describeApiError } from './api-errors.js';
import { registerCommands } from './bot-commands.js';
import { ALLOWED_UPDATES, createTelegramBot, webhookReplyEnvelope } from './telegram-bot.js';
import { listenOrExplain, waitAtMost, WebhookServer, type WebhookRoute } from './webhook-server.js';

/** How long a graceful stop waits for turns in flight. */
const STOP_GRACE_MS = 10_000;

export interface TelegramChannelOptions {
  core: Core;
  config: Pick<
    Config,
    | 'TELEGRAM_BOT_TOKEN'
    | 'TELEGRAM_MODE'
    | 'TELEGRAM_WEBHOOK_URL'
    | 'TELEGRAM_WEBHOOK_SECRET'
    | 'PORT'
    | 'SESSION_SECRET'
  > &
    Partial<Pick<Config, 'TELEGRAM_API_ROOT' | 'HOST'>>;
  logger: Logger;
  /** Interface to listen on in webhook mode (default: HOST, else 127.0.0.1). */
  host?: string;
  /** Another Bot API server than TELEGRAM_API_ROOT (tests); a call-capturing transformer; a known bot user. */
  apiRoot?: string;
  apiTransformer?: Transformer;
  botInfo?: UserFromGetMe;
  /** Waits between start-up attempts to reach the Bot API (default 2 s doubling to 60 s). */
  startupRetryDelaysMs?: readonly number[];
  /** How long `stop()` waits for turns in flight (default 10 s). */
  stopGraceMs?: number;
  /** Webhook mode: other webhooks the same server answers (the WhatsApp Cloud API's). */
  routes?: readonly WebhookRoute[];
  /**
   * Called when long polling stops by itself for good (Telegram said 401: the token was revoked,
   * or 409: another copy of the bot is polling with the same token). The default logs why and
   * sends this process SIGTERM, so src/main.ts shuts down gracefully and exits with code 1.
   */
  onPollingFailed?: (err: unknown) => void;
}

/** The running Telegram channel (a `RunningChannel` for src/main.ts). */
export interface TelegramChannel {
  name: 'telegram';
  bot: Bot;
  /** Webhook mode: the port the HTTP server listens on. */
  port?: number;
  /** Stops taking updates and waits (up to 10 s) for the turns in flight. */
  stop(): Promise<void>;
}

/**
 * Starts the Telegram bot: checks the token with Telegram, registers the command menu, then
 * long polling (TELEGRAM_MODE=polling, development: no public address needed) or the webhook
 * server (TELEGRAM_MODE=webhook, production: stateless, any number of instances behind a load
 * balancer, sharing Redis).
 */
export async function startTelegramChannel(o: TelegramChannelOptions): Promise<TelegramChannel> {
  const { config, logger } = o;
  const graceMs = o.stopGraceMs ?? STOP_GRACE_MS;
  if (!config.TELEGRAM_BOT_TOKEN) {
    throw new ConfigError('TELEGRAM_BOT_TOKEN is not set: get one from @BotFather (see README, "Telegram").');
  }
  const bot = createTelegramBot({
    core: o.core,
    config,
    logger,
    secret: config.SESSION_SECRET,
    ...(o.botInfo ? { botInfo: o.botInfo } : {}),
    ...(o.apiTransformer ? { apiTransformer: o.apiTransformer } : {}),
    ...((o.apiRoot ?? config.TELEGRAM_API_ROOT) ? { apiRoot: o.apiRoot ?? config.TELEGRAM_API_ROOT } : {}),
  });
  // (A test's transformer answers every call itself: there is no network to wait for.)
  if (!o.apiTransformer) {
    await waitForTelegram(o.apiRoot ?? config.TELEGRAM_API_ROOT ?? DEFAULT_API_ROOT, config.TELEGRAM_BOT_TOKEN, logger, o.startupRetryDelaysMs);
  }
  try {
    await bot.init();
  } catch (err) {
    if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
      throw new ConfigError(
        'Telegram refused TELEGRAM_BOT_TOKEN (unauthorized): copy the token again from @BotFather.',
      );
    }
    throw err;
  }
  const { conversations } = o.core;
  await registerCommands(
    bot.api,
    conversations.engine.translator,
    conversations.engine.bundle.localeCodes,
    logger,
  );

  if (config.TELEGRAM_MODE === 'webhook') {
    if (!config.TELEGRAM_WEBHOOK_URL || !config.TELEGRAM_WEBHOOK_SECRET) {
      throw new ConfigError(
        'TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET are required when TELEGRAM_MODE=webhook.',
      );
    }
    const server = new WebhookServer({
      path: new URL(config.TELEGRAM_WEBHOOK_URL).pathname,
      secretToken: config.TELEGRAM_WEBHOOK_SECRET,
      handleUpdate: (update, reply) => bot.handleUpdate(update, reply && webhookReplyEnvelope(bot.api, reply)),
      logger,
      // Every instance sharing Redis recognises a re-delivered update (ids are per bot).
      claim: (updateId) => claimUpdate(o.core.store, bot.botInfo.id, updateId),
      ...(o.routes ? { routes: o.routes } : {}),
    });
    const host = o.host ?? config.HOST ?? '127.0.0.1';
    const port = await listenOrExplain(server, config.PORT, host);
    // Listening first, so Telegram's first delivery finds the server.
    try {
      await bot.api.setWebhook(config.TELEGRAM_WEBHOOK_URL, {
        secret_token: config.TELEGRAM_WEBHOOK_SECRET,
        allowed_updates: ALLOWED_UPDATES,
      });
    } catch (err) {
      // A server left listening would keep the process alive after a failed start.
      await server.close(0);
      if (err instanceof GrammyError) {
        throw new ConfigError(
          `Telegram did not accept TELEGRAM_WEBHOOK_URL (${config.TELEGRAM_WEBHOOK_URL}): ${err.description}. ` +
            'It must be a public https:// address that reaches this server.',
        );
      }
      throw err;
    }
    logger.info({ host, port }, 'telegram: webhook server listening');
    // The webhook is left in place on stop: other instances may still be serving it.
    return { name: 'telegram', bot, port, stop: () => server.close(graceMs) };
  }

  // Polling and a webhook exclude each other; pending updates are kept.
  await bot.api.deleteWebhook();
  // `silent`: the runner would print fetch errors whole; the retries beneath log them without detail.
  const runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true } });
  let stopping = false;
  runner.task()?.catch((err: unknown) => {
    if (stopping) return;
    logger.fatal({ ...describeApiError(err) }, pollingFailure(err));
    (o.onPollingFailed ?? stopThisProcess)(err);
  });
  logger.info('telegram: long polling');
  return {
    name: 'telegram',
    bot,
    stop: async () => {
      stopping = true;
      const deadline = Date.now() + graceMs;
      if (runner.isRunning()) await waitAtMost(runner.stop(), graceMs);
      // The runner stops fetching at once but does not wait for the updates it handed out.
      if (!(await waitAtMost(drained(runner), Math.max(0, deadline - Date.now()))))
        logger.warn({ updates: runner.size() }, 'stopped with telegram updates still in flight');
    },
  };
}

/** Resolves when the runner has no update in progress. */
async function drained(runner: RunnerHandle): Promise<void> {
  while (runner.size() > 0) await new Promise((r) => setTimeout(r, 20));
}

/** What to tell the operator when long polling stopped for good. */
function pollingFailure(err: unknown): string {
  if (err instanceof GrammyError && err.error_code === 409) {
    return 'telegram: long polling stopped: another copy of this bot is polling with the same TELEGRAM_BOT_TOKEN (run one copy only, or use TELEGRAM_MODE=webhook)';
  }
  if (err instanceof GrammyError && err.error_code === 401) {
    return 'telegram: long polling stopped: Telegram no longer accepts TELEGRAM_BOT_TOKEN (revoked?); set the new token from @BotFather';
  }
  return 'telegram: long polling stopped';
}

/**
 * True for the first instance (sharing the store) to claim this update, false for a re-delivery
 * that another, or this one, has taken already.
 */
export function claimUpdate(store: Pick<SessionStore, 'claimOnce'>, botId: number, updateId: number): Promise<boolean> {
  return store.claimOnce(`telegram:${botId}:${updateId}`, UPDATE_ID_TTL_S);
}

function stopThisProcess(): void {
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
}

const DEFAULT_API_ROOT = 'https://api.telegram.org';
/** How long a handled update id is remembered across instances: Telegram re-sends within minutes. */
const UPDATE_ID_TTL_S = 3600;
const STARTUP_RETRY_DELAYS_MS = [2000, 4000, 8000, 16_000, 30_000, 60_000];

/**
 * Before anything else: can the Bot API be reached at all? A machine with no network (or a firewall)
 * gets one plain line per attempt, "cannot reach Telegram at <root>; retrying in N s", waiting
 * longer each time, instead of a stream of retry logs; the start goes on once it answers. A token
 * it refuses stops the start (below, in bot.init). The token is never logged: only the root.
 */
async function waitForTelegram(
  root: string,
  token: string,
  logger: Logger,
  delaysMs: readonly number[] = STARTUP_RETRY_DELAYS_MS,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let status: number;
    try {
      status = (await fetch(`${root}/bot${token}/getMe`, { signal: AbortSignal.timeout(10_000) })).status;
    } catch {
      status = 0;
    }
    if (status === 401 || status === 404) {
      throw new ConfigError('Telegram refused TELEGRAM_BOT_TOKEN (unauthorized): copy the token again from @BotFather.');
    }
    if (status !== 0) return; // Telegram answers: the start goes on
    const wait = delaysMs[Math.min(attempt, delaysMs.length - 1)] ?? 60_000;
    logger.warn(`cannot reach Telegram at ${root}; retrying in ${Math.round(wait / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

