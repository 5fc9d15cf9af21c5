import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, PROJECT_ROOT, type Core } from '../src/app.js';
import { loadBundle } from '../src/bundle.js';
import { Translator } from '../src/i18n.js';
import { createLogger } from '../src/log.js';
import type { RenderedMessage } from '../src/render.js';
import { startLiveReload, type ReloadOutcome, type Watching } from '../src/reload.js';

// A temporary copy of flows/ and the English texts: the test edits them as a maintainer would.
let root: string;
let core: Core;
let live: Watching;
let printed: string[];
let waiting: ((o: ReloadOutcome) => void)[];
/** An English text of the copy as it was before the test edited it. */
let english: (key: string) => string;

const nextReload = () => new Promise<ReloadOutcome>((resolve) => waiting.push(resolve));
/** "line:column" of the value in the first line holding `field: value`, as the checker reports it. */
const valueAt = (text: string, fieldAndValue: string) => {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(fieldAndValue));
  return `${i + 1}:${lines[i]!.indexOf(fieldAndValue) + fieldAndValue.indexOf(': ') + 3}`;
};
const questionText = (messages: RenderedMessage[]) => messages.find((m) => m.type === 'question')?.text;
const edit = (file: string, change: (text: string) => string) => {
  const abs = join(root, file);
  writeFileSync(abs, change(readFileSync(abs, 'utf8')));
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'reload-'));
  cpSync(join(PROJECT_ROOT, 'flows'), join(root, 'flows'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'locales', 'en'), join(root, 'locales', 'en'), { recursive: true });
  const { bundle } = loadBundle({ root });
  const translator = new Translator(bundle!);
  english = (key) => translator.t('en', key);
  core = createCore({
    bundle: bundle!,
    config: { SESSION_TTL_HOURS: 1, RESUME_PROMPT_MINUTES: 30 },
    logger: createLogger('silent'),
  });
  printed = [];
  waiting = [];
  live = startLiveReload({
    root,
    conversations: core.conversations,
    debounceMs: 40,
    print: (line) => printed.push(line),
    onReload: (o) => waiting.shift()?.(o),
  });
});

afterEach(() => {
  live.close();
  rmSync(root, { recursive: true, force: true });
});

