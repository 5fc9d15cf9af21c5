import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Translator } from '../../src/i18n.js';
import { escapeHtml, renderLeafletHtml } from '../../src/leaflet/leaflet-html.js';
import { LEAFLET_KEYS, leafletTexts } from '../../src/leaflet/leaflet-texts.js';
import { makeLeaflet } from '../../src/leaflet/make-leaflet.js';
import { PROJECT_ROOT } from '../../src/app.js';
import { readLocales } from '../../src/locales.js';
import { shippedBundle } from '../helpers/bundle.js';
import { decodeQr } from './decode-qr.js';

// The leaflet texts are English-only until the translators add them to the other locales.
const bundle = shippedBundle(['en']);
const translator = new Translator(bundle);
const out = mkdtempSync(join(tmpdir(), 'leaflet-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const both = { telegramBotUsername: 'SafeCheckHKBot', whatsappNumber: '85212345678' };
const TELEGRAM = 'https://t.me/SafeCheckHKBot?start=en-mfmw2026';
const WHATSAPP = 'https://wa.me/85212345678?text=START%20en-mfmw2026';

/** Words that must never be on a leaflet an employer may find. */
const ALARMING = /traffick|abuse|victim|forced|exploit|slave/i;

describe('makeLeaflet', async () => {
  const result = await makeLeaflet({
    bundle,
    translator,
    request: { lang: 'en', campaign: 'mfmw2026', channels: both },
    outDir: out,
    paper: 'A5',
  });
  const html = readFileSync(join(result.dir, 'leaflet.html'), 'utf8');

  it('writes the set into <out>/<campaign>/<lang>/', () => {
    expect(result.dir).toBe(join(out, 'mfmw2026', 'en'));
    for (const f of [
      'links.txt',
      'telegram-qr.svg',
      'telegram-qr.png',
      'whatsapp-qr.svg',
      'whatsapp-qr.png',
      'leaflet.html',
    ]) {
      expect(existsSync(join(result.dir, f)), f).toBe(true);
    }
    expect(result.links).toEqual({ telegram: TELEGRAM, whatsapp: WHATSAPP });
    expect(readFileSync(join(result.dir, 'links.txt'), 'utf8')).toBe(
      `Telegram: ${TELEGRAM}\nWhatsApp: ${WHATSAPP}\n`,
    );
  });

  it('the QR code PNGs decode to exactly the links', () => {
    expect(decodeQr(readFileSync(join(result.dir, 'telegram-qr.png')))).toBe(TELEGRAM);
    expect(decodeQr(readFileSync(join(result.dir, 'whatsapp-qr.png')))).toBe(WHATSAPP);
  });

  it('the QR code SVGs are standalone SVG documents', () => {
    const svg = readFileSync(join(result.dir, 'telegram-qr.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 \d+ \d+"/);
    expect(html).toContain(svg.trim());
  });

  it('the leaflet has the neutral title, the privacy line, the exit word, 999 and the how-to lines', () => {
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Free, private check about your work</h1>');
    expect(html).toContain('No name, no number is kept.');
    expect(html).toContain('type EXIT.');
    expect(html).toContain('In danger now? Call 999 (police, free, 24 hours).');
    expect(html).toContain('Telegram: scan with your phone camera, then tap Start.');
    expect(html).toContain('WhatsApp: scan with your phone camera, then tap Send.');
    expect(html).toContain('t.me/SafeCheckHKBot?start=en-mfmw2026');
    expect(html).toContain('WhatsApp +85212345678');
    expect(html).toContain('size: 148mm 210mm');
  });

  it('the leaflet does not speak of trafficking, abuse or victims', () => {
    expect(html).not.toMatch(ALARMING);
  });

  it('no locale has an alarming English word in its leaflet texts', () => {
    for (const locale of readLocales(PROJECT_ROOT).locales) {
      for (const key of LEAFLET_KEYS) {
        const value = locale.keys.get(key)?.value ?? '';
        expect(value, `${locale.file} ${key}`).not.toMatch(ALARMING);
      }
    }
  });

  it('one channel only: that code alone, and old files of the other channel are removed', async () => {
    writeFileSync(join(out, 'mfmw2026', 'en', 'whatsapp-qr.png'), 'stale');
    const r = await makeLeaflet({
      bundle,
      translator,
      request: { lang: 'en', campaign: 'mfmw2026', channels: { telegramBotUsername: 'SafeCheckHKBot' } },
      outDir: out,
      paper: 'A6',
    });
    const page = readFileSync(join(r.dir, 'leaflet.html'), 'utf8');
    expect(r.links).toEqual({ telegram: TELEGRAM });
    expect(page).toContain('code-telegram');
    expect(page).not.toContain('code-whatsapp');
    expect(page).toContain('size: 105mm 148mm');
    expect(existsSync(join(r.dir, 'whatsapp-qr.png'))).toBe(false);
    expect(existsSync(join(r.dir, 'whatsapp-qr.svg'))).toBe(false);
  });

  it('rejects an unknown language and a bad campaign before writing anything', async () => {
    const make = (lang: string, campaign: string) =>
      makeLeaflet({
        bundle,
        translator,
        request: { lang, campaign, channels: both },
        outDir: out,
        paper: 'A5',
      });
    await expect(make('xx', 'demo')).rejects.toThrow('"xx" is not a language of the bot. Use one of: en.');
    await expect(make('en', 'bad/code')).rejects.toThrow('has characters a link cannot carry ("/")');
    expect(existsSync(join(out, 'demo'))).toBe(false);
  });
});

describe('renderLeafletHtml', () => {
  it('escapes translations: a text is never markup', () => {
    const texts = { ...leafletTexts(translator, 'en'), title: 'A <b>bold</b> & "quoted" title' };
    const html = renderLeafletHtml({ texts, codes: [], campaign: 'demo', paper: 'A5' });
    expect(html).toContain('<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title</h1>');
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
  });
});
