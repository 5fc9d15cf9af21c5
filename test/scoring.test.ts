import { describe, expect, it } from 'vitest';
import { scoreAnswers } from '../src/scoring.js';
import { isConfirmed, quickContacts, recommendContacts, urgentContacts } from '../src/contacts.js';
import { harmlessAnswers, shippedBundle } from './helpers/bundle.js';

const bundle = shippedBundle();
/** A fixed day, so the contacts' confirmation dates do not age the test. */
const NOW = Date.parse('2026-12-03T12:00:00Z');
const flow = bundle.flows.get('self-assessment')!;
const score = (answers: Record<string, string>) => scoreAnswers(flow, harmlessAnswers(bundle, answers), bundle.indicators);
const strongIds = (a: ReturnType<typeof score>) => a.indicators.filter((i) => i.strength === 'strong').map((i) => i.id);

/**
 * The content review's cases (shared/reviews/content-2026-12.md, section C2), answer by answer, with
 * the ICLS 2018 reading: forced-labour signs need a strong involuntary-work sign AND a strong
 * coercion sign; her own fear is not coercion; danger now is urgent. Steps not named take their
 * harmless answer. Each row: [case, answers, level, strong signs, possible signs].
 */
const REVIEW_CASES: [string, Record<string, string>, string, string[], string[]][] = [
  ['C01 all harmless', {}, 'no_signs', [], []],
  ['C02 passport kept by the employer', { passport: 'employer' }, 'rights_violations', ['retention_of_documents'], []],
  ['C03 different job + passport kept', { job_promised: 'no', passport: 'employer' }, 'forced_labour_signs', ['deception', 'retention_of_documents'], []],
  ['C04 16+ hours + late salary', { hours: '16_or_more', wages: 'late' }, 'forced_labour_signs', ['withholding_of_wages', 'excessive_overtime'], []],
  ['C05 13-15 hours + passport kept', { hours: '13_to_15', passport: 'employer' }, 'rights_violations', ['retention_of_documents'], ['excessive_overtime']],
  ['C06 a debt she cannot leave before paying', { debt: 'yes', debt_from: 'home', debt_tied: 'cannot_leave' }, 'forced_labour_signs', ['debt_bondage', 'cannot_leave'], []],
  ['C07 a debt taken from her salary', { debt: 'yes', debt_from: 'home', debt_tied: 'deductions' }, 'rights_violations', ['debt_bondage'], []],
  ['C08 not enough food', { food: 'no' }, 'rights_violations', ['abusive_conditions'], []],
  ['C09 not enough food + afraid to leave (fear is not coercion)', { food: 'no', fear: 'yes', fear_what: 'other' }, 'rights_violations', ['abusive_conditions'], ['fear_of_leaving']],
  ['C09b ... afraid of losing the visa (possible only)', { food: 'no', fear: 'yes', fear_what: 'dismissal_or_deportation' }, 'rights_violations', ['abusive_conditions'], ['abuse_of_vulnerability', 'fear_of_leaving']],
  ['C09c ... afraid someone will hurt her family (menace of a penalty)', { food: 'no', fear: 'yes', fear_what: 'harm' }, 'forced_labour_signs', ['intimidation_threats', 'abusive_conditions'], ['fear_of_leaving']],
  ['C10 different job + phone taken', { job_promised: 'no', phone: 'taken' }, 'forced_labour_signs', ['deception', 'isolation'], []],
  ['C11 not allowed to quit, not leaving today', { can_quit: 'not_allowed', leave_now: 'no' }, 'rights_violations', ['cannot_leave'], []],
  ['C12 not allowed to quit + threatened with being reported', { can_quit: 'not_allowed', leave_now: 'no', threats: 'report_or_dismiss' }, 'forced_labour_signs', ['abuse_of_vulnerability', 'intimidation_threats', 'cannot_leave'], []],
  ['C13 locked in', { go_out: 'locked_in' }, 'urgent', ['restriction_of_movement'], []],
  [
    'C14 not sure, did not want to answer, a little phone',
    { passport: 'unsure', job_promised: 'unsure', can_quit: 'unsure', fear: 'unsure', violence: 'prefer_not', phone: 'limited', treatment: 'respect', hours: '13_to_15', danger_tasks: 'no', room: 'with_child' },
    'rights_violations',
    ['retention_of_documents'],
    ['deception', 'isolation', 'physical_sexual_violence', 'excessive_overtime', 'cannot_leave', 'fear_of_leaving'],
  ],
  ['C15 contract below the minimum', { wage_amount: 'no' }, 'rights_violations', ['wage_below_minimum'], []],
  ['C16 work in other homes + threatened with being reported', { other_work: 'relatives', threats: 'report_or_dismiss' }, 'forced_labour_signs', ['abuse_of_vulnerability', 'intimidation_threats', 'illegal_work'], []],
  [
    'C17 no rest day, no holidays, 16+ hours, no proper room, not enough food (rest days are rights, see docs/scoring.md)',
    { rest_day: 'no', sick: 'cared_for', holidays: 'no', hours: '16_or_more', danger_tasks: 'no', room: 'no_proper_place', food: 'no' },
    'rights_violations',
    ['abusive_conditions', 'excessive_overtime', 'rest_day_denied', 'holidays_denied', 'unsuitable_accommodation'],
    [],
  ],
  ['C18 salary kept + no proper room', { wages: 'kept', room: 'no_proper_place' }, 'forced_labour_signs', ['withholding_of_wages', 'abusive_conditions', 'unsuitable_accommodation'], []],
  ['C19 less than the contract + passport kept by the agency', { wages: 'less', passport: 'agency' }, 'forced_labour_signs', ['retention_of_documents', 'wage_below_minimum'], []],
  ['C20 violence that still happens', { violence: 'still' }, 'urgent', ['physical_sexual_violence'], []],
  ['C20b violence that has stopped (not urgent, still a sign)', { violence: 'past' }, 'rights_violations', ['physical_sexual_violence'], []],
  ['C21 threats of harm + different job (urgent keeps both dimensions)', { threats: 'harm', job_promised: 'no' }, 'urgent', ['deception', 'intimidation_threats'], []],
  ['C22 not allowed to quit + must leave today', { can_quit: 'not_allowed', leave_now: 'yes' }, 'urgent', ['restriction_of_movement', 'cannot_leave'], []],
  ['C23 not paid at all (no wages AND withheld wages)', { wages: 'not_paid' }, 'forced_labour_signs', ['withholding_of_wages', 'wage_below_minimum'], []],
  ['C24 paid the agency too much + a debt she can pay', { agency_fee: 'yes', debt: 'yes', debt_from: 'hk_agency_or_lender', debt_tied: 'can_pay' }, 'rights_violations', ['agency_fee_overcharge'], ['debt_bondage']],
  ['C25 watched when out + different job', { go_out: 'watched', camera: 'no', job_promised: 'no' }, 'forced_labour_signs', ['deception', 'restriction_of_movement'], []],
  ['C26 passport kept by a lender', { passport: 'lender' }, 'rights_violations', ['retention_of_documents', 'debt_bondage'], []],
  ['C27 afraid to leave + work in a shop (fear is not coercion)', { fear: 'yes', fear_what: 'other', other_work: 'business' }, 'rights_violations', ['illegal_work'], ['fear_of_leaving']],
  ['C28 would lose too much + afraid (economic cost is not "not allowed")', { can_quit: 'too_costly', kept_beyond: 'no', fear: 'yes', fear_what: 'other' }, 'no_signs', [], ['cannot_leave', 'fear_of_leaving']],
  ['C29 16+ hours', { hours: '16_or_more' }, 'rights_violations', ['excessive_overtime'], []],
  ['C30 different job', { job_promised: 'no' }, 'rights_violations', ['deception'], []],
  ['C31 a weekly rest day but no statutory holidays (asked of everyone)', { rest_day: 'yes', holidays: 'no' }, 'rights_violations', ['holidays_denied'], []],
  ['C32 not sure of the wage and the fee + a debt she can pay', { wage_amount: 'unsure', agency_fee: 'unsure', debt: 'yes', debt_from: 'home', debt_tied: 'can_pay' }, 'no_signs', [], ['debt_bondage', 'wage_below_minimum', 'agency_fee_overcharge']],
];

