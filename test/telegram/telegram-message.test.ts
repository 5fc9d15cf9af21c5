import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_DATA_MAX_BYTES,
  choiceCallbackData,
  inputFromCallbackData,
  navCallbackData,
} from '../../bots/shared/callback-data.js';
import {
  displayWidth,
  questionKeyboard,
  renderForTelegram,
  splitText,
  TELEGRAM_TEXT_MAX,
} from '../../bots/telegram/telegram-message.js';
import { PROJECT_ROOT } from '../../src/app.js';
import type { Snapshot } from '../../src/engine.js';
import { urgentStepId } from '../../src/flow/compile.js';
import type { RenderedMessage } from '../../src/render.js';
import { bundleWith, TelegramHarness } from './harness.js';

type Question = Extract<RenderedMessage, { type: 'question' }>;

const question = (labels: string[], extra: Partial<Question> = {}): Question => ({
  type: 'question',
  id: 'q1',
  text: 'Question?',
  indicators: [],
  choices: labels.map((label, i) => ({ id: `c${i}`, label, signals: [], strong: [], possible: [] })),
  nav: [
    { id: 'contacts', label: '☎ Help numbers' },
    { id: 'exit', label: '✖ Exit and delete' },
  ],
  hint: 'hint',
  ...extra,
});

describe('inline keyboards', () => {
  it('short answers go two to a row, numbered; the last row is "help numbers" and "exit"', () => {
    const kb = questionKeyboard(question(['Yes', 'No', 'Not sure']));
    expect(kb.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['1. Yes', '2. No'],
      ['3. Not sure'],
      ['☎ Help numbers', '✖ Exit and delete'],
    ]);
    expect(kb.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : ''))).toEqual([
      'c|q1|c0',
      'c|q1|c1',
      'c|q1|c2',
      'n|contacts',
      'n|exit',
    ]);
  });

  it('long answers go one to a row (Chinese characters count double)', () => {
    expect(
      questionKeyboard(question(['Yes', 'It is late or not paid']))
        .inline_keyboard.slice(0, -1)
        .map((r) => r.length),
    ).toEqual([1, 1]);
    expect(
      questionKeyboard(question(['是', '只有有時候可以休息']))
        .inline_keyboard.slice(0, -1)
        .map((r) => r.length),
    ).toEqual([1, 1]);
    expect(
      questionKeyboard(question(['是', '否']))
        .inline_keyboard.slice(0, -1)
        .map((r) => r.length),
    ).toEqual([2]);
  });

  it('widths: full-width punctuation counts double, Thai marks and the Indic virama count nothing', () => {
    expect(displayWidth('Yes')).toBe(3);
    expect(displayWidth('有，每個')).toBe(8);
    expect(displayWidth('（香港）')).toBe(8);
    expect(displayWidth('เบอร์')).toBe(4); // the mark on ร takes no room of its own
    expect(displayWidth('गर्नुहोस्')).toBe(6);
    expect(displayWidth('ප්‍රශ්න')).toBe(4); // with a zero-width joiner
    // Nine Chinese characters and a full-width comma are too wide to share a row (counted as ten, not nine and a half).
    expect(
      questionKeyboard(question(['有，每個星期都可以', '只是有時有']))
        .inline_keyboard.slice(0, -1)
        .map((r) => r.length),
    ).toEqual([1, 1]);
  });

  it('"help numbers" and "exit" share a row only when both labels are short', () => {
    const long = question(['Oo', 'Hindi'], {
      nav: [
        { id: 'contacts', label: '☎ Mga numero ng tulong' },
        { id: 'exit', label: '✖ Lumabas at burahin' },
      ],
    });
    expect(questionKeyboard(long).inline_keyboard.map((r) => r.map((b) => b.text))).toEqual([
      ['1. Oo', '2. Hindi'],
      ['☎ Mga numero ng tulong'],
      ['✖ Lumabas at burahin'],
    ]);
  });

  it('screens whose answers already include "help numbers" and "exit" do not repeat them', () => {
    const q = question([], {
      choices: [
        { id: 'continue', label: 'Continue', signals: [], strong: [], possible: [] },
        { id: 'contacts', label: 'Show help numbers', signals: [], strong: [], possible: [] },
        { id: 'exit', label: 'Exit and delete', signals: [], strong: [], possible: [] },
      ],
    });
    const data = questionKeyboard(q)
      .inline_keyboard.flat()
      .map((b) => ('callback_data' in b ? b.callback_data : ''));
    expect(data).toEqual(['c|q1|continue', 'c|q1|contacts', 'c|q1|exit']);
  });

  it('callback data falls back gracefully when ids are too long, and reads back as the engine input', () => {
    expect(choiceCallbackData('passport', 'self')).toBe('c|passport|self');
    expect(choiceCallbackData('s'.repeat(60), 'self')).toBe('c||self');
    expect(choiceCallbackData('s', 'c'.repeat(70))).toBe('o');
    expect(inputFromCallbackData('c|passport|self')).toEqual({
      kind: 'choice',
      id: 'self',
      step: 'passport',
    });
    expect(inputFromCallbackData('c|go_out!urgent!locked_in|continue')).toEqual({
      kind: 'choice',
      id: 'continue',
      step: 'go_out!urgent!locked_in',
    });
    expect(inputFromCallbackData('c||self')).toEqual({ kind: 'choice', id: 'self' });
    expect(inputFromCallbackData(navCallbackData('exit'))).toEqual({ kind: 'command', command: 'exit' });
    expect(inputFromCallbackData(navCallbackData('contacts'))).toEqual({
      kind: 'command',
      command: 'contacts',
    });
    for (const junk of ['o', '', 'n|restart', 'c|x', 'c|x|', 'x|y|z|w'])
      expect(inputFromCallbackData(junk)).toEqual({ kind: 'open' });
  });
});

