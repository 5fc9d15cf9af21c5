import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { startPreviewServer, type PreviewServer } from '../../src/preview/server.js';
import { previewRoot } from './preview-root.js';

// The page's own `document`, inside page.evaluate callbacks (the project's types have no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

// A real browser: Debian's chromium driven by playwright-core (no browser download).
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const onCi = process.env.CI === 'true';
if (!haveChromium) {
  process.stderr.write(
    `\n[preview] ${CHROMIUM} is missing: the browser test of the web preview is ${onCi ? 'FAILING (CI=true)' : 'skipped'}. ` +
      'Install it with: apt-get install -y chromium\n\n',
  );
}

describe('the web preview needs chromium', () => {
  it.runIf(onCi)('chromium is installed on CI', () => {
    expect(haveChromium, `${CHROMIUM} is missing: .ci/run installs the Debian chromium package`).toBe(true);
  });
});

describe.skipIf(!haveChromium)('the web preview in a real browser', () => {
  let browser: Browser;
  let preview: PreviewServer;
  let page: Page;
  let languages: string[];

  beforeAll(async () => {
    const made = previewRoot();
    languages = made.languages;
    preview = await startPreviewServer({
      root: made.root,
      port: 0,
      config: { SESSION_TTL_HOURS: 1, RESUME_PROMPT_MINUTES: 30 },
      logger: createLogger('silent'),
      watch: false,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
  });

  /** Taps an answer of the question on screen by its choice id (the same in every language). */
  const tap = async (choiceId: string) => {
    const answered = await page.locator('#state-answers li').count();
    await page.locator(`#chat .keyboard button[data-choice="${choiceId}"]:not([disabled])`).click();
    await page.waitForFunction((n) => document.querySelectorAll('#chat .keyboard button:not([disabled])').length > 0 && document.querySelectorAll('#state-answers li').length !== n, answered);
  };
  const lastBotText = () => page.locator('#chat .bubble.bot').last().textContent();

  it('walks one whole assessment by clicks, switching language midway, to a result', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(preview.url);

    // She is asked her language first (the page starts a conversation on opening).
    await page.locator('#chat .keyboard button[data-choice="en"]').waitFor();
    await expect.poll(() => page.locator('#state-step').textContent()).toBe('language');
    await page.locator('#chat .keyboard button[data-choice="en"]').click();
    await expect.poll(() => page.locator('#state-step').textContent()).toBe('passport');
    expect(await page.locator('#chat .bubble.bot').first().textContent()).toMatch(/^Choose your language/);

    await tap('employer');
    await tap('no');
    await tap('no');
    await expect.poll(() => page.locator('#state-step').textContent()).toBe('wages');
    const english = await lastBotText();

    // The same step in another language, as if she typed LANGUAGE and chose it.
    const other = languages.find((l) => l !== 'en');
    expect(other, 'a second language to switch to').toBeDefined();
    await page.locator('#switch-lang').selectOption(other!);
    await page.locator('#switch-button').click();
    await expect.poll(lastBotText).not.toBe(english);
    expect(await page.locator('#state-step').textContent()).toBe('wages');
    expect(await page.locator('#state-type').textContent()).toContain(`language ${other}`);
    mkdirSync(join(PROJECT_ROOT, 'out'), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, 'out', 'preview-language.png') });

    for (const id of ['full', 'yes', 'sometimes', 'yes', 'up_to_12', 'yes', 'own_room', 'no', 'no', 'yes', 'yes', 'no', 'no', 'yes', 'no']) {
      await tap(id);
    }
    await expect.poll(() => page.locator('#state-step').textContent()).toBe('result');
    await expect.poll(() => page.locator('#result-title').textContent()).toBe('Result');
    // A coercion sign (passport kept) and an involuntary-work sign (job not as promised): the ICLS rule.
    expect(await page.locator('#state-level').getAttribute('data-level')).toBe('forced_labour_signs');
    expect(await page.locator('#state-coercion').textContent()).toBe('retention_of_documents');
    expect(await page.locator('#state-involuntary').textContent()).toBe('deception');
    expect(await page.locator('#state-signs li').count()).toBe(3);
    expect(await page.locator('#chat .bubble.result').count()).toBe(1);
    expect(await page.locator('#state-contacts li').count()).toBeGreaterThan(1);
    await page.evaluate(() => {
      const chat = document.getElementById('chat')!;
      const result = chat.querySelector('.bubble.result')!;
      chat.scrollTop += result.getBoundingClientRect().top - chat.getBoundingClientRect().top - 8;
    });
    await page.screenshot({ path: join(PROJECT_ROOT, 'out', 'preview.png') });

    // The exit button ends and wipes the conversation, as on a phone.
    await page.locator('#chat .keyboard button[data-choice="exit"]:not([disabled])').click();
    await expect.poll(() => page.locator('#state-step').textContent()).toBe('(ended)');
    expect(errors).toEqual([]);
  }, 90_000);
});
