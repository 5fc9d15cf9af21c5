import { describe, expect, it } from 'vitest';
import { MAX_WHATSAPP_TEXT } from '../../bots/whatsapp-common/format-for-whatsapp.js';
import { TELEGRAM_TEXT_MAX } from '../../bots/telegram/telegram-message.js';
import { CHANNEL_VIEWS, renderForChannels } from '../../src/preview/channel-views.js';
import type { RenderedMessage } from '../../src/render.js';

type Question = Extract<RenderedMessage, { type: 'question' }>;

const question = (labels: string[]): Question => ({
  type: 'question',
  id: 'room',
  text: '你住在哪裏？',
  indicators: [],
  choices: labels.map((label, i) => ({ id: `c${i}`, label, signals: [], strong: [], possible: [] })),
  nav: [
    { id: 'contacts', label: '☎ 求助電話' },
    { id: 'exit', label: '✖ 離開並刪除' },
  ],
  hint: '隨時輸入 EXIT 離開。',
});
const ctx = { t: (key: string) => `<${key}>` };

describe('the phone views of the preview', () => {
  it('lists Telegram first, then the two WhatsApp channels', () => {
    expect(CHANNEL_VIEWS.map((v) => [v.id, v.name])).toEqual([
      ['telegram', 'Telegram'],
      ['whatsapp', 'WhatsApp (Web)'],
      ['whatsapp-cloud', 'WhatsApp (Cloud API)'],
    ]);
  });

  it('WhatsApp Cloud API: short answers as reply buttons, one per row, then the help numbers; each taps its answer or command', () => {
    const phone = renderForChannels([question(['是', '否'])], ctx);
    expect(phone['whatsapp-cloud']).toEqual([
      {
        text: '你住在哪裏？\n\n隨時輸入 EXIT 離開。',
        type: 'question',
        rows: [
          [{ text: '1. 是', input: { kind: 'choice', id: 'c0', step: 'room' } }],
          [{ text: '2. 否', input: { kind: 'choice', id: 'c1', step: 'room' } }],
          [{ text: '☎ 求助電話', input: { kind: 'command', command: 'contacts' } }],
        ],
      },
    ]);
  });

  it('WhatsApp Cloud API: a long answer makes a list: its button under the body, then the rows of the sheet, help numbers and exit last', () => {
    const long = '和我照顧的小朋友或女士同房，或者在客廳、廚房或浴室裏';
    const phone = renderForChannels([question(['在我自己的房間', long])], ctx);
    const [bubble] = phone['whatsapp-cloud']!;
    expect(bubble!.text).toBe('你住在哪裏？\n\n隨時輸入 EXIT 離開。\n\n[<nav.choose>]');
    expect(bubble!.rows.map((r) => r.map((b) => b.input))).toEqual([
      [{ kind: 'choice', id: 'c0', step: 'room' }],
      [{ kind: 'choice', id: 'c1', step: 'room' }],
      [{ kind: 'command', command: 'contacts' }],
      [{ kind: 'command', command: 'exit' }],
    ]);
    expect(bubble!.rows[0]![0]!.text).toBe('1. 在我自己的房間');
    // The whole label is in the row's description, after the cut title.
    expect(bubble!.rows[1]![0]!.text.endsWith(`· ${long}`)).toBe(true);
  });

  it('Telegram: the bot\'s rows (long Chinese answers one to a row), each button tapping its answer or command', () => {
    const phone = renderForChannels([question(['在我自己的房間', '和我照顧的小朋友或女士同房'])], ctx);
    expect(phone.telegram).toEqual([
      {
        text: '你住在哪裏？',
        type: 'question',
        rows: [
          [{ text: '1. 在我自己的房間', input: { kind: 'choice', id: 'c0', step: 'room' } }],
          [{ text: '2. 和我照顧的小朋友或女士同房', input: { kind: 'choice', id: 'c1', step: 'room' } }],
          [
            { text: '☎ 求助電話', input: { kind: 'command', command: 'contacts' } },
            { text: '✖ 離開並刪除', input: { kind: 'command', command: 'exit' } },
          ],
        ],
      },
    ]);
    // Short answers share a row, as the bot sends them.
    expect(renderForChannels([question(['是', '否'])], ctx).telegram![0]!.rows[0]!.map((b) => b.text)).toEqual(['1. 是', '2. 否']);
  });

  it('WhatsApp: the numbered list and the hint in the text, no buttons', () => {
    const phone = renderForChannels([question(['是', '否'])], ctx);
    expect(phone.whatsapp).toEqual([{ text: '你住在哪裏？\n\n1) 是\n2) 否\n\n隨時輸入 EXIT 離開。', type: 'question', rows: [] }]);
  });

  it('splits a long text where each channel splits it', () => {
    const paragraph = `${'x'.repeat(99)}\n\n`;
    const text = paragraph.repeat(45).trim(); // about 4,500 characters
    const phone = renderForChannels([{ type: 'message', text }], ctx);
    // Telegram: at the last blank line before 4,096 characters (40 paragraphs and the 39 blank lines between them).
    expect(phone.telegram!.map((b) => b.text.length)).toEqual([40 * 99 + 39 * 2, 5 * 99 + 4 * 2]);
    expect(phone.telegram!.every((b) => b.text.length <= TELEGRAM_TEXT_MAX)).toBe(true);
    expect(phone.whatsapp!.every((b) => b.text.length <= MAX_WHATSAPP_TEXT)).toBe(true);
    expect(phone.whatsapp).toHaveLength(2);
    expect(phone.telegram!.map((b) => b.text).join('\n\n')).toBe(text);
  });

  it('a quick exit on WhatsApp: one line with how to clear the chat; on Telegram the exit line alone', () => {
    const phone = renderForChannels([{ type: 'message', text: 'Chat ended.', exit: true }], ctx);
    expect(phone.whatsapp).toEqual([{ text: 'Chat ended.\n<exit.clear_chat>', type: 'message', rows: [] }]);
    // The Cloud API cannot delete her messages: its line says how to delete the chat herself.
    expect(phone['whatsapp-cloud']).toEqual([{ text: 'Chat ended.\n<exit.delete_chat>', type: 'message', rows: [] }]);
    expect(phone.telegram).toEqual([{ text: 'Chat ended.', type: 'message', rows: [] }]);
  });
});
