import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/app.js';
import { loadBundle, type Bundle } from '../src/bundle.js';
import { formatProblem } from '../src/problems.js';
import type { RenderedMessage } from '../src/render.js';
import { harmlessAnswers, shippedBundle } from './helpers/bundle.js';
import { EngineDriver, HOUR, makeEngine } from './helpers/engine.js';
import { fixtureRoot } from './helpers/fixture-root.js';

const bundle = shippedBundle(['en']);
const { engine, renderer, translator } = makeEngine(bundle);
const driver = () => new EngineDriver(engine, renderer);
const lastQuestion = (out: RenderedMessage[]) => out.filter((m) => m.type === 'question').at(-1) as Extract<RenderedMessage, { type: 'question' }>;
type Result = Extract<RenderedMessage, { type: 'result' }>;
const resultOf = (out: RenderedMessage[]): Result => {
  const r = out.find((m) => m.type === 'result');
  if (r?.type !== 'result') throw new Error('no result');
  return r;
};
const message = (m: RenderedMessage | undefined): Extract<RenderedMessage, { type: 'message' }> => {
  if (m?.type !== 'message') throw new Error(`not a message: ${JSON.stringify(m)}`);
  return m;
};
const en = (key: string) => translator.t('en', key);
/** A number as the worker sees it: its spaces are no-break spaces (U+00A0), so it never wraps. */
const nb = (number: string) => number.replace(/ /g, '\u00a0');
const contact = (id: string) => bundle.contacts.contacts[id]!;
const DAY = 24 * HOUR;
const verifiedAt = (id: string) => {
  const v = contact(id).verified;
  return Date.parse(`${typeof v === 'string' ? v : v.toISOString().slice(0, 10)}T00:00:00Z`);
};
const confirmedNow = (id: string, now: number) =>
  contact(id).status === 'confirmed' && now - verifiedAt(id) <= bundle.contacts.confirm_every_days * DAY;

/** Answers every question with the harmless answer unless `answers` says otherwise, until the result. */
function walk(d: EngineDriver, answers: Record<string, string>, b: Bundle = bundle): RenderedMessage[] {
  const chosen = harmlessAnswers(b, answers);
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
    expect(d.last?.events).toEqual([
      { type: 'started', lang: 'en', campaign: 'mfmw2026' },
      { type: 'reached', lang: 'en', step: 'passport' },
    ]);
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
    d.send('Yes, someone else has it');
    d.send('2');
    const json = JSON.stringify(d.snapshot);
    expect(json).not.toContain('Maria');
    expect(json).not.toContain('6123');
    expect(json).not.toContain('My agency');
    expect(json).not.toContain('someone else');
    expect(Object.keys(d.snapshot!).sort()).toEqual(['answers', 'flow', 'hash', 'lang', 'started', 'step', 'updated', 'v', 'ver']);
    expect(d.snapshot!.answers).toEqual({ passport: 'agency', bank_card: 'yes', job_promised: 'no' });
  });
});

describe('engine: bad input gets a clear re-prompt and changes nothing', () => {
  const cases: [string, string, string][] = [
    ['an empty line', '', 'input.tap_a_choice'],
    ['5,000 characters', 'x'.repeat(5000), 'input.tap_a_choice'],
    ['emoji only', '🙂🙏🏽', 'input.tap_a_choice'],
    ['an unknown command', '/whatever', 'input.unknown_command'],
    ['a number out of range', '9', 'input.tap_a_choice'],
    ['zero', '0', 'input.tap_a_choice'],
    ['a word that is no answer', 'banana', 'input.tap_a_choice'],
  ];
  it.each(cases)('%s', (_name, text, key) => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const before = JSON.stringify(d.snapshot);
    const out = d.send(text);
    expect(d.last?.changed).toBe(false);
    expect(JSON.stringify(d.snapshot)).toBe(before);
    expect(out[0]).toEqual({ type: 'message', text: en(key) });
    expect(out[0]!.text).toMatch(key === 'input.unknown_command' ? /^I don't know that word\./ : /^Sorry, I did not understand\./);
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

  it('"I don\'t want to answer" typed as words at the violence question picks prefer_not: a possible sign, no urgent screen', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walkTo(d, 'violence');
    const q = d.question();
    expect(q.choices.map((c) => c.id)).toEqual(['no', 'still', 'past', 'prefer_not']);
    expect(q.choices.find((c) => c.id === 'prefer_not')).toMatchObject({
      label: "I don't want to answer",
      strong: [],
      possible: ['physical_sexual_violence'],
    });
    const out = d.send("I don't want to answer");
    expect(d.snapshot!.answers.violence).toBe('prefer_not');
    expect(d.snapshot!.step).toBe('can_quit');
    expect(out.map((m) => m.type)).toEqual(['question']);
    expect(out.some((m) => m.text.includes('danger'))).toBe(false);
  });

  it.each([
    ['no', 'not_allowed', 'leave_now'],
    ["I can't", 'not_allowed', 'leave_now'],
    ['free', 'yes', 'fear'],
    ['Allowed, but I would lose too much', 'too_costly', 'kept_beyond'],
    ['not sure', 'unsure', 'fear'],
  ])('"%s" at "can you quit?" answers %s and asks %s next', (text, choice, next) => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walkTo(d, 'can_quit');
    d.send(text);
    expect(d.snapshot!.answers.can_quit).toBe(choice);
    expect(d.snapshot!.step).toBe(next);
  });
});

