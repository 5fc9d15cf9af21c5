import { describe, expect, it } from 'vitest';
import { harmlessAnswers, shippedBundle } from './helpers/bundle.js';
import { EngineDriver, HOUR, makeEngine } from './helpers/engine.js';
import type { RenderedMessage } from '../src/render.js';

const bundle = shippedBundle();
const { engine, renderer } = makeEngine(bundle);
const driver = () => new EngineDriver(engine, renderer);
const lastQuestion = (out: RenderedMessage[]) => out.filter((m) => m.type === 'question').at(-1) as Extract<RenderedMessage, { type: 'question' }>;

/** Answers every question with the harmless answer unless `answers` says otherwise, until the result. */
function walk(d: EngineDriver, answers: Record<string, string>): RenderedMessage[] {
  const chosen = harmlessAnswers(bundle, answers);
  const seen: RenderedMessage[] = [];
  for (let i = 0; i < 60; i++) {
    const q = d.question();
    if (q.id === 'result') return seen;
    const pick = q.id.includes('!urgent!') ? 'continue' : chosen[q.id];
    const out = d.send({ kind: 'choice', id: pick!, step: q.id });
    seen.push(...out);
    if (out.some((m) => m.type === 'result')) return seen;
  }
  throw new Error('no result after 60 turns');
}

describe('engine: starting', () => {
  it('asks the language first, then the privacy promise and the first question', () => {
    const d = driver();
    const first = d.send({ kind: 'start' });
    expect(first).toHaveLength(1);
    expect(lastQuestion(first).id).toBe('language');
    expect(lastQuestion(first).choices.map((c) => c.id)).toEqual(bundle.localeCodes);
    const next = d.send('1');
    expect(next.map((m) => m.type)).toEqual(['message', 'question']);
    expect(next[0]!.text).toContain('We do not ask your name');
    expect(lastQuestion(next).id).toBe('passport');
    expect(d.snapshot).toMatchObject({ step: 'passport', lang: 'en', answers: {} });
  });

  it('a deep-link language skips the language question and keeps the campaign until completion', () => {
    const d = driver();
    const out = d.send({ kind: 'start', lang: 'en', campaign: 'mfmw2026' });
    expect(lastQuestion(out).id).toBe('passport');
    expect(d.snapshot?.campaign).toBe('mfmw2026');
    expect(d.last?.events).toEqual([{ type: 'started', lang: 'en', campaign: 'mfmw2026' }]);
    walk(d, {});
    expect(d.last?.events[0]).toMatchObject({ type: 'completed', campaign: 'mfmw2026', level: 'no_signs' });
    expect(d.snapshot?.campaign).toBeUndefined();
  });

  it('an invalid deep-link payload is ignored', () => {
    const d = driver();
    const out = d.send({ kind: 'start', lang: 'xx', campaign: 'bad code!' });
    expect(lastQuestion(out).id).toBe('language');
    expect(d.snapshot?.campaign).toBeUndefined();
  });
});

describe('engine: the snapshot holds only ids', () => {
  it('contains nothing typed by the user and only the documented fields', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('Maria Santos +852 6123 4567');
    d.send('My agency');
    d.send('2');
    const json = JSON.stringify(d.snapshot);
    expect(json).not.toContain('Maria');
    expect(json).not.toContain('6123');
    expect(json).not.toContain('My agency');
    expect(Object.keys(d.snapshot!).sort()).toEqual(['answers', 'flow', 'hash', 'lang', 'started', 'step', 'updated', 'v', 'ver']);
    expect(d.snapshot!.answers).toEqual({ passport: 'agency', job_promised: 'no' });
  });
});

describe('engine: bad input gets a clear re-prompt and changes nothing', () => {
  const cases: [string, string][] = [
    ['an empty line', ''],
    ['5,000 characters', 'x'.repeat(5000)],
    ['emoji only', '🙂🙏🏽'],
    ['an unknown command', '/whatever'],
    ['a number out of range', '9'],
    ['zero', '0'],
    ['a word that is no answer', 'banana'],
  ];
  it.each(cases)('%s', (_name, text) => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const before = JSON.stringify(d.snapshot);
    const out = d.send(text);
    expect(d.last?.changed).toBe(false);
    expect(JSON.stringify(d.snapshot)).toBe(before);
    expect(out[0]?.type).toBe('message');
    expect(out[0]!.text).toMatch(/did not understand|don't know that command/);
    expect(lastQuestion(out).id).toBe('passport');
  });

  it('a sticker or voice note gets the "please choose one of the answers" line', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const before = JSON.stringify(d.snapshot);
    const out = d.send({ kind: 'unsupported' });
    expect(out[0]!.text).toContain('not pictures, voice or stickers');
    expect(JSON.stringify(d.snapshot)).toBe(before);
  });

  it('a button from an earlier question says so and shows the current one', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send({ kind: 'choice', id: 'self', step: 'passport' });
    const before = JSON.stringify(d.snapshot);
    const out = d.send({ kind: 'choice', id: 'employer', step: 'passport' });
    expect(out[0]!.text).toContain('already answered');
    expect(lastQuestion(out).id).toBe('job_promised');
    expect(JSON.stringify(d.snapshot)).toBe(before);
  });
});

