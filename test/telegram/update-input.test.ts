import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { localeForTelegramLanguage, telegramLanguageCode } from '../../bots/telegram/languages.js';
import { inputFromMessage, parseStartPayload } from '../../bots/telegram/update-input.js';

const CODES = ['en', 'id', 'tl', 'zh-HK'];
const msg = (fields: Record<string, unknown>) =>
  ({ message_id: 5, date: 0, chat: { id: 1, type: 'private', first_name: 'x' }, ...fields }) as Message;

describe('start payloads from leaflet links', () => {
  const table: [string, ReturnType<typeof parseStartPayload>][] = [
    ['id-mfmw2026', { lang: 'id', campaign: 'mfmw2026' }],
    ['tl', { lang: 'tl' }],
    ['zh-HK', { lang: 'zh-HK' }],
    ['zh-hk-sunday_central', { lang: 'zh-HK', campaign: 'sunday_central' }],
    ['EN-Leaflet-2', { lang: 'en', campaign: 'Leaflet-2' }],
    ['id-', { lang: 'id' }],
    ['id-' + 'x'.repeat(33), { lang: 'id' }],
    ['zh', {}],
    ['fr-mfmw', {}],
    ['mfmw2026', {}],
    ['id mfmw', {}],
    ['id.mfmw', {}],
    ['', {}],
    ['i'.repeat(65), {}],
  ];
  for (const [payload, expected] of table) {
    it(`"${payload.slice(0, 30)}" -> ${JSON.stringify(expected)}`, () => {
      expect(parseStartPayload(payload, CODES)).toEqual(expected);
    });
  }
});

describe('messages to engine inputs', () => {
  it('maps /start, the commands, text and everything else', () => {
    expect(inputFromMessage(msg({ text: '/start' }), CODES)).toEqual({ kind: 'start' });
    expect(inputFromMessage(msg({ text: '/start id-mfmw2026' }), CODES)).toEqual({
      kind: 'start',
      lang: 'id',
      campaign: 'mfmw2026',
    });
    expect(inputFromMessage(msg({ text: '/start@work_check_bot tl' }), CODES)).toEqual({
      kind: 'start',
      lang: 'tl',
    });
    expect(inputFromMessage(msg({ text: `/start id-${'x'.repeat(80)}` }), CODES)).toEqual({ kind: 'start' });
    expect(inputFromMessage(msg({ text: '/START ID' }), CODES)).toEqual({ kind: 'start', lang: 'id' });
    for (const c of ['help', 'contacts', 'language', 'exit', 'restart']) {
      expect(inputFromMessage(msg({ text: `/${c}` }), CODES)).toEqual({ kind: 'command', command: c });
    }
    expect(inputFromMessage(msg({ text: '/EXIT' }), CODES)).toEqual({ kind: 'command', command: 'exit' });
    expect(inputFromMessage(msg({ text: '/weather' }), CODES)).toEqual({ kind: 'text', text: '/weather' });
    expect(inputFromMessage(msg({ text: 'ya' }), CODES)).toEqual({ kind: 'text', text: 'ya' });
    expect(inputFromMessage(msg({ photo: [], caption: '/exit' }), CODES)).toEqual({ kind: 'unsupported' });
    expect(inputFromMessage(msg({ sticker: {} }), CODES)).toEqual({ kind: 'unsupported' });
    expect(inputFromMessage(msg({ some_future_kind: {} }), CODES)).toEqual({ kind: 'unsupported' });
    expect(
      inputFromMessage(msg({ message_auto_delete_timer_changed: { message_auto_delete_time: 60 } }), CODES),
    ).toBeNull();
    expect(inputFromMessage(msg({ pinned_message: {} }), CODES)).toBeNull();
  });
});

describe('languages', () => {
  it("maps Telegram's app language to a locale (only to word the fail-safe message)", () => {
    expect(localeForTelegramLanguage('id', CODES)).toBe('id');
    expect(localeForTelegramLanguage('en-GB', CODES)).toBe('en');
    expect(localeForTelegramLanguage('fil', CODES)).toBe('tl');
    expect(localeForTelegramLanguage('zh-hant', CODES)).toBe('zh-HK');
    expect(localeForTelegramLanguage('zh-HK', CODES)).toBe('zh-HK');
    expect(localeForTelegramLanguage('fr', CODES)).toBeNull();
    expect(localeForTelegramLanguage(undefined, CODES)).toBeNull();
  });

  it('gives setMyCommands two-letter codes', () => {
    expect(telegramLanguageCode('zh-HK')).toBe('zh');
    expect(telegramLanguageCode('tl')).toBe('tl');
    expect(telegramLanguageCode('id')).toBe('id');
    expect(telegramLanguageCode('fil')).toBeNull();
  });
});