/** Answers harmlessly until `step` is asked. */
function walkTo(d: EngineDriver, step: string, answers: Record<string, string> = {}) {
  const chosen = harmlessAnswers(bundle, answers);
  for (let i = 0; d.question().id !== step; i++) {
    if (i > 60) throw new Error(`never reached ${step}`);
    const q = d.question();
    d.send({ kind: 'choice', id: q.id.includes('!urgent!') ? 'continue' : chosen[q.id]!, step: q.id });
  }
}

describe('engine: follow-up questions', () => {
  it('asks about the bank card only when someone else has her passport', () => {
    for (const [passport, next] of [
      ['self', 'job_promised'],
      ['employer', 'bank_card'],
      ['agency', 'bank_card'],
      ['lender', 'bank_card'],
      ['unsure', 'bank_card'],
    ]) {
      const d = driver();
      d.send({ kind: 'start', lang: 'en' });
      const out = d.send({ kind: 'choice', id: passport!, step: 'passport' });
      expect(lastQuestion(out).id, passport).toBe(next);
    }
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const out = d.send({ kind: 'choice', id: 'employer', step: 'passport' });
    expect(lastQuestion(out)).toMatchObject({ text: 'Does someone else keep your bank card or ATM card?' });
    expect(lastQuestion(out).choices.map((c) => [c.id, c.strong, c.possible])).toEqual([
      ['no', [], []],
      ['yes', ['retention_of_documents', 'withholding_of_wages'], []],
      ['unsure', [], ['withholding_of_wages']],
    ]);
    d.send('yes');
    expect(d.snapshot).toMatchObject({ step: 'job_promised', answers: { passport: 'employer', bank_card: 'yes' } });
  });

  it('each rendered choice lists its strong and possible signs beside all its signals', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walkTo(d, 'camera', { go_out: 'watched' });
    const yes = d.question().choices.find((c) => c.id === 'yes')!;
    expect(yes).toEqual({
      id: 'yes',
      label: 'Yes',
      signals: ['unsuitable_accommodation', 'restriction_of_movement'],
      strong: ['unsuitable_accommodation'],
      possible: ['restriction_of_movement'],
    });
  });

  it('"not paid at all" is withheld wages and pay below the minimum, and asks about the receipt', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walkTo(d, 'wages');
    const out = d.send('It is not paid at all');
    expect(d.snapshot!.answers.wages).toBe('not_paid');
    expect(lastQuestion(out).id).toBe('wage_receipt');
    const result = resultOf(walk(d, { wages: 'not_paid' }));
    expect(result.indicators).toEqual(['withholding_of_wages', 'wage_below_minimum']);
    expect(result.level).toBe('forced_labour_signs');
    expect(result.contacts).toContain('ld_wage_default');
  });

  it('fear of leaving is only ever a possible sign; what she fears decides the strong sign', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walkTo(d, 'fear');
    const fear = d.question();
    for (const c of fear.choices) expect(c.strong, c.id).toEqual([]);
    expect(fear.choices.find((c) => c.id === 'yes')?.possible).toEqual(['fear_of_leaving']);
    const out = d.send('yes');
    expect(lastQuestion(out).id).toBe('fear_what');

    const other = resultOf(walk(d, { fear: 'yes', fear_what: 'other' }));
    expect(other).toMatchObject({ level: 'no_signs', indicators: [], possible: ['fear_of_leaving'] });

    const harm = driver();
    harm.send({ kind: 'start', lang: 'en' });
    const threatened = resultOf(walk(harm, { fear: 'yes', fear_what: 'harm' }));
    expect(threatened).toMatchObject({ level: 'rights_violations', indicators: ['intimidation_threats'], possible: ['fear_of_leaving'] });
  });

  it('"too costly to quit" is a possible sign and asks about being kept beyond the contract, not about leaving today', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const out = walk(d, { can_quit: 'too_costly' });
    expect(out.filter((m) => m.type === 'question').map((m) => (m as { id: string }).id)).not.toContain('leave_now');
    expect(out.filter((m) => m.type === 'question').map((m) => (m as { id: string }).id)).toContain('kept_beyond');
    expect(resultOf(out)).toMatchObject({ level: 'no_signs', indicators: [], possible: ['cannot_leave'] });
  });

  it('violence that has stopped is a strong sign without the urgent screen; violence still happening is urgent', () => {
    const past = driver();
    past.send({ kind: 'start', lang: 'en' });
    const pastOut = walk(past, { violence: 'past' });
    expect(pastOut.some((m) => m.type === 'message' && m.text.startsWith(en('urgent.text').slice(0, 20)))).toBe(false);
    expect(resultOf(pastOut)).toMatchObject({ level: 'rights_violations', indicators: ['physical_sexual_violence'] });

    const still = driver();
    still.send({ kind: 'start', lang: 'en' });
    walkTo(still, 'violence');
    const out = still.send('it still happens');
    expect(still.snapshot!.answers.violence).toBe('still');
    expect(out[0]).toMatchObject({ type: 'message', contacts: ['police_emergency', 'rainlily'] });
    expect(out[0]!.text.startsWith('You may be in danger now. If you are hurt or in danger, call 999')).toBe(true);
  });
});

