import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCore, loadCheckedBundle, PROJECT_ROOT } from '../../src/app.js';
import type { Bundle } from '../../src/bundle.js';
import { createLogger } from '../../src/log.js';
import { runConsoleChat } from '../../bots/console/console-chat.js';
import type { RenderedMessage } from '../../src/render.js';
import { shippedBundle } from '../helpers/bundle.js';
import { previewRoot } from '../preview/preview-root.js';

// English only: the other languages are checked in test/locales.test.ts.
const english = shippedBundle(['en']);
const logger = createLogger('silent');

async function chat(lines: string[], opts: { json: boolean; lang?: string; bundle?: Bundle }): Promise<string> {
  const bundle = opts.bundle ?? english;
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

/** Typed as a script would: the agency keeps her passport, she is not allowed to quit, she is not leaving today. */
const DONE_WHEN = [
  'agency', // passport
  'no', // bank_card
  'yes', // job_promised
  'no', // other_work
  'full', // wages
  'yes', // wage_amount
  'yes', // rest_day
  'yes', // holidays
  'up_to_12', // hours
  'yes', // food
  'own_room', // room
  'no', // agency_fee
  'no', // debt
  'yes', // go_out
  'yes', // phone
  'no', // threats
  'no', // violence
  'no', // can_quit: "no" means not allowed here
  'no', // leave_now
  'no', // kept_beyond
  'no', // fear
];
/** Up to the question "can you go out?", harmless answers. */
const TO_GO_OUT = ['self', 'yes', 'no', 'full', 'yes', 'yes', 'yes', 'up_to_12', 'yes', 'own_room', 'no', 'no'];

describe('terminal chat --json protocol', () => {
  it('writes one JSON object per line with the documented fields', async () => {
    const out = await chat(['1'], { json: true });
    const messages = out.trim().split('\n').map((l) => JSON.parse(l) as RenderedMessage);
    const language = messages[0]!;
    expect(language).toMatchObject({ type: 'question', id: 'language', choices: [{ id: 'en', label: 'English', signals: [], strong: [], possible: [] }] });
    expect(messages.map((m) => m.type)).toEqual(['question', 'message', 'question']);
    const passport = messages.at(-1)!;
    expect(passport).toMatchObject({ type: 'question', id: 'passport', text: 'Who keeps your passport?', indicators: ['retention_of_documents', 'debt_bondage'] });
    if (passport.type !== 'question') throw new Error('not a question');
    expect(Object.keys(passport).sort()).toEqual(['choices', 'hint', 'id', 'indicators', 'nav', 'text', 'type']);
    expect(passport.choices.find((c) => c.id === 'lender')).toEqual({
      id: 'lender',
      label: 'A money lender',
      signals: ['retention_of_documents', 'debt_bondage'],
      strong: ['retention_of_documents', 'debt_bondage'],
      possible: [],
    });
    expect(passport.choices.find((c) => c.id === 'self')).toEqual({ id: 'self', label: 'I keep it', signals: [], strong: [], possible: [] });
  });

  it('lists the languages once each, in the menu order the flow gives', async () => {
    // Every language that loads while translations are in progress (missing texts filled in from English).
    const { root, languages } = previewRoot();
    const all = loadCheckedBundle(root);
    expect(languages).toContain('en');
    const order = ['en', 'tl', 'id', 'zh-HK', 'th', 'ne', 'si', 'hi'].filter((code) => languages.includes(code));
    const language = JSON.parse((await chat([], { json: true, bundle: all })).trim().split('\n')[0]!) as RenderedMessage;
    if (language.type !== 'question') throw new Error('not a question');
    expect(language.choices.map((c) => c.id)).toEqual(order);
    expect([...order].sort()).toEqual([...all.localeCodes].sort());
    expect(language.choices[0]!.label).toBe('English');
  });

  it('marks urgent choices, with their strong and possible signs', async () => {
    const out = await chat(TO_GO_OUT, { json: true, lang: 'en' });
    const last = JSON.parse(out.trim().split('\n').at(-1)!) as RenderedMessage;
    expect(last).toMatchObject({ type: 'question', id: 'go_out' });
    if (last.type !== 'question') throw new Error('not a question');
    expect(last.choices.find((c) => c.id === 'locked_in')).toEqual({
      id: 'locked_in',
      label: 'No, I am locked in',
      urgent: true,
      signals: ['restriction_of_movement'],
      strong: ['restriction_of_movement'],
      possible: [],
    });
    expect(last.choices.find((c) => c.id === 'permission')).not.toHaveProperty('urgent');
  });

  it('an urgent answer shows 999 first and only confirmed contacts, then the offer to continue', async () => {
    const out = await chat([...TO_GO_OUT, 'locked'], { json: true, lang: 'en' });
    const messages = out.trim().split('\n').map((l) => JSON.parse(l) as RenderedMessage);
    const [screen, offer] = messages.slice(-2);
    expect(screen).toMatchObject({ type: 'message', contacts: ['police_emergency', 'mfmw'] });
    expect(screen!.text.startsWith('You may be in danger now. If you are hurt or in danger, call 999')).toBe(true);
    expect(screen!.text).toContain('• Mission for Migrant Workers: call 2522\u00a08264');
    for (const id of (screen as { contacts: string[] }).contacts) expect(english.contacts.contacts[id]!.status, id).toBe('confirmed');
    expect(offer).toMatchObject({ type: 'question', choices: [{ id: 'continue' }, { id: 'contacts' }, { id: 'exit' }] });
  });

  it('shows a human-readable numbered list without --json', async () => {
    const out = await chat([], { json: false, lang: 'en' });
    expect(out).toContain('\nWho keeps your passport?\n  1) I keep it\n  2) My employer\n');
    expect(out).toMatch(/\n {2}5\) Not sure\n {2}\(Type the number of your answer/);
  });
});

describe('npm run chat -- --json (the real command, as a script would use it)', () => {
  it('passport kept by the agency and not allowed to quit ends in forced_labour_signs, 999 first, with a trafficking NGO', async () => {
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
      indicators: ['retention_of_documents', 'cannot_leave'],
      possible: [],
      dimensions: { involuntary: ['cannot_leave'], coercion: ['retention_of_documents'] },
    });
    if (result?.type !== 'result') throw new Error('no result');
    // No urgent screen on the way: she is not leaving today.
    expect(messages.some((m) => m.type === 'message' && m.contacts !== undefined)).toBe(false);
    expect(result.contacts[0]).toBe('police_emergency');
    expect(result.summary[0]).toBe('police_emergency');
    expect(result.summary.length).toBeLessThanOrEqual(english.contacts.recommend.summary);
    expect(result.contacts.some((id) => english.contacts.contacts[id]!.helps_with.includes('trafficking'))).toBe(true);
    expect(result.text).toContain('• Police emergency: call 999');
    expect(messages.at(-1)).toMatchObject({ type: 'question', id: 'result', choices: [{ id: 'details' }, { id: 'contacts' }, { id: 'restart' }, { id: 'exit' }] });
  }, 30_000);
});
