import { describe, expect, it } from 'vitest';
import { loadCheckedBundle } from '../../src/app.js';
import type { Snapshot } from '../../src/engine.js';
import type { RenderedMessage } from '../../src/render.js';
import { makeEngine } from '../helpers/engine.js';

const bundle = loadCheckedBundle();
const { engine, renderer } = makeEngine(bundle);
const RAW_KEY = /(^|\s)[a-z_]+\.[a-z0-9_.]+[a-z0-9_](\s|$)/m;

/** How many routes from a step to the result ask how many more questions: questions -> routes. */
type Lengths = Map<number, number>;

/**
 * Every distinct route through the flow in one language, taking every choice at least once. The
 * next step depends only on the step and the choice (never on earlier answers), so each step is
 * explored once and its routes are counted, not walked again: the same routes, in a fraction of
 * the time. Every question, choice, urgent screen and result reached is rendered and checked, and
 * each result is rendered with its details (every sign's right, every contact).
 */
function walkAll(lang: string): { lengths: Lengths; levels: Set<string>; problems: string[]; choicesTaken: Set<string> } {
  const problems: string[] = [];
  const choicesTaken = new Set<string>();
  const levels = new Set<string>();
  const t0 = Date.UTC(2026, 0, 1);

  const checkTexts = (out: RenderedMessage[], where: string) => {
    for (const m of out) {
      const texts = [m.text, ...(m.type === 'question' ? m.choices.map((c) => c.label) : [])];
      for (const text of texts) {
        if (!text || text.trim() === '') problems.push(`${lang} ${where}: empty text`);
        else if (text.includes('{{')) problems.push(`${lang} ${where}: unfilled variable in "${text}"`);
        else if (RAW_KEY.test(text)) problems.push(`${lang} ${where}: untranslated key in "${text}"`);
      }
    }
  };
  const turn = (snap: Snapshot, id: string, step: string) => {
    const r = engine.turn(JSON.parse(JSON.stringify(snap)) as Snapshot, { kind: 'choice', id, step }, snap.updated + 1000);
    const out = renderer.render(r.intents, r.lang);
    checkTexts(out, `${step} → ${id}`);
    return { snap: r.snapshot!, out };
  };
  const add = (into: Lengths, from: Lengths, plus: number) => {
    for (const [n, routes] of from) into.set(n + plus, (into.get(n + plus) ?? 0) + routes);
  };

  const start = engine.turn(null, { kind: 'start', lang }, t0);
  checkTexts(renderer.render(start.intents, lang), 'start');

  const memo = new Map<string, Lengths>();
  const explore = (snap: Snapshot, depth: number): Lengths => {
    const q = engine.currentQuestion(snap);
    const known = memo.get(q.step);
    if (known) return known;
    const lengths: Lengths = new Map();
    if (depth > 80) {
      problems.push(`${lang}: a path longer than 80 steps at ${q.step}`);
      return lengths;
    }
    if (q.step.includes('!urgent!')) {
      add(lengths, explore(turn(snap, 'continue', q.step).snap, depth + 1), 0);
      memo.set(q.step, lengths);
      return lengths;
    }
    // Choices that lead to the same next step make one route (a route is the steps she sees).
    const routesTo = new Set<string>();
    for (const c of q.choices) {
      choicesTaken.add(`${q.step}/${c.id}`);
      const { snap: next, out } = turn(snap, c.id, q.step);
      const result = out.find((m) => m.type === 'result');
      const to = result ? 'result' : engine.currentQuestion(next).step;
      const counted = routesTo.has(to);
      routesTo.add(to);
      if (result?.type === 'result') {
        levels.add(result.level);
        checkTexts(turn(next, 'details', next.step).out, `${q.step} → ${c.id} → details`);
        if (!counted) add(lengths, new Map([[0, 1]]), 1);
      } else if (!counted) {
        add(lengths, explore(next, depth + 1), 1);
      }
    }
    memo.set(q.step, lengths);
    return lengths;
  };
  const lengths = explore(start.snapshot!, 0);

  // Results are rendered above for the first route to each step only, so render one more result for
  // every answer that signals something (and one with both dimensions): each sign's name, right and
  // contacts appear in a result and its details in this language.
  const flow = bundle.flows.get('self-assessment')!;
  const resultWith = (answers: Record<string, string>, where: string) => {
    const before = { ...start.snapshot!, step: 'fear', answers };
    const { snap, out } = turn(before, 'no', 'fear');
    const result = out.find((m) => m.type === 'result');
    if (result?.type !== 'result') problems.push(`${lang} ${where}: no result`);
    else levels.add(result.level);
    checkTexts(turn(snap, 'details', snap.step).out, `${where} → details`);
  };
  for (const step of flow.steps.values()) {
    if (step.type !== 'question') continue;
    for (const c of step.choices) if (Object.keys(c.signals).length > 0) resultWith({ [step.id]: c.id }, `${step.id}=${c.id}`);
  }
  resultWith({ passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' }, 'forced-labour signs');
  return { lengths, levels, problems, choicesTaken };
}

describe('every path through the self-assessment', () => {
  it('ships eight languages', () => {
    expect(bundle.localeCodes).toEqual(expect.arrayContaining(['en', 'zh-HK', 'id', 'tl', 'th', 'ne', 'si', 'hi']));
  });

  const flow = bundle.flows.get('self-assessment')!;
  const allChoices = [...flow.steps.values()].flatMap((s) => (s.type === 'question' ? s.choices.map((c) => `${s.id}/${c.id}`) : []));

  it.each(bundle.localeCodes)('in %s: ends in a result with every text present, every choice taken', (lang) => {
    const { lengths, levels, problems, choicesTaken } = walkAll(lang);
    expect(problems).toEqual([]);
    expect([...levels].sort()).toEqual(['forced_labour_signs', 'no_signs', 'rights_violations', 'urgent']);
    expect([...choicesTaken].sort()).toEqual([...allChoices].sort());
    const routes = [...lengths.values()].reduce((a, b) => a + b, 0);
    expect(routes).toBeGreaterThan(10);
    const counts = [...lengths.keys()].sort((a, b) => a - b);
    // The shortest path (no problem at all) stays at 18 questions: follow-ups appear only after an
    // answer that calls for them. Only a worker with every problem meets them all (31).
    expect(counts[0]).toBe(18);
    expect(counts.at(-1)).toBeLessThanOrEqual(31);
    // Most routes stay close to the shortest: half of them ask at most 25 questions.
    let seen = 0;
    const median = counts.find((n) => (seen += lengths.get(n)!) >= routes / 2);
    expect(median).toBeLessThanOrEqual(25);
  });
});
