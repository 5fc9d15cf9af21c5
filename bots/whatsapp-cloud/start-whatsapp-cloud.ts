import type { Core } from '../../src/app.js';
import { ConfigError, type Config } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import { listenOrExplain, WebhookServer, type WebhookRoute } from '../telegram/webhook-server.js';
import { CLOUD_CHANNEL, WhatsAppCloudChannel } from './cloud-channel.js';
import { GraphApi } from './graph-api.js';
import { cloudWebhookRoute } from './webhook-route.js';

/** The settings the Cloud API channel reads. */
export type WhatsAppCloudConfig = Pick<Config, 'SESSION_SECRET' | 'WHATSAPP_CLOUD_WEBHOOK_PATH' | 'PORT'> &
  Partial<
    Pick<
      Config,
      | 'WHATSAPP_CLOUD_ACCESS_TOKEN'
      | 'WHATSAPP_CLOUD_PHONE_NUMBER_ID'
      | 'WHATSAPP_CLOUD_APP_SECRET'
      | 'WHATSAPP_CLOUD_VERIFY_TOKEN'
      | 'WHATSAPP_CLOUD_GRAPH_ROOT'
      | 'HOST'
    >
  >;

/** The running Cloud API channel (a `RunningChannel` for src/main.ts). */
export interface RunningWhatsAppCloud {
  name: typeof CLOUD_CHANNEL;
  channel: WhatsAppCloudChannel;
  /** The port of its own HTTP server, when it does not share Telegram's. */
  port?: number;
  stop(): Promise<void>;
}

/** The channel and its webhook route, before any server listens. */
export interface WhatsAppCloud {
  channel: WhatsAppCloudChannel;
  route: WebhookRoute;
  /**
   * Starts it: `ownServer` listens on PORT and HOST; otherwise the route was handed to the server
   * already serving Telegram's webhook (one port, one reverse-proxy rule, one health check).
   */
  start(opts: { ownServer: boolean; host?: string; stopGraceMs?: number }): Promise<RunningWhatsAppCloud>;
}

/** Builds the Cloud API channel from the settings (WHATSAPP_CLOUD_*). */
export function createWhatsAppCloud(o: {
  config: WhatsAppCloudConfig;
  core: Pick<Core, 'conversations' | 'translator' | 'store'>;
  logger: Logger;
  /** Tests: shorter waits before retrying a rate-limited or failed send. */
  retryDelaysMs?: readonly number[];
}): WhatsAppCloud {
  const { config, logger } = o;
  const token = config.WHATSAPP_CLOUD_ACCESS_TOKEN;
  const phoneNumberId = config.WHATSAPP_CLOUD_PHONE_NUMBER_ID;
  const appSecret = config.WHATSAPP_CLOUD_APP_SECRET;
  const verifyToken = config.WHATSAPP_CLOUD_VERIFY_TOKEN;
  if (!token || !phoneNumberId || !appSecret || !verifyToken) {
    throw new ConfigError(
      'The WhatsApp Cloud API channel needs WHATSAPP_CLOUD_ACCESS_TOKEN, WHATSAPP_CLOUD_PHONE_NUMBER_ID, WHATSAPP_CLOUD_APP_SECRET and WHATSAPP_CLOUD_VERIFY_TOKEN.',
    );
  }
  const graph = new GraphApi({
    phoneNumberId,
    accessToken: token,
    ...(config.WHATSAPP_CLOUD_GRAPH_ROOT ? { root: config.WHATSAPP_CLOUD_GRAPH_ROOT } : {}),
    ...(o.retryDelaysMs ? { retryDelaysMs: o.retryDelaysMs } : {}),
  });
  const channel = new WhatsAppCloudChannel({
    conversations: o.core.conversations,
    translator: o.core.translator,
    secret: config.SESSION_SECRET,
    logger,
    graph,
    phoneNumberId,
    claimOnce: (key, ttl) => o.core.store.claimOnce(key, ttl),
  });
  const route = cloudWebhookRoute({
    path: config.WHATSAPP_CLOUD_WEBHOOK_PATH,
    appSecret,
    verifyToken,
    logger,
    receive: (body) => channel.receive(body),
    idle: () => channel.idle(),
  });
  return {
    channel,
    route,
    async start({ ownServer, host, stopGraceMs }) {
      if (!ownServer) {
        logger.info({ path: route.path }, 'whatsapp cloud: webhook on the Telegram webhook server');
        return { name: CLOUD_CHANNEL, channel, stop: () => channel.stop(stopGraceMs) };
      }
      const server = new WebhookServer({ routes: [route], logger });
      const listenOn = host ?? config.HOST ?? '127.0.0.1';
      const port = await listenOrExplain(server, config.PORT, listenOn);
      logger.info({ host: listenOn, port, path: route.path }, 'whatsapp cloud: webhook server listening');
      return { name: CLOUD_CHANNEL, channel, port, stop: () => server.close(stopGraceMs) };
    },
  };
}
