import { describe, expect, it } from 'vitest';
import { scoreAnswers } from '../src/scoring.js';
import { recommendContacts } from '../src/contacts.js';
import { harmlessAnswers, shippedBundle } from './helpers/bundle.js';

const bundle = shippedBundle();
const flow = bundle.flows.get('self-assessment')!;
const score = (answers: Record<string, string>) => scoreAnswers(flow, harmlessAnswers(bundle, answers), bundle.indicators);
const strongIds = (a: ReturnType<typeof score>) => a.indicators.filter((i) => i.strength === 'strong').map((i) => i.id);

describe('scoreAnswers: result levels (ICLS 2018: involuntary work AND menace of penalty)', () => {
  it.each([
    ['all harmless answers', {}, 'no_signs'],
    ['only "not sure" answers (possible signs only)', { passport: 'unsure', job_promised: 'unsure', fear: 'unsure' }, 'no_signs'],
    ['one rights sign (no rest day)', { rest_day: 'no', holidays: 'no' }, 'rights_violations'],
    ['involuntary work without coercion (not free to quit)', { can_quit: 'no', leave_now: 'no' }, 'rights_violations'],
    ['coercion without involuntary work (passport kept)', { passport: 'employer' }, 'rights_violations'],
    ['passport kept by the agency and not free to quit', { passport: 'agency', can_quit: 'no', leave_now: 'no' }, 'forced_labour_signs'],
    ['deception and threats of denunciation', { job_promised: 'no', threats: 'report_or_dismiss' }, 'forced_labour_signs'],
    ['debt that ties her to the job (both dimensions from one answer)', { debt: 'yes', debt_tied: 'cannot_leave' }, 'forced_labour_signs'],
    ['involuntary (possible) + coercion (strong) is not enough', { hours: '13_to_15', passport: 'employer' }, 'rights_violations'],
    ['locked in (danger now)', { go_out: 'locked_in' }, 'urgent'],
    ['threats of harm', { threats: 'harm' }, 'urgent'],
    ['violence', { violence: 'yes' }, 'urgent'],
    ['wants to leave now and cannot', { can_quit: 'no', leave_now: 'yes' }, 'urgent'],
    ['urgent wins over forced-labour signs', { passport: 'agency', can_quit: 'no', violence: 'yes' }, 'urgent'],
  ] as const)('%s → %s', (_name, answers, level) => {
    expect(score(answers).level).toBe(level);
  });

  it('the Done-when case: passport kept by agency + not free to quit', () => {
    const a = score({ passport: 'agency', can_quit: 'no', leave_now: 'no' });
    expect(a.level).toBe('forced_labour_signs');
    expect(strongIds(a)).toEqual(['retention_of_documents', 'cannot_leave']);
    expect(a.dimensions).toEqual({ involuntary: ['cannot_leave'], coercion: ['retention_of_documents'] });
  });

  it('a strong signal wins over a possible one for the same indicator', () => {
    const a = score({ violence: 'prefer_not', threats: 'harm' });
    expect(a.indicators.find((i) => i.id === 'physical_sexual_violence')?.strength).toBe('possible');
    const b = score({ passport: 'unsure', hours: '16_or_more', room: 'no_proper_place' });
    expect(b.indicators.find((i) => i.id === 'retention_of_documents')?.strength).toBe('possible');
    expect(b.indicators.find((i) => i.id === 'abusive_conditions')?.strength).toBe('strong');
  });

  it('answers to steps or choices that no longer exist are ignored', () => {
    expect(score({ no_such_step: 'yes', passport: 'no_such_choice' }).level).toBe('no_signs');
  });
});

describe('scoreAnswers: every indicator', () => {
  const choicesSignalling = (id: string) =>
    [...flow.steps.values()].flatMap((s) =>
      s.type === 'question' ? s.choices.filter((c) => c.signals[id] === 'strong').map((c) => ({ step: s.id, choice: c.id })) : [],
    );

  it.each([...bundle.indicators.entries()].map(([id, v]) => [id, v.dimension]))(
    '%s (%s) can be signalled strongly and lands in its dimension',
    (id, dimension) => {
      const ways = choicesSignalling(id);
      expect(ways.length, `no question signals ${id}`).toBeGreaterThan(0);
      const a = score({ [ways[0]!.step]: ways[0]!.choice });
      const found = a.indicators.find((i) => i.id === id);
      expect(found).toEqual({ id, strength: 'strong', dimension });
      if (dimension === 'involuntary') expect(a.dimensions.involuntary).toContain(id);
      if (dimension === 'coercion') expect(a.dimensions.coercion).toContain(id);
      if (dimension === 'rights') expect([...a.dimensions.involuntary, ...a.dimensions.coercion]).not.toContain(id);
    },
  );
});

describe('recommendContacts', () => {
  it('always includes the emergency number and, for forced-labour signs, an NGO that helps with trafficking', () => {
    const a = score({ passport: 'agency', can_quit: 'no', leave_now: 'no' });
    for (const lang of ['en', 'id', 'tl', 'zh-HK']) {
      const ids = recommendContacts(bundle, a, lang);
      expect(ids[0]).toBe('police_emergency');
      expect(ids.some((id) => bundle.contacts.contacts[id]!.helps_with.includes('trafficking'))).toBe(true);
      expect(ids.length).toBeLessThanOrEqual(bundle.contacts.recommend.max);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('adds her consulate by language and specialised help by sign', () => {
    const a = score({ violence: 'yes', debt: 'yes', debt_tied: 'deductions' });
    expect(recommendContacts(bundle, a, 'tl')).toEqual(expect.arrayContaining(['rainlily', 'ph_consulate']));
    expect(recommendContacts(bundle, a, 'id')).toContain('id_consulate');
    expect(recommendContacts(bundle, score({ debt: 'yes', debt_tied: 'deductions' }), 'en')).toContain('enrich');
  });
});
