import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { loadBundle, type Bundle, type Flow, type Step } from '../../src/bundle.js';
import { createLogger } from '../../src/log.js';
import { startPreviewServer, type PreviewServer } from '../../src/preview/server.js';
import { CHROMIUM, launchChromium } from './chromium.js';
import { previewRoot } from './preview-root.js';

// The page's own `document`, inside page.evaluate callbacks (the project's types have no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

// A real browser: Debian's chromium driven by playwright-core (no browser download).
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
  let bundle: Bundle;
  let flow: Flow;

  beforeAll(async () => {
    const made = previewRoot();
    languages = made.languages;
    bundle = loadBundle({ root: made.root }).bundle!;
    flow = bundle.flows.get(bundle.defaultFlowId)!;
    preview = await startPreviewServer({
      root: made.root,
      port: 0,
      config: { SESSION_TTL_HOURS: 1, RESUME_PROMPT_MINUTES: 30 },
      logger: createLogger('silent'),
      watch: false,
    });
    browser = await launchChromium();
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

  /** The panel's table of the answers on screen: id, signs (text and class), where it leads. */
  const panelRows = () =>
    page.locator('#state-choices tr').evaluateAll((rows) =>
      rows.map((r) => ({
        id: r.querySelector('code')?.textContent,
        signs: [...r.querySelectorAll('.sign')].map((x) => [x.textContent, x.className]),
        next: r.children[2]?.textContent,
      })),
    );
  /** The same table as the flow file has it. */
  const flowRows = (step: Step) =>
    step.type !== 'question'
      ? []
      : step.choices.map((c) => ({
          id: c.id,
          signs: Object.entries(c.signals).map(([id, strength]) => [
            strength === 'possible' ? `${id}?` : id,
            `sign ${bundle.indicators.get(id)!.dimension} ${strength}`,
          ]),
          next: `→ ${c.next}`,
        }));

  it('walks one whole assessment by clicks, switching language midway, to a result', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(preview.url);

    // She is asked her language first (the page starts a conversation on opening).
    await page.locator('#chat .keyboard button[data-choice="en"]').waitFor();
    await expect.poll(() => page.locator('#state-step').textContent()).toBe('language');
    await page.locator('#chat .keyboard button[data-choice="en"]').click();
    await expect.poll(() => page.locator('#state-step').textContent()).not.toBe('language');
    expect(await page.locator('#chat .bubble.bot').first().textContent()).toMatch(/^Choose your language/);

    // Her answers: the passport kept by the employer (coercion) and a job not as promised (involuntary
    // work); every other question gets its first answer that shows no sign. So the walk follows the
    // flow as it is, whatever questions a maintainer adds.
    const plan: Record<string, string> = { passport: 'employer', job_promised: 'no' };
    const other = languages.find((l) => l !== 'en');
    expect(other, 'a second language to switch to').toBeDefined();
    const asked: string[] = [];
    while (asked.length < 100) {
      const stepId = (await page.locator('#state-step').textContent())!;
      if (stepId === 'result') break;
      const step = flow.steps.get(stepId);
      expect(step?.type, `the step on screen, "${stepId}"`).toBe('question');
      // The panel shows each answer's signs (how strong) and where it leads, as the flow file says.
      expect(await panelRows(), `the panel at "${stepId}"`).toEqual(flowRows(step!));

      if (asked.length === 3) {
        // The same step in another language, as if she typed LANGUAGE and chose it.
        const english = await lastBotText();
        await page.locator('#switch-lang').selectOption(other!);
        await page.locator('#switch-button').click();
        await expect.poll(lastBotText).not.toBe(english);
        expect(await page.locator('#state-step').textContent()).toBe(stepId);
        expect(await page.locator('#state-type').textContent()).toContain(`language ${other}`);
        mkdirSync(join(PROJECT_ROOT, 'out'), { recursive: true });
        await page.screenshot({ path: join(PROJECT_ROOT, 'out', 'preview-language.png') });
      }
      const question = step as Extract<Step, { type: 'question' }>;
      const harmless = question.choices.find((c) => Object.keys(c.signals).length === 0 && !c.urgent) ?? question.choices.find((c) => !c.urgent)!;
      asked.push(stepId);
      await tap(plan[stepId] ?? harmless.id);
    }
    expect(asked).toEqual(expect.arrayContaining(['passport', 'job_promised']));
    expect(asked.length).toBeGreaterThan(3);

    await expect.poll(() => page.locator('#state-step').textContent()).toBe('result');
    await expect.poll(() => page.locator('#result-title').textContent()).toBe('Result');
    // A coercion sign (passport kept) and an involuntary-work sign (job not as promised): the ICLS rule.
    expect(await page.locator('#state-level').getAttribute('data-level')).toBe('forced_labour_signs');
    expect((await page.locator('#state-coercion').textContent())!.split(', ')).toContain('retention_of_documents');
    expect((await page.locator('#state-involuntary').textContent())!.split(', ')).toContain('deception');
    expect(await page.locator('#state-answers li').count()).toBe(asked.length);
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

  it('while a flow file is broken, the page shows the problems and chats with the last good version', async () => {
    const made = previewRoot();
    const flowFile = join(made.root, 'flows', 'self-assessment.yaml');
    const good = readFileSync(flowFile, 'utf8');
    const printed: string[] = [];
    const live = await startPreviewServer({
      root: made.root,
      port: 0,
      config: { SESSION_TTL_HOURS: 1, RESUME_PROMPT_MINUTES: 30 },
      logger: createLogger('silent'),
      print: (line) => printed.push(line),
    });
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      // Misspell where the first step leads: every later step is cut off.
      const first = flow.steps.get(flow.start) as Extract<Step, { type: 'language' | 'message' }>;
      const broken = good.replace(`next: ${first.next}\n`, `next: ${first.next}x\n`);
      expect(broken).not.toBe(good);
      const generation = live.sessions.meta().generation;
      writeFileSync(flowFile, broken);
      await expect.poll(() => live.sessions.meta().generation, { timeout: 5000 }).toBeGreaterThan(generation);

      await tab.goto(live.url);
      await tab.locator('#problems').waitFor({ state: 'visible' });
      const lines = (await tab.locator('#problem-lines').textContent())!.split('\n');
      expect(lines[0]).toMatch(
        new RegExp(`^flows/self-assessment\\.yaml:\\d+:\\d+: error: step "${flow.start}" points to "${first.next}x", which does not exist\\. Did you mean "${first.next}"\\?$`),
      );
      // The steps cut off by the misspelt name are one note, not twenty lines.
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^flows\/self-assessment\.yaml: \d+ more errors are not shown: /);
      expect(printed[0]).toMatch(/^not reloaded: \d+ errors in flows\/ or locales\/; the last good version keeps running$/);

      // Opening the page still starts a conversation, on the last good version: it goes on past the break.
      await tab.locator('#chat .keyboard button[data-choice="en"]').click();
      await expect.poll(() => tab.locator('#state-step').textContent()).not.toBe('language');
      const question = flow.steps.get((await tab.locator('#state-step').textContent())!);
      expect(question?.type).toBe('question');
      const answer = (question as Extract<Step, { type: 'question' }>).choices.find((c) => !c.urgent)!;
      await tab.locator(`#chat .keyboard button[data-choice="${answer.id}"]:not([disabled])`).click();
      await expect.poll(() => tab.locator('#state-step').textContent()).toBe(answer.next);
      await tab.screenshot({ path: join(PROJECT_ROOT, 'out', 'preview-problems.png') });

      writeFileSync(flowFile, good);
      await tab.locator('#problems').waitFor({ state: 'hidden', timeout: 10_000 });
      await expect.poll(() => tab.locator('#notice').textContent()).toMatch(/^Flows and texts reloaded at /);
    } finally {
      await tab.close();
      await live.close();
    }
  }, 60_000);
});
