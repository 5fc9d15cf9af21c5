import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCore, loadCheckedBundle, PROJECT_ROOT } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { runConsoleChat } from '../../bots/console/console-chat.js';
import type { RenderedMessage } from '../../src/render.js';

const bundle = loadCheckedBundle();
const logger = createLogger('silent');

async function chat(lines: string[], opts: { json: boolean; lang?: string }): Promise<string> {
  const core = createCore({ bundle, config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 }, logger });
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  const done = runConsoleChat({ conversations: core.conversations, chatRef: 'test', json: opts.json, lang: opts.lang, input, output });
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return text;
}

const DONE_WHEN = ['agency', 'yes', 'no', 'full', 'yes', 'yes', 'up_to_12', 'yes', 'own_room', 'no', 'no', 'yes', 'yes', 'no', 'no', 'no', 'no', 'no'];

describe('terminal chat --json protocol', () => {
  it('writes one JSON object per line with the documented fields', async () => {
    const out = await chat(['1'], { json: true });
    const messages = out.trim().split('\n').map((l) => JSON.parse(l) as RenderedMessage);
    const language = messages[0]!;
    expect(language).toMatchObject({ type: 'question', id: 'language' });
    if (language.type !== 'question') throw new Error('not a question');
    // Every language once, in the menu order the flow gives (flows/self-assessment.yaml, step "language").
    const langStep = bundle.flows.get(bundle.defaultFlowId)!.steps.get('language');
    expect(langStep?.type === 'language' && langStep.order).toEqual(['en', 'tl', 'id', 'zh-HK', 'th', 'ne', 'si', 'hi']);
    expect(language.choices.map((c) => c.id)).toEqual(langStep?.type === 'language' ? langStep.order : []);
    expect([...language.choices.map((c) => c.id)].sort()).toEqual([...bundle.localeCodes].sort());
    const passport = messages.at(-1)!;
    expect(passport).toMatchObject({ type: 'question', id: 'passport', indicators: ['retention_of_documents', 'debt_bondage'] });
    if (passport.type !== 'question') throw new Error('not a question');
    expect(passport.choices.find((c) => c.id === 'lender')).toEqual({ id: 'lender', label: 'A money lender', signals: ['retention_of_documents', 'debt_bondage'] });
    expect(passport.choices.find((c) => c.id === 'self')?.signals).toEqual([]);
  });

  it('marks urgent choices', async () => {
    const out = await chat(['self', 'yes', 'no', 'full', 'yes', 'yes', 'up_to_12', 'yes', 'own_room', 'no', 'no'], { json: true, lang: 'en' });
    const last = JSON.parse(out.trim().split('\n').at(-1)!) as RenderedMessage;
    expect(last).toMatchObject({ type: 'question', id: 'go_out' });
    if (last.type !== 'question') throw new Error('not a question');
    expect(last.choices.find((c) => c.id === 'locked_in')).toMatchObject({ urgent: true, signals: ['restriction_of_movement'] });
  });

  it('shows a human-readable numbered list without --json', async () => {
    const out = await chat([], { json: false, lang: 'id' });
    expect(out).toMatch(/\n {2}1\) .+\n {2}2\) /);
  });
});

describe('npm run chat -- --json (the real command, as a script would use it)', () => {
  it('passport kept by the agency and not free to quit ends in forced_labour_signs with 999 and a trafficking NGO', async () => {
    const run = promisify(execFile);
    const child = run('node', ['--import', 'tsx', 'bots/console/main.ts', '--json', '--lang', 'en'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'silent' },
    });
    child.child.stdin!.end(DONE_WHEN.join('\n') + '\n');
    const { stdout } = await child;
    const messages = stdout.trim().split('\n').map((l) => JSON.parse(l) as RenderedMessage);
    const result = messages.find((m) => m.type === 'result');
    expect(result).toMatchObject({
      level: 'forced_labour_signs',
      indicators: expect.arrayContaining(['retention_of_documents', 'cannot_leave']),
      dimensions: { involuntary: ['cannot_leave'], coercion: ['retention_of_documents'] },
    });
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.contacts).toContain('police_emergency');
    expect(result.contacts.some((id) => bundle.contacts.contacts[id]!.helps_with.includes('trafficking'))).toBe(true);
  }, 30_000);
});
