import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { loadBundle } from '../../src/bundle.js';
import { formatProblem } from '../../src/problems.js';
import { decodeAllQr, decodeQr } from './decode-qr.js';
import { Translator } from '../../src/i18n.js';
import { whatsappLink } from '../../src/leaflet/links.js';

/** `npm run leaflet -- <args>` with only the given settings; its exit code and output. */
function leaflet(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/leaflet.ts', ...args],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        timeout: 120_000,
      },
      (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const settings = { TELEGRAM_BOT_USERNAME: 'SafeCheckHKBot', WHATSAPP_NUMBER: '85212345678' };
const out = mkdtempSync(join(tmpdir(), 'leaflet-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// Each run starts a Node process with tsx: seconds each, more on a busy machine.
describe.concurrent(
  'npm run leaflet: refuses clearly with exit code 1, and writes nothing',
  { timeout: 90_000 },
  () => {
    const refuses = async (args: string[], env: Record<string, string>, message: string) => {
      const dir = mkdtempSync(join(out, 'refused-'));
      const r = await leaflet([...args, '--out', dir], env);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(message);
      expect(existsSync(join(dir, 'demo'))).toBe(false);
    };

    it('a bad campaign code', () =>
      refuses(
        ['--lang', 'en', '--campaign', 'Sunday Central!'],
        settings,
        'The campaign code "Sunday Central!" has characters a link cannot carry (" " "!")',
      ));

    it('a campaign code that is too long', () =>
      refuses(
        ['--lang', 'en', '--campaign', 'x'.repeat(40)],
        settings,
        'is 40 characters long; use at most 32',
      ));

    it('neither TELEGRAM_BOT_USERNAME nor WHATSAPP_NUMBER set', () =>
      refuses(
        ['--lang', 'en', '--campaign', 'demo'],
        {},
        'Neither TELEGRAM_BOT_USERNAME nor WHATSAPP_NUMBER is set',
      ));

    it('a badly written setting, named', () =>
      refuses(
        ['--lang', 'en', '--campaign', 'demo'],
        { WHATSAPP_NUMBER: '+852 1234' },
        "WHATSAPP_NUMBER: must be the bot's WhatsApp number in international digits",
      ));

    it('no campaign', () => refuses(['--lang', 'en'], settings, '--campaign is missing.'));
    it('no language', () =>
      refuses(['--campaign', 'demo'], settings, 'Give --lang <code> or --all-languages.'));
  },
);

// The whole shipped set, as an NGO makes it. It needs every language's leaflet texts.
const { bundle, problems } = loadBundle({ root: PROJECT_ROOT });
const errors = problems.filter((p) => p.severity === 'error');
/** The WhatsApp link of a language's leaflet: its own start word, then `<lang>-demo`. */
const waLink = (lang: string) =>
  whatsappLink('85212345678', lang, 'demo', new Translator(bundle!).words(lang, 'command.start.words')[0]);
const notReady = bundle
  ? ''
  : ` [SKIPPED: the flows or locales have ${errors.length} error(s), in ${[...new Set(errors.map((p) => p.file))].join(', ')}; ` +
    `first: ${errors[0] ? formatProblem(errors[0]) : '?'}]`;

// The PDFs need Debian's chromium: skipped (saying so) where it is missing, never in CI, which
// installs it (test/leaflet/leaflet-pdf.test.ts checks that CI has it).
const noChromium = existsSync('/usr/bin/chromium') ? '' : ' [SKIPPED: /usr/bin/chromium is not installed; apt-get install chromium]';

describe.skipIf((!bundle || noChromium !== '') && process.env.CI !== 'true')(
  `npm run leaflet -- --all-languages --campaign demo${notReady}${noChromium}`,
  { timeout: 180_000 },
  () => {
    it('writes a folder per language whose QR codes decode to the deep links', async () => {
      const r = await leaflet(['--all-languages', '--campaign', 'demo', '--out', out], {
        ...settings,
        CHROMIUM_PATH: '/usr/bin/chromium',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      for (const lang of bundle!.localeCodes) {
        const dir = join(out, 'demo', lang);
        const telegram = `https://t.me/SafeCheckHKBot?start=${lang}-demo`;
        const whatsapp = waLink(lang);
        expect(r.stdout).toContain(`${lang}: ${dir}`);
        expect(readFileSync(join(dir, 'links.txt'), 'utf8')).toBe(
          `Telegram: ${telegram}\nWhatsApp: ${whatsapp}\n`,
        );
        expect(decodeQr(readFileSync(join(dir, 'telegram-qr.png'))), lang).toBe(telegram);
        expect(decodeQr(readFileSync(join(dir, 'whatsapp-qr.png'))), lang).toBe(whatsapp);
        const html = readFileSync(join(dir, 'leaflet.html'), 'utf8');
        expect(html, lang).toContain(`<html lang="${lang}">`);
        expect(html, lang).toContain('999');
        expect(existsSync(join(dir, 'leaflet.pdf')), lang).toBe(true);
      }
    });

    it('the PDFs (when pdftoppm is here) carry both codes', () => {
      if (spawnSync('pdftoppm', ['-v']).error !== undefined) return;
      for (const lang of bundle!.localeCodes) {
        const pdf = join(out, 'demo', lang, 'leaflet.pdf');
        const base = join(out, `page-${lang}`);
        spawnSync('pdftoppm', ['-r', '150', '-png', '-singlefile', pdf, base]);
        expect(decodeAllQr(readFileSync(`${base}.png`), 2), lang).toEqual([
          `https://t.me/SafeCheckHKBot?start=${lang}-demo`,
          waLink(lang),
        ]);
      }
    });
  },
);