describe('engine: "reached" events (where workers stop)', () => {
  const reached = (d: EngineDriver): string[] => (d.last?.events ?? []).flatMap((e) => (e.type === 'reached' ? [e.step] : []));

  it('counts a question once, when the flow first moves to it, in the language chosen', () => {
    const d = driver();
    d.send({ kind: 'start' });
    expect(reached(d)).toEqual([]); // the language menu is not a question of the flow
    d.send('1');
    expect(d.last?.events).toEqual([{ type: 'reached', lang: 'en', step: 'passport' }]);
    // An unclear answer, help, a language change and an old button show it again: not counted again.
    for (const input of ['what?', '/help', '/language', '1']) {
      d.send(input);
      expect(reached(d), input).toEqual([]);
    }
    expect(d.question().id).toBe('passport');
    d.send({ kind: 'choice', id: 'self', step: 'passport' });
    expect(reached(d)).toEqual(['job_promised']);
  });

  it('every question on the way to the result is counted exactly once, and a restart counts again', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const steps: string[] = [...reached(d)];
    const chosen = harmlessAnswers(bundle, {});
    while (d.question().id !== 'result') {
      const q = d.question();
      d.send({ kind: 'choice', id: chosen[q.id]!, step: q.id });
      steps.push(...reached(d));
    }
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toContain('rest_day');
    expect(steps.length).toBeGreaterThan(5);
    d.send('/restart');
    expect(reached(d)).toEqual(['passport']);
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
    expect(lastQuestion(out).id).toBe('bank_card');
    expect(d.snapshot).toMatchObject({ lang: 'en', answers: { passport: 'employer' } });
    expect(d.snapshot!.overlay).toBeUndefined();
  });
});

