import { describe, expect, it } from 'vitest';
import { loadCheckedBundle } from '../../src/app.js';
import type { Snapshot } from '../../src/engine.js';
import type { RenderedMessage } from '../../src/render.js';
import { makeEngine } from '../helpers/engine.js';

const bundle = loadCheckedBundle();
const { engine, renderer } = makeEngine(bundle);
const RAW_KEY = /(^|\s)[a-z_]+\.[a-z0-9_.]+[a-z0-9_](\s|$)/m;

interface PathEnd {
  steps: string[];
  questions: number;
  level: string;
}

/** Every distinct route through the flow in one language, taking every choice at least once. */
function walkAll(lang: string): { ends: PathEnd[]; problems: string[]; choicesTaken: Set<string> } {
  const ends: PathEnd[] = [];
  const problems: string[] = [];
  const choicesTaken = new Set<string>();
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

  const start = engine.turn(null, { kind: 'start', lang }, t0);
  checkTexts(renderer.render(start.intents, lang), 'start');

  const visit = (snap: Snapshot, steps: string[], questions: number, depth: number) => {
    if (depth > 80) {
      problems.push(`${lang}: a path longer than 80 steps: ${steps.join(' > ')}`);
      return;
    }
    const q = engine.currentQuestion(snap);
    if (snap.step === 'result') return;
    if (q.step.includes('!urgent!')) {
      const { snap: next } = turn(snap, 'continue', q.step);
      visit(next, [...steps, q.step], questions, depth + 1);
      return;
    }
    const groups = new Map<string, string[]>();
    for (const c of q.choices) {
      const r = engine.turn(JSON.parse(JSON.stringify(snap)) as Snapshot, { kind: 'choice', id: c.id, step: q.step }, snap.updated + 1000);
      const key = r.snapshot!.step;
      groups.set(key, [...(groups.get(key) ?? []), c.id]);
    }
    for (const ids of groups.values()) {
      ids.forEach((id, i) => {
        choicesTaken.add(`${q.step}/${id}`);
        const { snap: next, out } = turn(snap, id, q.step);
        const result = out.find((m) => m.type === 'result');
        if (result?.type === 'result') {
          if (i === 0) ends.push({ steps: [...steps, q.step, 'result'], questions: questions + 1, level: result.level });
          return;
        }
        if (i === 0) visit(next, [...steps, q.step], questions + 1, depth + 1);
      });
    }
  };
  visit(start.snapshot!, [], 0, 0);
  return { ends, problems, choicesTaken };
}

describe('every path through the self-assessment', () => {
  it('ships eight languages', () => {
    expect(bundle.localeCodes).toEqual(expect.arrayContaining(['en', 'zh-HK', 'id', 'tl', 'th', 'ne', 'si', 'hi']));
  });

  const flow = bundle.flows.get('self-assessment')!;
  const allChoices = [...flow.steps.values()].flatMap((s) => (s.type === 'question' ? s.choices.map((c) => `${s.id}/${c.id}`) : []));

  it.each(bundle.localeCodes)('in %s: ends in a result with every text present, every choice taken', (lang) => {
    const { ends, problems, choicesTaken } = walkAll(lang);
    expect(problems).toEqual([]);
    expect(ends.length).toBeGreaterThan(10);
    for (const e of ends) expect(e.steps.at(-1)).toBe('result');
    expect([...choicesTaken].sort()).toEqual([...allChoices].sort());
    const lengths = ends.map((e) => e.questions);
    // The shortest path (no problem at all) stays at 18 questions: follow-ups appear only after an
    // answer that calls for them. Only a worker with every problem meets them all (31).
    expect(Math.min(...lengths)).toBe(18);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(31);
    // Most routes stay close to the shortest: half of them ask at most 25 questions.
    const sorted = [...lengths].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThanOrEqual(25);
  });
});
