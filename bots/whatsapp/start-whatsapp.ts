import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Core } from '../../src/app.js';
import { ConfigError, type Config } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import { prepareDataDir } from './pairing.js';
import { WebClient } from './web-client.js';
import { createWhatsAppChannel, type WhatsAppChannel } from './whatsapp-channel.js';
import type { WhatsAppClient } from './whatsapp-client.js';

/** The settings the WhatsApp channel reads. */
export type WhatsAppConfig = Pick<
  Config,
  'WHATSAPP_DATA_DIR' | 'CHROMIUM_PATH' | 'SESSION_SECRET' | 'SESSION_TTL_HOURS'
>;

/** Makes real whatsapp-web.js clients from the settings (each one launches nothing until initialised). */
export function webClientFactory(config: WhatsAppConfig): () => WebClient {
  const settings = { executablePath: config.CHROMIUM_PATH, dataDir: resolve(config.WHATSAPP_DATA_DIR) };
  return () => new WebClient(settings);
}

/**
 * Starts the WhatsApp channel for `npm start` (WHATSAPP_ENABLED=true): checks the browser is there,
 * creates the data folder (0700), and opens WhatsApp Web in the background. Pairing, ready and
 * reconnects are logged; the rest of the bot (Telegram) runs whatever WhatsApp does.
 */
export async function startWhatsApp(o: {
  config: WhatsAppConfig;
  core: Pick<Core, 'conversations' | 'translator'>;
  logger: Logger;
  /** Tests only: a fake client instead of the browser. Default: whatsapp-web.js from the settings. */
  createClient?: () => WhatsAppClient;
}): Promise<WhatsAppChannel> {
  const { config } = o;
  if (!existsSync(config.CHROMIUM_PATH)) {
    throw new ConfigError(
      `CHROMIUM_PATH: there is no browser at ${config.CHROMIUM_PATH}. Install chromium (Debian/Ubuntu: ` +
        '`sudo apt-get install chromium`) or set CHROMIUM_PATH to its path. See README, "WhatsApp".',
    );
  }
  const dataDir = resolve(config.WHATSAPP_DATA_DIR);
  prepareDataDir(dataDir);
  const channel = createWhatsAppChannel({
    conversations: o.core.conversations,
    translator: o.core.translator,
    secret: config.SESSION_SECRET,
    logger: o.logger,
    createClient: o.createClient ?? webClientFactory(config),
    dataDir,
    timing: { sessionTtlMs: config.SESSION_TTL_HOURS * 3600_000 },
  });
  await channel.start();
  return channel;
}
