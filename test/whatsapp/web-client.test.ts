import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getConfiguration } from 'puppeteer/internal/getConfiguration.js';
import wwebjs from 'whatsapp-web.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PACING } from '../../bots/whatsapp-common/send-pacer.js';
import { startWhatsApp, webClientFactory } from '../../bots/whatsapp/start-whatsapp.js';
import { buildClientOptions, CHROMIUM_ARGS, WebClient } from '../../bots/whatsapp/web-client.js';
import { createCore, loadCheckedBundle, PROJECT_ROOT } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { FakeWhatsAppClient, libraryMessage } from './fake-client.js';

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

/** An executable that stands in for chromium and leaves a mark if anything ever runs it. */
function markingBrowser(): { path: string; ranMark: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wa-exe-'));
  const ranMark = join(dir, 'it-ran');
  const path = join(dir, 'chromium');
  writeFileSync(path, `#!/bin/sh\ntouch '${ranMark}'\n`, { mode: 0o755 });
  return { path, ranMark };
}

describe('startWhatsApp, as npm start calls it (WHATSAPP_ENABLED=true)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('creates the data folder 0700 and gives the real library Client the settings, launching nothing', async () => {
    const browser = markingBrowser();
    const dataDir = join(mkdtempSync(join(tmpdir(), 'wa-start-')), 'data', 'whatsapp');
    const made: WebClient[] = [];
    // Everything real up to the browser launch, which is the one step left out.
    vi.spyOn(WebClient.prototype, 'initialize').mockImplementation(function (this: WebClient) {
      made.push(this);
      return Promise.resolve();
    });
    const config = loadConfig({
      WHATSAPP_ENABLED: 'true',
      CHROMIUM_PATH: browser.path,
      WHATSAPP_DATA_DIR: dataDir,
      SESSION_SECRET: 'a-test-secret-of-enough-length',
    });
    const core = createCore({ bundle: loadCheckedBundle(), config, logger: createLogger('silent') });
    const channel = await startWhatsApp({ config, core, logger: createLogger('silent') });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(made).toHaveLength(1);
      const internals = made[0]!.library as unknown as ClientInternals;
      expect(made[0]!.library).toBeInstanceOf(wwebjs.Client);
      expect(internals.options.puppeteer.executablePath).toBe(browser.path);
      expect(internals.options.puppeteer.headless).toBe(true);
      expect(internals.options.puppeteer.args).toEqual([...CHROMIUM_ARGS]);
      expect(internals.authStrategy).toBeInstanceOf(wwebjs.LocalAuth);
      expect((internals.authStrategy as wwebjs.LocalAuth).dataPath).toBe(dataDir);
      expect(internals.options.webVersionCache).toEqual({ type: 'local', path: join(dataDir, 'web-cache') });
      expect(internals.pupBrowser).toBeNull();
      expect(existsSync(browser.ranMark)).toBe(false);
    } finally {
      await channel.stop();
    }
  });

  it('paces what it sends by default (a pause between two messages to the same chat)', async () => {
    const browser = markingBrowser();
    const config = loadConfig({
      WHATSAPP_ENABLED: 'true',
      CHROMIUM_PATH: browser.path,
      WHATSAPP_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'wa-pace-')), 'wa'),
      SESSION_SECRET: 'a-test-secret-of-enough-length',
    });
    const core = createCore({ bundle: loadCheckedBundle(), config, logger: createLogger('silent') });
    const client = new FakeWhatsAppClient();
    const channel = await startWhatsApp({
      config,
      core,
      logger: createLogger('silent'),
      createClient: () => client,
    });
    try {
      client.emit('ready');
      client.emit('message', libraryMessage('85291234567@c.us', 'START en-x'));
      await channel.idle();
      // The privacy promise and the first question: two sends to one chat.
      expect(client.sendTimes).toHaveLength(2);
      expect(DEFAULT_PACING.perChatMs).toBeGreaterThanOrEqual(500);
      expect(client.sendTimes[1]! - client.sendTimes[0]!).toBeGreaterThanOrEqual(
        DEFAULT_PACING.perChatMs - 20,
      );
    } finally {
      await channel.stop();
    }
  });
});

describe('settings and install', () => {
  it('defaults: WhatsApp off, data/whatsapp, /usr/bin/chromium, as .env.example says', () => {
    const config = loadConfig({});
    expect(config.WHATSAPP_ENABLED).toBe(false);
    expect(loadConfig({ WHATSAPP_ENABLED: 'true' }).WHATSAPP_ENABLED).toBe(true);
    const example = Object.fromEntries(
      readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8')
        .split('\n')
        .map((l) => /^([A-Z_]+)=(.*)$/.exec(l))
        .filter((m) => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    expect(example).toMatchObject({
      WHATSAPP_ENABLED: 'false',
      WHATSAPP_DATA_DIR: config.WHATSAPP_DATA_DIR,
      CHROMIUM_PATH: config.CHROMIUM_PATH,
    });
    expect(config.WHATSAPP_DATA_DIR).toBe('data/whatsapp');
    expect(config.CHROMIUM_PATH).toBe('/usr/bin/chromium');
  });

  it('npm install downloads no browser: puppeteer reads skipDownload from .puppeteerrc.cjs', () => {
    const rc = createRequire(import.meta.url)(join(PROJECT_ROOT, '.puppeteerrc.cjs')) as {
      skipDownload?: boolean;
    };
    expect(rc.skipDownload).toBe(true);
    const saved = { ...process.env };
    const cwd = process.cwd();
    try {
      // What puppeteer's install step sees in the project, without any PUPPETEER_* variable set.
      for (const k of Object.keys(process.env)) if (k.startsWith('PUPPETEER_')) delete process.env[k];
      process.chdir(PROJECT_ROOT);
      const configuration = getConfiguration();
      expect(configuration.skipDownload).toBe(true);
      expect(configuration.chrome?.skipDownload).toBe(true);
      expect(configuration['chrome-headless-shell']?.skipDownload).toBe(true);
    } finally {
      process.chdir(cwd);
      process.env = saved;
    }
  });
});
