import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// jsqr is CommonJS; under NodeNext its function is the default export's `default`.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PAIRING_QR_FILE } from '../../bots/whatsapp/pairing.js';
import { startWhatsApp, webClientFactory } from '../../bots/whatsapp/start-whatsapp.js';
import { CHROMIUM_ARGS } from '../../bots/whatsapp/web-client.js';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../bots/whatsapp/whatsapp-channel.js';
import { createCore, loadCheckedBundle } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

/*
 * The WhatsApp channel with the real whatsapp-web.js in Debian's real chromium, offline. The
 * browser is started through a small wrapper that records the arguments puppeteer gave it and
 * makes every host name unresolvable, so nothing can leave this machine.
 *
 * - With nothing cached, opening https://web.whatsapp.com/ fails as it does without internet: the
 *   channel logs the network error code and tries again with a growing pause.
 * - With a stand-in page in the library's local web cache (fixtures/whatsapp-web-stand-in.html,
 *   served by the library in place of WhatsApp Web), the library walks its real pairing path and
 *   fires `qr`: the start-up code of `npm start` prints the QR code and writes the PNG.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const onCi = process.env.CI === 'true';
if (!haveChromium) {
  process.stderr.write(
    `\n[whatsapp] ${CHROMIUM} is missing: the real-browser tests of the WhatsApp channel are ` +
      `${onCi ? 'FAILING (CI=true)' : 'skipped'}. Install it with: apt-get install -y chromium\n\n`,
  );
}

const STAND_IN = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'whatsapp-web-stand-in.html');
/** The WhatsApp Web version the library asks its web cache for (its default `webVersion`). */
const WEB_VERSION = (
  createRequire(import.meta.url)('whatsapp-web.js/src/util/Constants.js') as {
    DefaultOptions: { webVersion: string };
  }
).DefaultOptions.webVersion;
/** The pairing code the stand-in's values make (ref, static key, identity key, ADV secret, platform). */
const standInQr = (ref: string) =>
  [ref, btoa('static-key'), btoa('identity-key'), 'adv-secret', 'Chrome'].join(',');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A folder with the recording, no-network chromium wrapper in it. */
function workspace(): { dir: string; browser: string; argv: () => string[]; pids: () => number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'wa-real-'));
  made.push(dir);
  const browser = join(dir, 'chromium');
  writeFileSync(
    browser,
    [
      '#!/bin/sh',
      `echo $$ >> '${dir}/pids'`,
      `printf '%s\\n' "$@" > '${dir}/argv'`,
      `exec '${CHROMIUM}' --host-resolver-rules='MAP * ~NOTFOUND' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const lines = (file: string) =>
    existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean) : [];
  return { dir, browser, argv: () => lines('argv'), pids: () => lines('pids').map(Number) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function decodeQrPng(file: string): string | undefined {
  const png = PNG.sync.read(readFileSync(file));
  return jsQR.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('the WhatsApp channel needs chromium', () => {
  it.runIf(onCi)('chromium is installed on CI', () => {
    expect(haveChromium, `${CHROMIUM} is missing: install the Debian chromium package`).toBe(true);
  });
});

describe.skipIf(!haveChromium)('the WhatsApp channel in a real chromium, offline', () => {
  let channel: WhatsAppChannel | undefined;
  afterEach(async () => {
    await channel?.stop();
    channel = undefined;
    vi.restoreAllMocks();
  });

  const settings = (w: ReturnType<typeof workspace>) =>
    loadConfig({
      WHATSAPP_ENABLED: 'true',
      CHROMIUM_PATH: w.browser,
      WHATSAPP_DATA_DIR: join(w.dir, 'data', 'whatsapp'),
      SESSION_SECRET: 'real-browser-test-secret-0123456789',
    });

  it('npm start launches the browser headless with the server flags, and prints the QR code WhatsApp Web shows', async () => {
    const w = workspace();
    const config = settings(w);
    const dataDir = config.WHATSAPP_DATA_DIR;
    mkdirSync(join(dataDir, 'web-cache'), { recursive: true });
    copyFileSync(STAND_IN, join(dataDir, 'web-cache', `${WEB_VERSION}.html`));
    const logLines: string[] = [];
    const logger = createLogger('debug', { write: (l: string) => void logLines.push(l) });
    const terminal: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      terminal.push(String(chunk));
      return true;
    });
    const msgs = () => logLines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    const qrLines = () => msgs().filter((m) => m.startsWith('waiting for the QR code to be scanned'));

    const core = createCore({ bundle: loadCheckedBundle(), config, logger });
    channel = await startWhatsApp({ config, core, logger });
    await until('the first QR code', () => qrLines().length >= 1);

    // The browser puppeteer started: headless, the server flags, the login folder in the data folder.
    const argv = w.argv();
    expect(argv).toContain('--headless=new');
    expect(argv).toEqual(expect.arrayContaining([...CHROMIUM_ARGS]));
    expect(argv).toContain(`--user-data-dir=${join(dataDir, 'session')}`);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(alive(w.pids()[0]!)).toBe(true);

    // The QR code: in the terminal, and as a PNG (0600) in the data folder that scans to the code.
    const png = join(dataDir, PAIRING_QR_FILE);
    expect(terminal.join('')).toMatch(/[▀▄█]{10}/);
    expect(statSync(png).mode & 0o777).toBe(0o600);
    expect(decodeQrPng(png)).toBe(standInQr('stand-in-ref-1'));

    // WhatsApp Web changes the code after a while: the new one replaces the old.
    await until('the second QR code', () => qrLines().length >= 2);
    expect(decodeQrPng(png)).toBe(standInQr('stand-in-ref-2'));
    expect(msgs()).not.toContainEqual(expect.stringMatching(/could not open|did not open/));

    await channel.stop();
    channel = undefined;
    await until('the browser to exit', () => !alive(w.pids()[0]!), 10_000);
    expect(existsSync(png)).toBe(false); // an unscanned code is removed on stop
  });

  it('without internet: logs the network error and retries with a growing pause, then closes every browser', async () => {
    const w = workspace();
    const config = settings(w);
    const logLines: string[] = [];
    const logger = createLogger('debug', { write: (l: string) => void logLines.push(l) });
    const core = createCore({ bundle: loadCheckedBundle(), config, logger });
    channel = createWhatsAppChannel({
      conversations: core.conversations,
      translator: core.translator,
      secret: config.SESSION_SECRET,
      logger,
      createClient: webClientFactory(config),
      dataDir: config.WHATSAPP_DATA_DIR,
      timing: { reconnectInitialMs: 300, reconnectMaxMs: 10_000 },
    });
    mkdirSync(config.WHATSAPP_DATA_DIR, { recursive: true });
    await channel.start();
    type Line = { level: number; msg: string; err?: string; net?: string; inSeconds?: number };
    const lines = () => logLines.map((l) => JSON.parse(l) as Line);
    await until('two failed attempts', () => lines().filter((l) => l.msg === 'reconnecting').length >= 2);

    const failures = lines().filter((l) => l.msg.startsWith('could not open WhatsApp Web'));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toMatchObject({ level: 50, err: 'Error', net: 'ERR_NAME_NOT_RESOLVED' });
    expect(
      lines()
        .filter((l) => l.msg === 'reconnecting')
        .map((l) => l.inSeconds)
        .slice(0, 2),
    ).toEqual([0.3, 0.6]);
    expect(w.pids().length).toBeGreaterThanOrEqual(2); // a fresh browser for every attempt

    await channel.stop();
    channel = undefined;
    for (const pid of w.pids()) await until(`browser ${pid} to exit`, () => !alive(pid), 10_000);
  });
});
