import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Translator } from '../../src/i18n.js';
import { renderLeafletHtml } from '../../src/leaflet/leaflet-html.js';
import { leafletTexts } from '../../src/leaflet/leaflet-texts.js';
import { makeLeaflet, type LeafletResult } from '../../src/leaflet/make-leaflet.js';
import { CHROMIUM_ARGS, PdfRenderer } from '../../src/leaflet/pdf-renderer.js';
import { qrSvg } from '../../src/leaflet/qr-code.js';
import { shippedBundle } from '../helpers/bundle.js';
import { decodeAllQr } from './decode-qr.js';

/**
 * The printed leaflet, checked the way a phone sees it: the PDF is rendered back to an image at
 * 150 dpi and both QR codes must decode from it. Needs Debian's chromium and poppler-utils; skipped
 * with the reason where they are absent, but in CI (CI=true) their absence is a failure.
 */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const hasPdftoppm = spawnSync('pdftoppm', ['-v']).error === undefined;
const missing = [
  !existsSync(CHROMIUM) && `chromium (${CHROMIUM})`,
  !hasPdftoppm && 'pdftoppm (poppler-utils)',
].filter(Boolean);
const reason =
  missing.length > 0
    ? ` [SKIPPED: ${missing.join(' and ')} not installed; apt-get install chromium poppler-utils]`
    : '';
const hasFont = (family: string) => spawnSync('fc-list', ['-q', family]).status === 0;
const hasNoto = hasFont('Noto Sans Thai') && hasFont('Noto Sans CJK HK');
const fontsMissing = [!existsSync(CHROMIUM) && 'chromium', !hasNoto && 'the Noto fonts'].filter(Boolean);
const fontsReason =
  fontsMissing.length > 0
    ? ` [SKIPPED: ${fontsMissing.join(' and ')} not installed; apt-get install chromium fonts-noto-core fonts-noto-cjk]`
    : '';

if (process.env.CI === 'true') {
  it('CI has chromium, pdftoppm and the Noto fonts for the leaflet tests', () => {
    expect([...missing, ...fontsMissing], 'install them in .ci/run').toEqual([]);
  });
}

const bundle = shippedBundle(['en']);
const translator = new Translator(bundle);
const both = { telegramBotUsername: 'SafeCheckHKBot', whatsappNumber: '85212345678' };

/** Page 1 of a PDF as a PNG at `dpi`. */
function renderPage(pdf: string, dpi = 150): Buffer {
  const base = join(tmpdir(), `leaflet-page-${process.pid}-${Date.now()}`);
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
  const png = readFileSync(`${base}.png`);
  rmSync(`${base}.png`);
  return png;
}

describe.skipIf(missing.length > 0)(`leaflet PDF${reason}`, { timeout: 60_000 }, () => {
  let out: string;
  let pdf: PdfRenderer;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'leaflet-pdf-'));
    pdf = await PdfRenderer.launch(CHROMIUM);
  }, 60_000);
  afterAll(async () => {
    await pdf?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const make = (paper: 'A5' | 'A6', channels = both): Promise<LeafletResult> =>
    makeLeaflet({
      bundle,
      translator,
      request: { lang: 'en', campaign: 'mfmw2026', channels },
      outDir: join(out, paper),
      paper,
      pdf,
    });

  it.each(['A5', 'A6'] as const)(
    '%s: one page, and both QR codes decode from the printed page to the links',
    async (paper) => {
      const r = await make(paper);
      const file = join(r.dir, 'leaflet.pdf');
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/^Pages:\s+1$/m);
      const [w, h] = paper === 'A5' ? [420, 595] : [298, 420];
      const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!;
      expect(Math.round(Number(size[1]))).toBe(w);
      expect(Math.round(Number(size[2]))).toBe(h);

      const codes = decodeAllQr(renderPage(file), 2);
      expect(codes).toEqual([r.links.telegram, r.links.whatsapp].sort());
    },
  );

  it('the printed page carries the texts (real text, not pictures of it)', async () => {
    const r = await make('A5');
    const text = execFileSync('pdftotext', ['-layout', join(r.dir, 'leaflet.pdf'), '-'], {
      encoding: 'utf8',
    }).replace(/\s+/g, ' ');
    expect(text).toContain('Free, private check about your work');
    expect(text).toContain('No name, no number is kept.');
    expect(text).toContain('Call 999');
  });

  it('with one channel the single code decodes too', async () => {
    const r = await make('A6', { telegramBotUsername: 'SafeCheckHKBot' } as typeof both);
    expect(decodeAllQr(renderPage(join(r.dir, 'leaflet.pdf')), 1)).toEqual([r.links.telegram]);
  });

  it('a text too long for the page is refused, not cut off', async () => {
    const texts = { ...leafletTexts(translator, 'en'), intro: 'A very long text. '.repeat(120) };
    const html = renderLeafletHtml({ texts, codes: [], campaign: 'demo', paper: 'A6' });
    await expect(pdf.render(html, 'A6', 'en')).rejects.toThrow(
      /The en leaflet does not fit on one A6 page \(\d+ mm too long\)/,
    );
  });
});

/**
 * Every script the bot's languages use must be drawn with a real font, not boxes. Chromium reports
 * the platform fonts it used for a node (CSS.getPlatformFontsForNode).
 */
const SCRIPTS: [lang: string, sample: string, font: RegExp][] = [
  ['zh-HK', '免費、私人的工作檢查', /Noto Sans CJK/],
  ['th', 'ตรวจสอบงานของคุณ ฟรี และเป็นส่วนตัว', /Noto Sans Thai/],
  ['ne', 'तपाईंको कामको बारेमा निःशुल्क जाँच', /Noto Sans Devanagari/],
  ['hi', 'आपके काम के बारे में मुफ़्त जाँच', /Noto Sans Devanagari/],
  ['si', 'ඔබේ රැකියාව ගැන නොමිලේ පරීක්ෂාවක්', /Noto Sans Sinhala/],
  ['bn', 'আপনার কাজ সম্পর্কে বিনামূল্যে পরীক্ষা', /Noto Sans Bengali/],
  ['my', 'သင့်အလုပ်အကြောင်း အခမဲ့ စစ်ဆေးမှု', /Noto Sans Myanmar/],
  ['id', 'Pemeriksaan gratis dan rahasia', /Noto Sans/],
];

describe.skipIf(fontsMissing.length > 0)(`leaflet fonts${fontsReason}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each(SCRIPTS)('%s is drawn with a font for its script', async (lang, sample, font) => {
    const texts = { ...leafletTexts(translator, 'en'), lang, title: sample };
    const html = renderLeafletHtml({
      texts,
      codes: [{ channel: 'telegram', link: 'x', printed: 'x', how: sample, svg: await qrSvg('x') }],
      campaign: 'demo',
      paper: 'A5',
    });
    const page = await browser.newPage();
    try {
      await page.setContent(html);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument');
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const names = fonts.map((f) => f.familyName);
      expect(names.length, `${lang}: fonts used ${names.join(', ')}`).toBeGreaterThan(0);
      // Every glyph of the sample comes from the script's Noto font (spaces may come from Noto Sans).
      const scriptGlyphs = fonts.filter((f) => font.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0);
      const otherGlyphs = fonts.filter((f) => !font.test(f.familyName) && !/^Noto Sans$/.test(f.familyName));
      expect(scriptGlyphs, `${lang}: fonts used ${names.join(', ')}`).toBeGreaterThan(0);
      expect(
        otherGlyphs.map((f) => f.familyName),
        `${lang}: fallback fonts`,
      ).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