/** The new follow-ups: each answer that signals something, and what. */
const FOLLOW_UP_CASES: [string, Record<string, string>, string, string[], string[]][] = [
  ['bank card kept', { passport: 'employer', bank_card: 'yes' }, 'rights_violations', ['retention_of_documents', 'withholding_of_wages'], []],
  ['contract copy kept', { job_promised: 'no', contract_copy: 'kept', signed_papers: 'none' }, 'forced_labour_signs', ['deception', 'retention_of_documents'], []],
  ['never got a contract copy', { job_promised: 'no', contract_copy: 'never', signed_papers: 'none' }, 'rights_violations', ['deception'], ['retention_of_documents']],
  ['a second contract', { job_promised: 'no', contract_copy: 'yes', signed_papers: 'second_contract' }, 'rights_violations', ['deception'], []],
  ['blank papers', { job_promised: 'unsure', contract_copy: 'yes', signed_papers: 'blank_papers' }, 'rights_violations', ['deception'], []],
  ['a receipt for more than she got', { wages: 'late', wage_receipt: 'yes' }, 'forced_labour_signs', ['deception', 'withholding_of_wages', 'wage_below_minimum'], []],
  ['sick and must keep working', { rest_day: 'no', sick: 'must_work' }, 'rights_violations', ['abusive_conditions', 'rest_day_denied'], []],
  ['sick and must pay the doctor', { rest_day: 'sometimes', sick: 'must_pay' }, 'rights_violations', ['rest_day_denied'], ['abusive_conditions']],
  ['dangerous work', { hours: '13_to_15', danger_tasks: 'yes' }, 'rights_violations', ['abusive_conditions'], ['excessive_overtime']],
  ['food kept as punishment', { food: 'punished' }, 'rights_violations', ['abusive_conditions'], []],
  ['sharing a room with a man or teenage boy', { room: 'opposite_sex' }, 'rights_violations', ['unsuitable_accommodation'], []],
  ['sharing with a child she cares for is not a sign', { room: 'with_child' }, 'no_signs', [], []],
  ['a camera in her room', { go_out: 'watched', camera: 'yes' }, 'rights_violations', ['restriction_of_movement', 'unsuitable_accommodation'], []],
  ['insulted', { phone: 'limited', treatment: 'insulted' }, 'rights_violations', ['abusive_conditions'], ['isolation']],
  ['punished with no sleep or food, phone taken', { phone: 'taken', treatment: 'punished' }, 'forced_labour_signs', ['isolation', 'abusive_conditions'], []],
  ['a debt to her employer', { debt: 'yes', debt_from: 'employer', debt_tied: 'can_pay' }, 'no_signs', [], ['debt_bondage']],
  ['kept beyond the contract', { can_quit: 'too_costly', kept_beyond: 'yes' }, 'rights_violations', ['cannot_leave'], []],
  ['afraid of losing salary owed', { fear: 'yes', fear_what: 'wages_owed' }, 'rights_violations', ['withholding_of_wages'], ['fear_of_leaving']],
  ['afraid of the debt', { fear: 'yes', fear_what: 'debt' }, 'rights_violations', ['debt_bondage'], ['fear_of_leaving']],
  ['not sure who has her bank card', { passport: 'agency', bank_card: 'unsure' }, 'rights_violations', ['retention_of_documents'], ['withholding_of_wages']],
  ['not sure what papers she signed', { job_promised: 'no', contract_copy: 'yes', signed_papers: 'unsure' }, 'rights_violations', ['deception'], []],
  ['not sure about other work', { other_work: 'unsure' }, 'no_signs', [], ['illegal_work']],
  ['may not see a doctor', { rest_day: 'no', sick: 'no_doctor' }, 'rights_violations', ['abusive_conditions', 'rest_day_denied'], []],
  ['not sure about holidays', { holidays: 'unsure' }, 'no_signs', [], ['holidays_denied']],
  ['may go out only if they agree', { go_out: 'permission' }, 'rights_violations', ['restriction_of_movement'], []],
  ['did not want to say how she is treated', { phone: 'limited', treatment: 'prefer_not' }, 'no_signs', [], ['isolation', 'abusive_conditions']],
];

