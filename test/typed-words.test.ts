import { describe, expect, it } from 'vitest';
import { loadCheckedBundle } from '../src/app.js';
import type { Snapshot } from '../src/engine.js';
import { normaliseText } from '../src/input.js';
import { makeEngine } from './helpers/engine.js';

/** What she types, in every language, against the shipped texts: understood, and never erasing her chat. */
const bundle = loadCheckedBundle();
const { engine, translator } = makeEngine(bundle);
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);

/** A session of `lang` waiting at `step`, with harmless answers before it. */
function at(lang: string, step: string): Snapshot {
  const start = engine.turn(null, { kind: 'start', lang }, T0).snapshot!;
  return { ...start, step, updated: T0 };
}
function typeAt(lang: string, step: string, text: string) {
  return engine.turn(at(lang, step), { kind: 'text', text }, T0 + 1000);
}

describe('typed words in every language', () => {
  it.each(bundle.localeCodes)('%s: her plain "no" word is understood at the food question (it once was not)', (lang) => {
    const no = translator.words(lang, 'words.answer.no')[0]!;
    const r = typeAt(lang, 'food', no);
    expect(r.snapshot?.answers.food, `"${no}"`).toBe('no');
  });

  it.each(bundle.localeCodes)('%s: "I don\'t want to answer" typed at the violence question is its own answer, not "not sure"', (lang) => {
    const words = translator.words(lang, 'words.answer.prefer_not');
    expect(words.length).toBeGreaterThan(0);
    for (const w of words) expect(typeAt(lang, 'violence', w).snapshot?.answers.violence, `"${w}"`).toBe('prefer_not');
  });

  it.each(bundle.localeCodes)('%s: every word of the leave-today question keeps its meaning there (yes shows 999, no goes on)', (lang) => {
    for (const w of translator.words(lang, 'words.q.leave_now.yes')) {
      const r = typeAt(lang, 'leave_now', w);
      expect(r.snapshot?.answers.leave_now, `"${w}"`).toBe('yes');
      expect(r.intents.some((i) => i.type === 'message' && i.key === 'urgent.text' && i.contacts?.[0] === 'police_emergency'), `"${w}"`).toBe(true);
    }
    for (const w of translator.words(lang, 'words.q.leave_now.no')) expect(typeAt(lang, 'leave_now', w).snapshot?.answers.leave_now, `"${w}"`).toBe('no');
  });

  it.each(bundle.localeCodes)('%s: no typed answer word of any question ends the chat', (lang) => {
    const flow = bundle.flows.get(bundle.defaultFlowId)!;
    for (const step of flow.steps.values()) {
      if (step.type !== 'question') continue;
      for (const c of step.choices) {
        for (const w of translator.words(lang, c.words ?? `words.${c.label}`)) {
          const r = typeAt(lang, step.id, w);
          expect(r.snapshot, `"${w}" at ${step.id} (${lang}) erased the chat`).not.toBeNull();
          expect(r.snapshot?.answers[step.id], `"${w}" at ${step.id} (${lang})`).toBe(c.id);
        }
      }
    }
  });

  it.each(bundle.localeCodes)('%s: hours typed as a number ("14") are understood; 1 to 3 stay the answers\' numbers', (lang) => {
    expect(typeAt(lang, 'hours', '14').snapshot?.answers.hours).toBe('13_to_15');
    expect(typeAt(lang, 'hours', '８').snapshot?.answers.hours).toBe('up_to_12');
    expect(typeAt(lang, 'hours', '18').snapshot?.answers.hours).toBe('16_or_more');
    expect(typeAt(lang, 'hours', '2').snapshot?.answers.hours).toBe('13_to_15');
    expect(typeAt(lang, 'hours', '99').snapshot?.answers.hours).toBeUndefined();
  });

  it('a language typed by name in Latin letters or its own script chooses it at the language menu', () => {
    const cases: [string, string][] = [
      ['nepali', 'ne'],
      ['Hindi', 'hi'],
      ['हिंदी', 'hi'],
      ['sinhala', 'si'],
      ['tagalog', 'tl'],
      ['indonesia', 'id'],
      ['thai', 'th'],
      ['廣東話', 'zh-HK'],
    ];
    for (const [typed, lang] of cases) {
      const first = engine.turn(null, { kind: 'open' }, T0);
      const r = engine.turn(first.snapshot, { kind: 'text', text: typed }, T0 + 1000);
      expect(r.snapshot?.lang, typed).toBe(lang);
    }
  });

  it('Devanagari spellings people mix up are read the same (chandrabindu, nukta)', () => {
    expect(normaliseText('मिटाएँ')).toBe(normaliseText('मिटाएं'));
    expect(normaliseText('फ़ोन नंबर')).toBe(normaliseText('फोन नंबर'));
    expect(normaliseText('\u095B')).toBe(normaliseText('\u091C')); // precomposed ज़ is ज
  });

  it('the words that once erased a chat or flipped the answer no longer do', () => {
    // id "keluar" at the leave question: yes (999), not an exit.
    expect(typeAt('id', 'leave_now', 'keluar').snapshot?.answers.leave_now).toBe('yes');
    // tl "tapos na" at the debt question: asked again, the chat is kept.
    const tl = typeAt('tl', 'debt', 'tapos na');
    expect(tl.snapshot).not.toBeNull();
    expect(tl.intents.some((i) => i.type === 'exit')).toBe(false);
    // zh "不能" at the leave question: yes, never "no, not today".
    expect(typeAt('zh-HK', 'leave_now', '不能').snapshot?.answers.leave_now).toBe('yes');
    // si "ලැබෙන්නේ නැහැ" at the leave question: not read as "no".
    expect(typeAt('si', 'leave_now', 'ලැබෙන්නේ නැහැ').snapshot?.answers.leave_now).not.toBe('no');
  });

  it('"the same" / "different" answer the job-promised question, and mean nothing at the receipt question', () => {
    // At "a receipt for more than you got?" "the same" would mean no: these words are not shared.
    const cases: [string, string, string][] = [
      ['id', 'sesuai', 'berbeda'],
      ['th', 'ตรง', 'ไม่ตรง'],
      ['zh-HK', '一樣', '唔一樣'],
      ['tl', 'pareho', 'iba'],
      ['ne', 'त्यस्तै छ', 'फरक छ'],
      ['si', 'එහෙමමයි', 'වෙනස්'],
      ['hi', 'वैसी ही है', 'अलग है'],
      ['en', 'the same', 'different'],
    ];
    for (const [lang, same, different] of cases) {
      expect(typeAt(lang, 'job_promised', same).snapshot?.answers.job_promised, `${lang} "${same}"`).toBe(
        'yes',
      );
      expect(
        typeAt(lang, 'job_promised', different).snapshot?.answers.job_promised,
        `${lang} "${different}"`,
      ).toBe('no');
      for (const w of [same, different])
        expect(
          typeAt(lang, 'wage_receipt', w).snapshot?.answers.wage_receipt,
          `${lang} "${w}"`,
        ).toBeUndefined();
    }
  });
});
