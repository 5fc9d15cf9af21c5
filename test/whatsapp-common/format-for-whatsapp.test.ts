import { describe, expect, it } from 'vitest';
import {
  formatForWhatsApp,
  MAX_WHATSAPP_TEXT,
  splitLongText,
} from '../../bots/whatsapp-common/format-for-whatsapp.js';

describe('formatForWhatsApp', () => {
  it('writes a question as its text, a numbered list and the hint line', () => {
    const text = formatForWhatsApp({
      type: 'question',
      id: 'rest_day',
      text: 'Do you get a full rest day (24 hours) every week?',
      indicators: [],
      choices: [
        { id: 'yes', label: 'Yes, every week', signals: [], strong: [], possible: [] },
        { id: 'sometimes', label: 'Only sometimes', signals: ['rest_day_denied'], strong: ['rest_day_denied'], possible: [] },
        { id: 'no', label: 'No', signals: ['rest_day_denied'], strong: ['rest_day_denied'], possible: [] },
      ],
      nav: [
        { id: 'contacts', label: '☎ Help numbers' },
        { id: 'exit', label: '✖ Exit and delete' },
      ],
      hint: 'Type the number of your answer. HELP = phone numbers, EXIT = stop and delete.',
    });
    expect(text).toBe(
      'Do you get a full rest day (24 hours) every week?\n\n1) Yes, every week\n2) Only sometimes\n3) No\n\n' +
        'Type the number of your answer. HELP = phone numbers, EXIT = stop and delete.',
    );
  });

  it('sends messages and results as they are', () => {
    expect(formatForWhatsApp({ type: 'message', text: 'Chat ended.', exit: true })).toBe('Chat ended.');
    const result = 'Thank you. Here is what your answers show.\n\nWho can help first (free):\n• Police emergency: call 999';
    expect(
      formatForWhatsApp({
        type: 'result',
        text: result,
        level: 'no_signs',
        indicators: [],
        possible: [],
        dimensions: { involuntary: [], coercion: [] },
        contacts: ['police_emergency', 'mfmw'],
        summary: ['police_emergency'],
      }),
    ).toBe(result);
  });
});

describe('splitLongText', () => {
  it('leaves a short text alone', () => {
    expect(splitLongText('short')).toEqual(['short']);
    expect(splitLongText('x'.repeat(MAX_WHATSAPP_TEXT))).toHaveLength(1);
  });

  it('splits at blank lines first, every part within the limit, nothing lost', () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: ${'word '.repeat(40).trim()}`);
    const text = paragraphs.join('\n\n');
    const parts = splitLongText(text, 1000);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 1000)).toBe(true);
    expect(parts.join('\n\n')).toBe(text);
  });

  it('falls back to line breaks, spaces, and finally a hard cut that keeps emoji whole', () => {
    expect(splitLongText('aaaa\nbbbb', 6)).toEqual(['aaaa', 'bbbb']);
    expect(splitLongText('aaaa bbbb', 6)).toEqual(['aaaa', 'bbbb']);
    const emoji = '😀'.repeat(5); // 10 UTF-16 units
    const parts = splitLongText(emoji, 5);
    expect(parts.join('')).toBe(emoji);
    expect(parts.every((p) => p.length <= 5 && !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});