describe('live reload', () => {
  it('an edited text is used at once, without a restart', async () => {
    const first = await core.conversations.handle('chat', { kind: 'start', lang: 'en' }, { channel: 'test' });
    const before = english('q.passport.text');
    expect(before).toMatch(/passport/);
    expect(questionText(first.messages)).toBe(before);

    const reloaded = nextReload();
    edit('locales/en/messages.yaml', (t) => {
      expect(t).toContain(`text: "${before}"`);
      return t.replace(`text: "${before}"`, 'text: "Who holds your passport?"');
    });
    expect((await reloaded).ok).toBe(true);
    // The copy has warnings already (the languages the flow lists but the copy lacks...), and the edit brought none.
    expect(printed).toEqual([expect.stringMatching(/^reloaded flows and locales \(\d+ warnings, none of them new; npm run check lists them\)$/)]);

    const again = await core.conversations.handle('chat', { kind: 'text', text: 'help' }, { channel: 'test' });
    expect(questionText(again.messages)).toBe('Who holds your passport?');
  });

  it('a broken edit keeps the last good version running and prints the problems', async () => {
    await core.conversations.handle('chat', { kind: 'start', lang: 'en' }, { channel: 'test' });
    const engineBefore = core.conversations.engine;

    // Where the checker points: the list after "signals:" (found in the file, so edits elsewhere in the flow don't matter).
    const at = valueAt(readFileSync(join(root, 'flows', 'self-assessment.yaml'), 'utf8'), 'signals: [retention_of_documents]');
    const refused = nextReload();
    edit('flows/self-assessment.yaml', (t) => t.replace('signals: [retention_of_documents]', 'signals: [retention_of_document]'));
    const outcome = await refused;
    expect(outcome.ok).toBe(false);
    expect(printed).toEqual([
      'not reloaded: 1 error in flows/ or locales/; the last good version keeps running',
      `flows/self-assessment.yaml:${at}: error: step "passport" choice "employer" names the indicator "retention_of_document", which is not in flows/indicators.yaml. Did you mean "retention_of_documents"?`,
    ]);
    expect(core.conversations.engine).toBe(engineBefore);
    const turn = await core.conversations.handle('chat', { kind: 'choice', id: 'self' }, { channel: 'test' });
    expect(turn.failed).toBe(false);
    expect(questionText(turn.messages)).toBe(english('q.job_promised.text'));

    // Fixed again: reloaded. The flow is the same as before, so her conversation goes on where it was.
    const fixed = nextReload();
    edit('flows/self-assessment.yaml', (t) => t.replace('signals: [retention_of_document]', 'signals: [retention_of_documents]'));
    expect((await fixed).ok).toBe(true);
    expect(core.conversations.engine).not.toBe(engineBefore);
    const next = await core.conversations.handle('chat', { kind: 'choice', id: 'yes' }, { channel: 'test' });
    expect(next.messages.map((m) => m.type)).toEqual(['question']);
    expect(questionText(next.messages)).toBe(english('q.other_work.text'));
  });

  it('prints the warnings an edit brings, and only those', async () => {
    const self = english('q.passport.self');
    const long = `${self} myself, in my own bag, and nobody else touches it`;
    const reloaded = nextReload();
    edit('locales/en/messages.yaml', (t) => {
      expect(t).toContain(`    self: "${self}"\n`);
      return t.replace(`    self: "${self}"\n`, `    self: "${long}"\n`);
    });
    expect((await reloaded).ok).toBe(true);
    const lines = readFileSync(join(root, 'locales', 'en', 'messages.yaml'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(long)) + 1;
    expect(printed).toEqual([
      expect.stringMatching(/^reloaded flows and locales \(\d+ warnings, 1 of them new:\)$/),
      expect.stringMatching(
        new RegExp(
          `^locales/en/messages\\.yaml:${line}:\\d+: warning: the button "q\\.passport\\.self" is ${long.length + 3} characters wide with the "1\\." before it; a button on a phone shows about 40 `,
        ),
      ),
    ]);

    // The next save does not repeat it, even when lines above it moved.
    printed.length = 0;
    const again = nextReload();
    edit('locales/en/messages.yaml', (t) => `# a comment\n${t}`);
    expect((await again).ok).toBe(true);
    expect(printed).toEqual([expect.stringMatching(/none of them new/)]);
  });

  it('a misspelt step name prints that error, not one for every step it cuts off', async () => {
    // "wages" is reached only from "other_work": misspelt there, it cuts off every step after it.
    const refused = nextReload();
    edit('flows/self-assessment.yaml', (t) => {
      expect(t.match(/next: wages\n/g)).toHaveLength(1);
      return t.replace('next: wages\n', 'next: wagse\n');
    });
    const outcome = await refused;
    expect(outcome.ok).toBe(false);
    expect(printed).toHaveLength(3);
    expect(printed[0]).toMatch(/^not reloaded: \d+ errors in flows\/ or locales\/; the last good version keeps running$/);
    expect(printed[1]).toMatch(/^flows\/self-assessment\.yaml:\d+:\d+: error: step "other_work" points to "wagse", which does not exist\. Did you mean "wages"\?$/);
    expect(printed[2]).toMatch(/^flows\/self-assessment\.yaml: \d+ more errors are not shown: steps that cannot be reached/);
  });

  it('a changed flow starts conversations in progress again, politely', async () => {
    await core.conversations.handle('chat', { kind: 'start', lang: 'en' }, { channel: 'test' });
    const reloaded = nextReload();
    edit('flows/self-assessment.yaml', (t) => t.replace(/^version: (\d+)$/m, (_line, v: string) => `version: ${Number(v) + 1}`));
    expect((await reloaded).ok).toBe(true);
    const turn = await core.conversations.handle('chat', { kind: 'choice', id: 'self' }, { channel: 'test' });
    expect(turn.messages[0]).toEqual({ type: 'message', text: "The questions were updated. Let's start again." });
  });

  it('ignores files that are not YAML (editor swap files), and stops when closed', async () => {
    writeFileSync(join(root, 'flows', '.self-assessment.yaml.swp'), 'x');
    await new Promise((r) => setTimeout(r, 200));
    expect(printed).toEqual([]);
    live.close();
    edit('locales/en/messages.yaml', (t) => `${t}\n`);
    await new Promise((r) => setTimeout(r, 200));
    expect(printed).toEqual([]);
  });
});