describe('engine: urgent answers show emergency help at once', () => {
  it('locked in: 999 first and confirmed contacts before any more questions, then an offer to continue', () => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    walkTo(d, 'go_out');
    const out = d.send({ kind: 'choice', id: 'locked_in', step: 'go_out' });
    expect(out[0]!.type).toBe('message');
    expect(out[0]!.text.startsWith('You may be in danger now. If you are hurt or in danger, call 999')).toBe(true);
    expect(out[0]).toMatchObject({ contacts: ['police_emergency', 'mfmw'] });
    expect(out[0]!.text).toContain(`• Police emergency: call 999\n`);
    expect(out[0]!.text).toContain(`• Mission for Migrant Workers: call ${nb(contact('mfmw').phone)}\n`);
    const q = lastQuestion(out);
    expect(q.choices.map((c) => c.id)).toEqual(['continue', 'contacts', 'exit']);
    const next = d.send('1');
    expect(lastQuestion(next).id).toBe('phone');
  });

  // The shipped flow with the contacts of "locked in" replaced: a maintainer's mistake the screen must survive.
  const withLockedInContacts = (ids: string) => {
    const text = readFileSync(join(PROJECT_ROOT, 'flows', 'self-assessment.yaml'), 'utf8');
    const lockedIn = text.indexOf('id: locked_in');
    const at = text.indexOf('contacts: [police_emergency, mfmw]', lockedIn);
    expect(lockedIn).toBeGreaterThan(0);
    expect(at).toBeGreaterThan(lockedIn);
    const edited = `${text.slice(0, at)}contacts: ${ids}${text.slice(at + 'contacts: [police_emergency, mfmw]'.length)}`;
    const { bundle: b, problems } = loadBundle({ root: fixtureRoot(edited, ['en']) });
    if (!b) throw new Error(problems.map(formatProblem).join('\n'));
    return b;
  };
  function lockedInScreen(b: Bundle, now?: number) {
    const { engine: e, renderer: r } = makeEngine(b);
    const d = new EngineDriver(e, r);
    if (now !== undefined) d.now = now;
    d.send({ kind: 'start', lang: 'en' });
    const chosen = harmlessAnswers(b);
    while (d.question().id !== 'go_out') d.send({ kind: 'choice', id: chosen[d.question().id]!, step: d.question().id });
    return d.send({ kind: 'choice', id: 'locked_in', step: 'go_out' })[0]!;
  }

  it('shows only confirmed contacts, 999 first, whatever order the flow lists them in', () => {
    expect(contact('help_dw').status).not.toBe('confirmed');
    expect(contact('bethune').status).not.toBe('confirmed');
    const screen = lockedInScreen(withLockedInContacts('[help_dw, mfmw, bethune, police_emergency]'));
    expect(screen).toMatchObject({ type: 'message', contacts: ['police_emergency', 'mfmw'] });
    expect(screen.text.indexOf('call 999')).toBeLessThan(screen.text.indexOf('Mission for Migrant Workers'));
    expect(screen.text).not.toContain('HELP for Domestic Workers');
    expect(screen.text).not.toContain(nb(contact('help_dw').phone));
    expect(screen.text).not.toContain('Bethune');
  });

  it('a confirmed contact not checked again within confirm_every_days is left off; 999 always stays', () => {
    const b = withLockedInContacts('[police_emergency, mfmw]');
    const tooLate = verifiedAt('mfmw') + (bundle.contacts.confirm_every_days + 2) * DAY;
    expect(lockedInScreen(b, tooLate - 10 * DAY)).toMatchObject({ contacts: ['police_emergency', 'mfmw'] });
    expect(lockedInScreen(b, tooLate)).toMatchObject({ contacts: ['police_emergency'] });
  });

  it('an urgent result shows only confirmed contacts, also where an ordinary result shows an unconfirmed one', () => {
    // A lender keeping her passport is debt bondage: Enrich (not yet confirmed) is recommended ...
    expect(contact('enrich').status).not.toBe('confirmed');
    const ordinary = driver();
    ordinary.send({ kind: 'start', lang: 'en' });
    const plain = resultOf(walk(ordinary, { passport: 'lender' }));
    expect(plain.contacts).toContain('enrich');

    // ... but not when she is in danger now.
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const urgent = resultOf(walk(d, { passport: 'lender', violence: 'still' }));
    expect(urgent.level).toBe('urgent');
    expect(urgent.indicators).toContain('debt_bondage');
    expect(urgent.contacts[0]).toBe('police_emergency');
    expect(urgent.summary[0]).toBe('police_emergency');
    for (const id of urgent.contacts) expect(confirmedNow(id, d.now), id).toBe(true);
    expect(urgent.contacts).not.toContain('enrich');
    expect(urgent.contacts).toContain('rainlily');
    expect(urgent.text).not.toContain('Enrich');
    const details = d.send({ kind: 'choice', id: 'details', step: 'result' })[0]!;
    expect(details).toMatchObject({ type: 'message', details: true, contacts: urgent.contacts });
    expect(details.text).not.toContain('Enrich');
  });
});