describe('callback data of every button the shipped flow can show', () => {
  it(`fits Telegram's ${CALLBACK_DATA_MAX_BYTES} bytes, in full form, in every language (urgent screens and overlays included)`, () => {
    const locales = readdirSync(join(PROJECT_ROOT, 'locales'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
    const bundle = bundleWith(['en', ...locales.filter((l) => l !== 'en')]);
    const h = new TelegramHarness({ locales: ['en', ...locales.filter((l) => l !== 'en')] });
    const { engine, renderer } = h.core;
    const flow = bundle.flows.get(bundle.defaultFlowId)!;
    const stepIds = [...flow.steps.values()].flatMap((s) => [
      s.id,
      ...(s.type === 'question'
        ? s.choices.filter((c) => c.urgent).map((c) => urgentStepId(s.id, c.id))
        : []),
    ]);
    expect(stepIds).toContain('go_out!urgent!locked_in');
    const seen: string[] = [];
    for (const step of stepIds) {
      for (const overlay of [undefined, 'language', 'resume'] as const) {
        for (const lang of bundle.localeCodes) {
          const snapshot: Snapshot = {
            v: 1,
            flow: flow.id,
            ver: flow.version,
            hash: flow.hash,
            step,
            ...(overlay ? { overlay } : {}),
            answers: {},
            lang,
            started: 0,
            updated: 0,
          };
          const q = renderer.renderOne(engine.currentQuestion(snapshot), lang) as Question;
          for (const b of questionKeyboard(q).inline_keyboard.flat()) {
            const data = 'callback_data' in b ? b.callback_data! : '';
            expect(Buffer.byteLength(data, 'utf8'), data).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
            expect(data, 'no degraded fallback').toMatch(/^(c\|[^|]+\|[^|]+|n\|(contacts|exit))$/);
            seen.push(data);
          }
        }
      }
    }
    expect(seen).toContain('c|go_out!urgent!locked_in|continue');
    expect(seen).toContain('c|language|id');
    // The longest, for the record.
    const longest = seen.reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a));
    expect(Buffer.byteLength(longest)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
  });
});

describe('long texts', () => {
  it('are split under 4096 characters at paragraph breaks, and nothing is lost', () => {
    const paragraph = 'Your full salary must be paid within 7 days. '.repeat(20).trim();
    const text = Array.from({ length: 12 }, () => paragraph).join('\n\n');
    expect(text.length).toBeGreaterThan(TELEGRAM_TEXT_MAX * 2);
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX);
    expect(parts.join('\n\n')).toBe(text);
    expect(parts.every((p) => p.startsWith('Your full salary'))).toBe(true);
  });

  it('without any break, are cut without splitting an emoji', () => {
    const text = '😀'.repeat(3000); // 6000 UTF-16 units
    const parts = splitText(text);
    expect(parts.join('')).toBe(text);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX);
      expect(/[\uD800-\uDBFF]$/.test(p) || /^[\uDC00-\uDFFF]/.test(p)).toBe(false);
    }
  });

  it('a long question keeps its buttons on the last part only', () => {
    const q = question(['Yes', 'No'], { text: `${'a'.repeat(4000)}\n\n${'b'.repeat(200)}` });
    const out = renderForTelegram(q);
    expect(out).toHaveLength(2);
    expect(out[0]!.keyboard).toBeUndefined();
    expect(out[1]!.keyboard?.inline_keyboard.length).toBeGreaterThan(0);
  });
});
