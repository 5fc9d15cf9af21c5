import { describe, expect, it } from 'vitest';
import {
  questionForm,
  renderForCloud,
  type QuestionTexts,
} from '../../bots/whatsapp-cloud/interactive-question.js';

const nav = [
  { id: 'contacts' as const, label: '☎ Help numbers' },
  { id: 'exit' as const, label: '✖ Exit and delete' },
];
const question = (labels: string[], text = 'Do you keep your passport?'): QuestionTexts => ({
  id: 'passport',
  text,
  hint: 'Type the number of your answer.',
  nav,
  choices: labels.map((label, i) => ({ id: `c${i}`, label })),
});

describe('a question as a WhatsApp interactive message', () => {
  it('up to three short answers are reply buttons carrying the step and answer ids', () => {
    const form = questionForm(question(['Yes', 'No', 'Not sure']), 'Choose an answer');
    expect(form.kind).toBe('buttons');
    expect(form.kind !== 'none' && form.message).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Do you keep your passport?\n\nType the number of your answer.' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'c|passport|c0', title: '1. Yes' } },
            { type: 'reply', reply: { id: 'c|passport|c1', title: '2. No' } },
            { type: 'reply', reply: { id: 'c|passport|c2', title: '3. Not sure' } },
          ],
        },
      },
    });
  });

  it('button titles go without numbers when a numbered one would not fit', () => {
    const form = questionForm(question(['Yes', 'I am really not sure']), 'Choose an answer');
    const titles = (
      form as { message: { interactive: { action: { buttons: { reply: { title: string } }[] } } } }
    ).message.interactive.action.buttons.map((b) => b.reply.title);
    expect(titles).toEqual(['Yes', 'I am really not sure', '☎ Help numbers']);
  });

  it('a yes/no question keeps the help numbers one tap away in the spare button, never exit', () => {
    const form = questionForm(question(['Yes', 'No']), 'Choose an answer');
    const buttons = (
      form as {
        message: { interactive: { action: { buttons: { reply: { id: string; title: string } }[] } } };
      }
    ).message.interactive.action.buttons.map((b) => b.reply);
    expect(buttons).toEqual([
      { id: 'c|passport|c0', title: '1. Yes' },
      { id: 'c|passport|c1', title: '2. No' },
      { id: 'n|contacts', title: '☎ Help numbers' },
    ]);
  });

  it('a fourth answer, or one over 20 characters, makes a list with numbered rows, then help numbers and exit', () => {
    for (const labels of [
      ['Yes', 'No', 'Not sure', 'Maybe'],
      ['Yes', 'My employer keeps it.'],
    ]) {
      const form = questionForm(question(labels), 'Choose an answer');
      expect(form.kind).toBe('list');
      const rows = (
        form as {
          message: { interactive: { action: { sections: { rows: { id: string; title: string }[] }[] } } };
        }
      ).message.interactive.action.sections[0]!.rows;
      expect(rows.map((r) => r.title)).toEqual([
        ...labels.map((l, i) => `${i + 1}. ${l}`),
        '☎ Help numbers',
        '✖ Exit and delete',
      ]);
      expect(rows.slice(-2).map((r) => r.id)).toEqual(['n|contacts', 'n|exit']);
    }
  });

  it('a label too long for a row title is cut there and given whole as the description', () => {
    const long = 'My employer or the agency keeps it for me';
    const form = questionForm(question(['Yes', long]), 'Choose an answer');
    const row = (
      form as {
        message: {
          interactive: { action: { sections: { rows: { title: string; description?: string }[] }[] } };
        };
      }
    ).message.interactive.action.sections[0]!.rows[1]!;
    expect([...row.title].length).toBeLessThanOrEqual(24);
    expect(row.title).toBe('2. My employer or the a…');
    expect(row.description).toBe(long);
  });

  it('names what fits no form: a label over 72 characters, a long text, a long list button, eleven answers', () => {
    const tooLong = 'x'.repeat(73);
    expect(questionForm(question(['Yes', tooLong]), 'Choose').kind === 'none').toBe(true);
    expect(questionForm(question(['Yes', tooLong]), 'Choose')).toEqual({
      kind: 'none',
      problems: [{ what: 'choice', index: 1, length: 73, limit: 72 }],
    });
    expect(
      questionForm(question(['a', 'b', 'c', 'd'], 'y'.repeat(1000)), 'A list button that is far too long'),
    ).toEqual({
      kind: 'none',
      problems: [
        { what: 'body', length: 1033, limit: 1024 },
        { what: 'list_button', length: 34, limit: 20 },
      ],
    });
    const eleven = questionForm(question(Array.from({ length: 11 }, (_, i) => `answer ${i}`)), 'Choose');
    expect(eleven).toEqual({ kind: 'none', problems: [{ what: 'choices', length: 11, limit: 10 }] });
  });

  it('with ten answers the list leaves out the help-number and exit rows (their words are in the hint)', () => {
    const form = questionForm(question(Array.from({ length: 10 }, (_, i) => `answer ${i}`)), 'Choose');
    expect(form.kind).toBe('list');
  });

  it('what fits no form is sent as the numbered text every WhatsApp channel uses', () => {
    const q = {
      ...question(['Yes', 'x'.repeat(80)]),
      type: 'question' as const,
      indicators: [],
      choices: [
        { id: 'yes', label: 'Yes', signals: [], strong: [], possible: [] },
        { id: 'long', label: 'x'.repeat(80), signals: [], strong: [], possible: [] },
      ],
    };
    expect(renderForCloud(q, 'Choose')).toEqual([
      {
        type: 'text',
        text: {
          body: `Do you keep your passport?\n\n1) Yes\n2) ${'x'.repeat(80)}\n\nType the number of your answer.`,
          preview_url: false,
        },
      },
    ]);
  });
});