describe('engine: results', () => {
  const r = bundle.contacts.recommend;
  /** The block of contact lines under a title, up to the next blank line. */
  const section = (text: string, title: string) => {
    const at = text.indexOf(`${title}\n`);
    expect(at, `"${title}" in the text`).toBeGreaterThanOrEqual(0);
    const rest = text.slice(at + title.length + 1);
    return rest.split('\n\n')[0]!;
  };
  const finish = (answers: Record<string, string>) => {
    const d = driver();
    d.send({ kind: 'start', lang: 'en' });
    const out = walk(d, answers);
    return { d, out, result: resultOf(out) };
  };

  it('the Done-when case (agency keeps the passport, not allowed to quit, not leaving today) ends in forced-labour signs, 999 first', () => {
    const { out, result } = finish({ passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' });
    expect(result).toMatchObject({
      type: 'result',
      level: 'forced_labour_signs',
      indicators: ['retention_of_documents', 'cannot_leave'],
      possible: [],
      dimensions: { involuntary: ['cannot_leave'], coercion: ['retention_of_documents'] },
    });
    // No urgent screen on the way: she is not leaving today.
    expect(out.some((m) => m.type === 'message' && m.contacts !== undefined)).toBe(false);
    expect(result.contacts[0]).toBe('police_emergency');
    expect(result.summary[0]).toBe('police_emergency');
    expect(result.contacts).toContain('mfmw');
    expect(result.contacts.some((id) => contact(id).helps_with.includes('trafficking'))).toBe(true);
    expect(result.text).toContain('Your answers show serious signs of forced labour.');
    expect(result.text).toContain('Your answers show 2 signs to look at:\n• Someone else keeps your documents\n• You are not free to end your job');
    expect(result.text).toContain('• Police emergency: call 999');
    expect(result.text).not.toContain('Good.');
    expect(result.text).not.toMatch(/you are a victim/i);
    expect(lastQuestion(out).choices.map((c) => c.id)).toEqual(['details', 'contacts', 'restart', 'exit']);
    expect(lastQuestion(out).choices[0]!.label).toBe('My rights and all numbers');
  });

  it('danger now comes first, but an urgent result still says when the answers also show forced labour', () => {
    const both = finish({ passport: 'agency', can_quit: 'not_allowed', leave_now: 'yes' });
    expect(both.out.some((m) => m.type === 'message' && m.text.startsWith(en('urgent.text').slice(0, 30)))).toBe(true);
    expect(both.result).toMatchObject({
      level: 'urgent',
      dimensions: { involuntary: ['cannot_leave'], coercion: ['restriction_of_movement', 'retention_of_documents'] },
    });
    expect(both.result.text).toContain(`⚠ You may be in danger now.\n${en('result.level.urgent.text')}`);
    expect(both.result.text).toContain(en('result.also_forced_labour'));

    const dangerOnly = finish({ violence: 'still' }).result;
    expect(dangerOnly.level).toBe('urgent');
    expect(dangerOnly.text).not.toContain(en('result.also_forced_labour'));
  });

  it('the short result lists at most recommend.summary contacts, 999 first, and only those', () => {
    expect(r.summary).toBeLessThan(r.max);
    const cases: Record<string, string>[] = [
      {},
      { violence: 'prefer_not' },
      { passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' },
      { passport: 'lender', wages: 'not_paid', violence: 'past', debt: 'yes', debt_from: 'employer', debt_tied: 'cannot_leave' },
      { passport: 'lender', go_out: 'locked_in', violence: 'still' },
    ];
    let longer = 0;
    for (const answers of cases) {
      const { result } = finish(answers);
      const name = JSON.stringify(answers);
      expect(result.summary.length, name).toBeLessThanOrEqual(r.summary);
      expect(result.summary[0], name).toBe('police_emergency');
      expect(new Set(result.summary).size, name).toBe(result.summary.length);
      for (const id of result.summary) expect(result.contacts, name).toContain(id);
      if (result.contacts.length > result.summary.length) longer++;
      // The text lists exactly the summary, in its order; the other contacts wait behind the details button.
      const first = section(result.text, en('result.contacts_title'));
      const names = [...first.matchAll(/^• ([^:]+):/gm)].map((m) => m[1]);
      expect(names, name).toEqual(result.summary.map((id) => translator.t('en', `contact.${id}.name`)));
      for (const id of result.contacts.filter((c) => !result.summary.includes(c))) {
        expect(result.text, `${name}: ${id}`).not.toContain(translator.t('en', `contact.${id}.name`));
      }
      expect(result.text).toContain(en('result.more_hint'));
    }
    expect(longer).toBeGreaterThan(0);
  });

  it('"Good." only when there are no signs at all; possible signs get their own words', () => {
    const none = finish({}).result;
    expect(none).toMatchObject({ level: 'no_signs', indicators: [], possible: [] });
    expect(none.text).toContain('Your answers do not show clear signs of a problem.\nGood.');
    expect(none.text).not.toContain(en('result.possible_title'));

    const unsure = finish({ violence: 'prefer_not' }).result;
    expect(unsure).toMatchObject({ level: 'no_signs', indicators: [], possible: ['physical_sexual_violence'] });
    expect(unsure.text).not.toContain('Good.');
    expect(unsure.text).toContain(`Your answers do not show clear signs of a problem.\n${en('result.level.no_signs.text_possible')}`);
    expect(unsure.text).toContain(`${en('result.possible_title')}\n• Violence or sexual abuse`);
    // Her unanswered question still brings the contact for it into the full list.
    expect(unsure.contacts).toContain('rainlily');

    const rights = finish({ rest_day: 'no', sick: 'cared_for' }).result;
    expect(rights.level).toBe('rights_violations');
    expect(rights.text).not.toContain('Good.');
  });

  it('the details button shows the right for every sign, strong and possible, and every recommended contact', () => {
    const answers = { passport: 'lender', wages: 'late', rest_day: 'no', sick: 'must_pay', violence: 'prefer_not', can_quit: 'too_costly' };
    const { d, result } = finish(answers);
    const signs = [...result.indicators, ...result.possible];
    expect(result.indicators.length).toBeGreaterThan(1);
    expect(result.possible.length).toBeGreaterThan(1);
    // The short result names the signs but keeps the rights for the details.
    for (const id of signs) expect(result.text).not.toContain(translator.t('en', `indicator.${id}.right`));
    expect(result.contacts.length).toBeGreaterThan(result.summary.length);

    const before = JSON.stringify(d.snapshot);
    const out = d.send('My rights and all numbers');
    expect(out.map((m) => m.type)).toEqual(['message', 'question']);
    const details = out[0]!;
    expect(details).toMatchObject({ type: 'message', details: true, contacts: result.contacts });
    expect(details.text.startsWith(`${en('result.signs_title')}\n`)).toBe(true);
    for (const id of signs) {
      expect(details.text, id).toContain(`• ${translator.t('en', `indicator.${id}.name`)}\n  ${translator.t('en', `indicator.${id}.right`)}`);
    }
    const all = section(details.text, en('result.all_contacts_title'));
    expect(all).toBe(renderer.contactLines(result.contacts, 'en'));
    expect([...all.matchAll(/^• ([^:]+):/gm)].map((m) => m[1])).toEqual(result.contacts.map((id) => translator.t('en', `contact.${id}.name`)));
    expect(all.split('\n')[0]).toBe('• Police emergency: call 999');
    // Nothing changes: the same choices come back, and the details can be shown again.
    expect(JSON.stringify(d.snapshot)).toBe(before);
    expect(lastQuestion(out).choices.map((c) => c.id)).toEqual(['details', 'contacts', 'restart', 'exit']);
    expect(d.send('1')[0]).toEqual(details);
  });

  it('the details of a result without any sign list every number and no rights', () => {
    const { d, result } = finish({});
    const details = d.send({ kind: 'choice', id: 'details', step: 'result' })[0]!;
    expect(details.text).not.toContain(en('result.signs_title'));
    expect(details.text).toBe(`${en('result.all_contacts_title')}\n${renderer.contactLines(result.contacts, 'en')}`);
  });

  it('a contact with WhatsApp shows both ways to reach it: "call X, WhatsApp Y"', () => {
    const help = contact('help_dw');
    expect(help.whatsapp).toBeDefined();
    expect(help.whatsapp).not.toBe(help.phone);
    expect(renderer.contactLines(['help_dw'], 'en')).toBe(
      `• HELP for Domestic Workers: call ${nb(help.phone)}, WhatsApp ${nb(help.whatsapp!)}\n  ${translator.t('en', 'contact.help_dw.what')}`,
    );
    // In a result's details, where she sees it.
    const { d, result } = finish({ passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' });
    expect(result.contacts).toContain('help_dw');
    const details = d.send({ kind: 'choice', id: 'details', step: 'result' })[0]!;
    expect(details.text).toContain(`HELP for Domestic Workers: call ${nb(help.phone)}, WhatsApp ${nb(help.whatsapp!)}\n`);
    // A contact with one way shows only that one.
    expect(renderer.contactLines(['mfmw'], 'en').split('\n')[0]).toBe(`• Mission for Migrant Workers: call ${nb(contact('mfmw').phone)}`);
    // Every way a contact has is shown, in the order call, WhatsApp, SMS.
    for (const [id, c] of Object.entries(bundle.contacts.contacts)) {
      const ways = [`call ${nb(c.phone)}`, ...(c.whatsapp ? [`WhatsApp ${nb(c.whatsapp)}`] : []), ...(c.sms ? [`SMS ${nb(c.sms)}`] : [])];
      expect(renderer.contactLines([id], 'en').split('\n')[0], id).toBe(`• ${translator.t('en', `contact.${id}.name`)}: ${ways.join(', ')}`);
    }
  });

  it('phone numbers never contain a plain space (no-break spaces, U+00A0, keep each on one line)', () => {
    const numbers = (c: (typeof bundle.contacts.contacts)[string]) => [c.phone, c.whatsapp, c.sms].filter((n): n is string => n !== undefined);
    const spaced = Object.entries(bundle.contacts.contacts).flatMap(([id, c]) => numbers(c).filter((n) => n.includes(' ')).map((n) => [id, n] as const));
    expect(spaced.length).toBeGreaterThan(3);
    const lines = renderer.contactLines(Object.keys(bundle.contacts.contacts), 'en');
    for (const [id, n] of spaced) {
      expect(lines, id).toContain(nb(n));
      expect(lines, id).not.toContain(n);
    }
    expect(lines).not.toMatch(/\d \d/);
    // A language's own numbers too (Enrich's Bahasa Indonesia line).
    const own = contact('enrich').by_locale?.id;
    expect(own?.phone).toContain(' ');
    const enrichId = renderer.contactLines(['enrich'], 'id');
    expect(enrichId).toContain(nb(own!.phone!));
    expect(enrichId).not.toContain(own!.phone!);
    expect(enrichId).not.toContain(nb(contact('enrich').phone));
    // Every way a worker sees a number: the result, its details, the contacts list, an urgent screen.
    const { d, result } = finish({ passport: 'lender', wages: 'not_paid', violence: 'past', can_quit: 'not_allowed', leave_now: 'no' });
    const details = message(d.send({ kind: 'choice', id: 'details', step: 'result' })[0]);
    const listed = message(d.send('contacts')[0]);
    const u = driver();
    u.send({ kind: 'start', lang: 'en' });
    walkTo(u, 'go_out');
    const urgent = message(u.send({ kind: 'choice', id: 'locked_in', step: 'go_out' })[0]);
    // (The short result shows its summary; the details, all the contacts.)
    const shown: [RenderedMessage, string[]][] = [
      [result, result.summary],
      [details, details.contacts!],
      [listed, listed.contacts!],
      [urgent, urgent.contacts!],
    ];
    for (const [m, ids] of shown) {
      expect(ids.length).toBeGreaterThan(1);
      for (const id of ids) {
        const c = contact(id);
        for (const n of [c.phone, c.whatsapp, c.sms].filter((x): x is string => x !== undefined)) {
          expect(m.text, `${id} ${n}`).toContain(nb(n));
          if (n.includes(' ')) expect(m.text, `${id} ${n}`).not.toContain(n);
        }
      }
      // No digit is followed by a plain space and another digit anywhere in what she reads.
      expect(m.text).not.toMatch(/\d \d/);
    }
  });

  it('after the result, "contacts" shows the quick list, "start again" restarts', () => {
    const { d } = finish({});
    const contacts = d.send('2');
    expect(contacts[0]).toMatchObject({ type: 'message', contacts: ['police_emergency', 'ld_fdh_hotline', 'mfmw'] });
    expect(contacts[0]!.text.startsWith(`${en('contacts.title')}\n\n• Police emergency: call 999`)).toBe(true);
    expect(d.snapshot!.step).toBe('result');
    d.send('3');
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
    expect(lastQuestion(back).id).toBe('bank_card');
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
