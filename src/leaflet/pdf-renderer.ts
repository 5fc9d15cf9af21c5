import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { PAPER_SIZES, type Paper } from './leaflet-html.js';
import { LeafletError } from './leaflet-error.js';

/** Flags for a headless chromium that only prints: no sandbox (containers), no network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
] as const;

const PX_PER_MM = 96 / 25.4;

/**
 * Prints leaflet HTML to PDF with the system's chromium (Debian: apt-get install chromium), driven
 * by playwright-core. One browser serves every leaflet of a run; call `close()` at the end.
 */
export class PdfRenderer {
  private constructor(private readonly browser: Browser) {}

  /** Starts chromium. Throws a LeafletError naming the path when it is not installed. */
  static async launch(chromiumPath: string): Promise<PdfRenderer> {
    if (!existsSync(chromiumPath)) {
      throw new LeafletError(
        `Chromium is not at ${chromiumPath}, so no PDF can be made. Install it (Debian: apt-get install chromium) ` +
          'or set CHROMIUM_PATH to where it is.',
      );
    }
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    return new PdfRenderer(browser);
  }

  /**
   * The leaflet as a one-page PDF. Throws a LeafletError when the texts do not fit on the page
   * (a translation that grew too long), rather than printing a leaflet with its end cut off.
   */
  async render(html: string, paper: Paper, what: string): Promise<Buffer> {
    const size = PAPER_SIZES[paper];
    const context = await this.browser.newContext({
      viewport: { width: Math.round(size.width * PX_PER_MM), height: Math.round(size.height * PX_PER_MM) },
      offline: true,
    });
    try {
      const page = await context.newPage();
      await page.emulateMedia({ media: 'print' });
      await page.setContent(html, { waitUntil: 'load' });
      // Strings, not functions: this project type-checks without the DOM library.
      await page.evaluate('document.fonts.ready.then(() => true)');
      const overflow = Number(
        await page.evaluate(
          '(() => { const m = document.querySelector("main"); return m ? m.scrollHeight - m.clientHeight : 0; })()',
        ),
      );
      if (overflow > 1) {
        throw new LeafletError(
          `The ${what} leaflet does not fit on one ${paper} page (${Math.ceil(overflow / PX_PER_MM)} mm too long). ` +
            'Shorten its leaflet texts, or use --paper A5.',
        );
      }
      return await page.pdf({ preferCSSPageSize: true, printBackground: true });
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