describe('engine: typed answers', () => {
  it.each([
    ['2', 'employer'],
    ['２', 'employer'],
    ['२', 'employer'], // Devanagari (Nepali, Hindi)
    ['๒', 'employer'], // Thai
    ['২', 'employer'], // Bengali
    ['My agency', 'agency'],
    ['  my AGENCY!! ', 'agency'],
    ['not sure', 'unsure'],
    ['self', 'self'],
  ])('"%s" answers %s', (text, choice) => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send(text);
    expect(d.snapshot!.answers.passport).toBe(choice);
  });

  it('accepted words work on yes/no questions with their own labels', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('1');
    d.send('nope');
    expect(d.snapshot!.answers.job_promised).toBe('no');
  });
});

describe('engine: commands on every step', () => {
  it('exit wipes the session from any step', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('1');
    const out = d.send('EXIT');
    expect(d.snapshot).toBeNull();
    expect(out).toEqual([{ type: 'message', text: 'Chat ended.', exit: true }]);
    expect(d.last?.events).toEqual([{ type: 'exited', lang: 'en' }]);
  });

  it('contacts and help show numbers and return to the same question, unchanged', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const before = JSON.stringify(d.snapshot);
    for (const word of ['contacts', '/help', 'HELP']) {
      const out = d.send(word);
      expect(out[0]!.text).toContain('999');
      expect(lastQuestion(out).id).toBe('passport');
      expect(JSON.stringify(d.snapshot)).toBe(before);
    }
  });

  it('restart forgets the answers and keeps the language', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('2');
    const out = d.send('restart');
    expect(d.snapshot).toMatchObject({ step: 'passport', answers: {}, lang: 'en' });
    expect(lastQuestion(out).id).toBe('passport');
  });

  it('language can be changed mid-way and the same question comes back', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('2');
    const ask = d.send('language');
    expect(lastQuestion(ask).choices.map((c) => c.id)).toEqual(bundle.localeCodes);
    const out = d.send('English');
    expect(lastQuestion(out).id).toBe('job_promised');
    expect(d.snapshot).toMatchObject({ lang: 'en', answers: { passport: 'employer' } });
    expect(d.snapshot!.overlay).toBeUndefined();
  });
});

describe('engine: urgent answers show emergency help at once', () => {
  it('locked in: 999 and a contact before any more questions, then an offer to continue', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walkTo(d, 'go_out');
    const out = d.send({ kind: 'choice', id: 'locked_in', step: 'go_out' });
    expect(out[0]!.type).toBe('message');
    expect(out[0]!.text).toContain('999');
    expect(out[0]).toMatchObject({ contacts: ['police_emergency', 'help_dw'] });
    const q = lastQuestion(out);
    expect(q.choices.map((c) => c.id)).toEqual(['continue', 'contacts', 'exit']);
    const next = d.send('1');
    expect(lastQuestion(next).id).toBe('phone');
  });

  function walkTo(d: EngineDriver, step: string) {
    const chosen = harmlessAnswers(bundle);
    while (d.question().id !== step) d.send({ kind: 'choice', id: chosen[d.question().id]!, step: d.question().id });
  }
});

describe('engine: results', () => {
  it('the Done-when case ends in forced-labour signs with the emergency number and a trafficking NGO', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const out = walk(d, { passport: 'agency', can_quit: 'no', leave_now: 'no' });
    const result = out.find((m) => m.type === 'result');
    expect(result).toMatchObject({
      type: 'result',
      level: 'forced_labour_signs',
      indicators: ['retention_of_documents', 'cannot_leave'],
      dimensions: { involuntary: ['cannot_leave'], coercion: ['retention_of_documents'] },
    });
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.contacts).toContain('police_emergency');
    expect(result.contacts).toContain('mfmw');
    expect(result.text).toContain('999');
    expect(result.text).not.toMatch(/you are a victim/i);
    expect(lastQuestion(out).choices.map((c) => c.id)).toEqual(['contacts', 'restart', 'exit']);
  });

  it('after the result, "start again" restarts and "contacts" shows numbers', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walk(d, {});
    const contacts = d.send('1');
    expect(contacts[0]!.text).toContain('999');
    expect(d.snapshot!.step).toBe('result');
    d.send('2');
    expect(d.snapshot).toMatchObject({ step: 'passport', answers: {} });
  });
});

describe('engine: time and flow changes', () => {
  it('after a long pause she is asked to continue or start again', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('2');
    const out = d.send('1', 2 * HOUR);
    expect(lastQuestion(out).choices.map((c) => c.id)).toEqual(['resume', 'restart']);
    expect(d.snapshot!.answers).toEqual({ passport: 'employer' });
    const back = d.send('1');
    expect(lastQuestion(back).id).toBe('job_promised');
  });

  it('a session idle past the TTL is forgotten', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('2');
    const out = d.send('1', 25 * HOUR);
    expect(lastQuestion(out).id).toBe('language');
    expect(d.snapshot!.answers).toEqual({});
  });

  it('a snapshot from another version of the flow restarts politely', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.send('2');
    d.snapshot = { ...d.snapshot!, hash: 'older-flow' };
    const out = d.send('1');
    expect(out[0]!.text).toContain('questions were updated');
    expect(d.snapshot).toMatchObject({ step: 'passport', answers: {}, lang: 'en' });
  });

  it('a snapshot pointing at a step that does not exist restarts politely instead of sitting in error', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    d.snapshot = { ...d.snapshot!, step: 'removed_step' };
    const out = d.send({ kind: 'choice', id: 'self' });
    expect(out.some((m) => m.text.includes('questions were updated'))).toBe(true);
    expect(d.snapshot!.step).toBe('passport');
  });
});
