import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import wwebjs from 'whatsapp-web.js';
import { describe, expect, it } from 'vitest';
import { startWhatsApp, webClientFactory } from '../../bots/whatsapp/start-whatsapp.js';
import { buildClientOptions, CHROMIUM_ARGS, WebClient } from '../../bots/whatsapp/web-client.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

/** The library Client's own fields (not in its type declarations). */
interface ClientInternals {
  options: wwebjs.ClientOptions & {
    puppeteer: { executablePath?: string; headless?: unknown; args?: string[] };
  };
  authStrategy: unknown;
  pupBrowser: unknown;
}

describe('the real whatsapp-web.js Client wiring (no browser is launched)', () => {
  const config = loadConfig({
    WHATSAPP_ENABLED: 'true',
    CHROMIUM_PATH: '/opt/test/chromium',
    WHATSAPP_DATA_DIR: 'data/wa-wiring-test',
    SESSION_SECRET: 'a-test-secret-of-enough-length',
  });

  it('builds the options: chromium path, headless, server flags, LocalAuth in the data folder', () => {
    const options = buildClientOptions({ executablePath: '/usr/bin/chromium', dataDir: '/srv/bot/wa' });
    expect(options.puppeteer).toEqual({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [...CHROMIUM_ARGS],
      handleSIGINT: false,
      handleSIGTERM: false,
    });
    expect(CHROMIUM_ARGS).toEqual(
      expect.arrayContaining(['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']),
    );
    expect(options.authStrategy).toBeInstanceOf(wwebjs.LocalAuth);
    expect((options.authStrategy as wwebjs.LocalAuth).dataPath).toBe('/srv/bot/wa');
    // The cached WhatsApp Web page stays in the data folder, not in the working directory.
    expect(options.webVersionCache).toEqual({ type: 'local', path: '/srv/bot/wa/web-cache' });
  });

  it('npm start constructs the library Client from the settings, unlaunched', () => {
    const client = webClientFactory(config)();
    expect(client).toBeInstanceOf(WebClient);
    expect(client.library).toBeInstanceOf(wwebjs.Client);
    const internals = client.library as unknown as ClientInternals;
    expect(internals.options.puppeteer.executablePath).toBe('/opt/test/chromium');
    expect(internals.options.puppeteer.headless).toBe(true);
    expect(internals.options.puppeteer.args).toEqual([...CHROMIUM_ARGS]);
    expect(internals.authStrategy).toBeInstanceOf(wwebjs.LocalAuth);
    expect((internals.authStrategy as wwebjs.LocalAuth).dataPath).toBe(resolve('data/wa-wiring-test'));
    expect(internals.pupBrowser).toBeNull();
  });

  it('stops start-up with a plain message naming CHROMIUM_PATH when the browser is missing', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'wa-start-')), 'wa');
    const start = startWhatsApp({
      config: { ...config, WHATSAPP_DATA_DIR: dataDir },
      core: {} as never,
      logger: createLogger('silent'),
    });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(
      /CHROMIUM_PATH: there is no browser at \/opt\/test\/chromium.*apt-get install chromium/,
    );
    expect(() => statSync(dataDir)).toThrow(); // nothing created before the check
  });
});