const possibleIds = (a: ReturnType<typeof score>) => a.indicators.filter((i) => i.strength === 'possible').map((i) => i.id);

/** One case: the level, and exactly these strong and possible signs. */
function expectCase(answers: Record<string, string>, level: string, strong: string[], possible: string[]): void {
  const a = score(answers);
  expect(a.level).toBe(level);
  expect(strongIds(a).sort()).toEqual([...strong].sort());
  expect(possibleIds(a).sort()).toEqual([...possible].sort());
}

describe('scoreAnswers: the content review\'s cases agree with the ICLS 2018 reading', () => {
  it.each(REVIEW_CASES)('%s', (_name, answers, level, strong, possible) => expectCase(answers, level, strong, possible));
});

describe('scoreAnswers: the follow-up questions', () => {
  it.each(FOLLOW_UP_CASES)('%s', (_name, answers, level, strong, possible) => expectCase(answers, level, strong, possible));

  it('every answer of every question is covered by a case above or signals nothing', () => {
    const covered = new Set(
      [...REVIEW_CASES, ...FOLLOW_UP_CASES].flatMap(([, answers]) => Object.entries(answers).map(([step, choice]) => `${step}:${choice}`)),
    );
    const missing: string[] = [];
    for (const step of flow.steps.values()) {
      if (step.type !== 'question') continue;
      for (const c of step.choices) {
        if (Object.keys(c.signals).length > 0 && !covered.has(`${step.id}:${c.id}`)) missing.push(`${step.id}:${c.id}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('scoreAnswers: rules', () => {
  it('her own fear can never be a strong sign (flows/indicators.yaml: only_possible)', () => {
    expect(bundle.indicators.get('fear_of_leaving')?.onlyPossible).toBe(true);
    for (const step of flow.steps.values()) {
      if (step.type === 'question') for (const c of step.choices) expect(c.signals.fear_of_leaving ?? 'possible').toBe('possible');
    }
  });

  it('a strong signal wins over a possible one for the same indicator', () => {
    const a = score({ violence: 'prefer_not', threats: 'harm' });
    expect(a.indicators.find((i) => i.id === 'physical_sexual_violence')?.strength).toBe('possible');
    const b = score({ passport: 'employer', contract_copy: 'never', job_promised: 'no' });
    expect(b.indicators.find((i) => i.id === 'retention_of_documents')?.strength).toBe('strong');
  });

  it('answers to steps or choices that no longer exist are ignored', () => {
    expect(score({ no_such_step: 'yes', passport: 'no_such_choice' }).level).toBe('no_signs');
  });

  it('the Done-when case: passport kept by the agency + not allowed to quit', () => {
    const a = score({ passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' });
    expect(a.level).toBe('forced_labour_signs');
    expect(a.dimensions).toEqual({ involuntary: ['cannot_leave'], coercion: ['retention_of_documents'] });
  });
});

describe('scoreAnswers: every indicator', () => {
  const choicesSignalling = (id: string) =>
    [...flow.steps.values()].flatMap((s) =>
      s.type === 'question' ? s.choices.filter((c) => c.signals[id] === 'strong').map((c) => ({ step: s.id, choice: c.id })) : [],
    );

  it.each([...bundle.indicators.entries()].filter(([, v]) => !v.onlyPossible).map(([id, v]) => [id, v.dimension]))(
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
  it('always includes the emergency number first and, for forced-labour signs, an NGO that helps with trafficking', () => {
    const a = score({ passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' });
    for (const lang of ['en', 'id', 'tl', 'zh-HK']) {
      const ids = recommendContacts(bundle, a, lang);
      expect(ids[0]).toBe('police_emergency');
      expect(ids.some((id) => bundle.contacts.contacts[id]!.helps_with.includes('trafficking'))).toBe(true);
      expect(ids.length).toBeLessThanOrEqual(bundle.contacts.recommend.max);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('adds specialised help by sign, and her consulate in ordinary results', () => {
    const a = score({ violence: 'past', debt: 'yes', debt_tied: 'deductions' });
    expect(recommendContacts(bundle, a, 'tl')).toEqual(expect.arrayContaining(['rainlily', 'ph_consulate', 'enrich']));
    expect(recommendContacts(bundle, a, 'id')).toContain('id_consulate');
  });

  it('an urgent result shows only confirmed contacts, 999 first, and RainLily\'s own crisis line after violence', () => {
    const a = score({ violence: 'still' });
    for (const lang of ['en', 'tl', 'id', 'th', 'ne', 'si', 'hi', 'zh-HK']) {
      const ids = recommendContacts(bundle, a, lang, NOW);
      expect(ids[0]).toBe('police_emergency');
      for (const id of ids) expect(isConfirmed(bundle, id, NOW), `${id} on an urgent result in ${lang}`).toBe(true);
      expect(ids).toContain('rainlily');
    }
    expect(bundle.contacts.contacts.rainlily!.phone).toBe('2375 5322');
  });

  it('a contact whose status is "unverified" is never recommended', () => {
    const unverified = Object.entries(bundle.contacts.contacts).filter(([, c]) => c.status === 'unverified').map(([id]) => id);
    expect(unverified.length).toBeGreaterThan(0);
    for (const lang of ['en', 'th', 'ne', 'si']) {
      const ids = recommendContacts(bundle, score({ passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' }), lang, NOW);
      for (const id of unverified) expect(ids).not.toContain(id);
    }
  });

  it('the quick list (help command, every error) holds only confirmed contacts, with 999 first', () => {
    for (const lang of [null, 'en', 'tl', 'id', 'th', 'ne', 'si', 'hi', 'zh-HK']) {
      const ids = quickContacts(bundle, lang, NOW);
      expect(ids[0]).toBe('police_emergency');
      for (const id of ids) expect(isConfirmed(bundle, id, NOW), `${id} in the quick list (${lang})`).toBe(true);
    }
  });

  it('a confirmed contact whose date is too old leaves the urgent screens', () => {
    const later = Date.parse('2030-01-01T00:00:00Z');
    expect(isConfirmed(bundle, 'mfmw', NOW)).toBe(true);
    expect(isConfirmed(bundle, 'mfmw', later)).toBe(false);
    expect(quickContacts(bundle, 'en', later)).toEqual(['police_emergency']);
    expect(urgentContacts(bundle, ['police_emergency', 'mfmw'], later)).toEqual(['police_emergency']);
  });
});
