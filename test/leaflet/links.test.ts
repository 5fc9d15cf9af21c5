import { describe, expect, it } from 'vitest';
import { parseStartPayload } from '../../bots/telegram/update-input.js';
import { parseStartText, startWordsOf } from '../../bots/whatsapp-common/start-text.js';
import { loadCheckedBundle } from '../../src/app.js';
import { Translator } from '../../src/i18n.js';
import { PROJECT_ROOT } from '../../src/app.js';
import { loadLeafletConfig } from '../../src/config.js';
import { readLocales } from '../../src/locales.js';
import { LeafletError } from '../../src/leaflet/leaflet-error.js';
import { telegramLink, whatsappLink, whatsappStartText } from '../../src/leaflet/links.js';
import { checkChannels } from '../../src/leaflet/make-leaflet.js';
import { checkCampaign, startPayload, TELEGRAM_START_PAYLOAD_MAX } from '../../src/leaflet/start-payload.js';

/** Every language the bot ships (locales/<code>/), whether or not its texts are complete yet. */
const shippedCodes = readLocales(PROJECT_ROOT).locales.map((l) => l.code);

describe('campaign codes', () => {
  it.each(['mfmw2026', 'demo', 'Sunday_Central-3', 'a', 'x'.repeat(32)])('accepts %s', (code) => {
    expect(checkCampaign(code)).toBe(code);
  });

  it.each([
    ['an empty code', '', 'The campaign code is empty'],
    ['a space', 'mfmw 2026', 'has characters a link cannot carry (" ")'],
    ['punctuation', 'mfmw!2026?', '("!" "?")'],
    ['a slash or ampersand (would break the link)', 'a/b&c', '("/" "&")'],
    ['non-ASCII letters', 'café', '("é")'],
    ['a Chinese code', '中環', '("中" "環")'],
    ['33 characters', 'x'.repeat(33), 'is 33 characters long; use at most 32'],
  ])('rejects %s with a clear message', (_what, code, message) => {
    expect(() => checkCampaign(code)).toThrow(LeafletError);
    expect(() => checkCampaign(code)).toThrow(message);
  });

  it('keeps the Telegram start payload within 64 characters', () => {
    expect(TELEGRAM_START_PAYLOAD_MAX).toBe(64);
    const campaign = 'c'.repeat(32);
    expect(startPayload('zh-HK', campaign)).toHaveLength(5 + 1 + 32);
    // Only a language code longer than any the bot has could push it over; still refused clearly.
    expect(startPayload('x'.repeat(31), campaign)).toHaveLength(64);
    expect(() => startPayload('x'.repeat(32), campaign)).toThrow(
      'is 65 characters long; Telegram allows at most 64',
    );
    expect(() => startPayload('en', 'bad code')).toThrow(LeafletError);
  });
});

describe('links', () => {
  it('Telegram: t.me deep link with <lang>-<campaign>', () => {
    expect(telegramLink('SafeCheckHKBot', 'id', 'mfmw2026')).toBe(
      'https://t.me/SafeCheckHKBot?start=id-mfmw2026',
    );
    expect(telegramLink('SafeCheckHKBot', 'zh-HK', 'demo')).toBe(
      'https://t.me/SafeCheckHKBot?start=zh-HK-demo',
    );
  });

  it('WhatsApp: wa.me link with the start text, URL-encoded', () => {
    expect(whatsappStartText('id', 'mfmw2026')).toBe('START id-mfmw2026');
    expect(whatsappLink('85212345678', 'id', 'mfmw2026')).toBe(
      'https://wa.me/85212345678?text=START%20id-mfmw2026',
    );
    // With the language's own start word, in capitals; scripts without capitals stay as they are.
    expect(whatsappStartText('id', 'mfmw2026', 'mulai')).toBe('MULAI id-mfmw2026');
    expect(whatsappLink('85212345678', 'th', 'demo', 'เริ่ม')).toBe(
      `https://wa.me/85212345678?text=${encodeURIComponent('เริ่ม')}%20th-demo`,
    );
  });

  it('every language has a start word of its own, and the WhatsApp adapter knows them all', () => {
    const translator = new Translator(loadCheckedBundle());
    const words = startWordsOf(translator);
    for (const lang of translator.codes) {
      const first = translator.words(lang, 'command.start.words')[0];
      expect(first, lang).toBeTruthy();
      const url = new URL(whatsappLink('85212345678', lang, 'mfmw2026', first));
      expect(parseStartText(url.searchParams.get('text')!, translator.codes, words)).toEqual({
        kind: 'start',
        lang,
        campaign: 'mfmw2026',
      });
    }
  });

  it.each(shippedCodes)(
    '%s: the Telegram adapter reads the language and campaign back from the link',
    (lang) => {
      for (const campaign of ['mfmw2026', 'sunday-central_2', 'x'.repeat(32)]) {
        const url = new URL(telegramLink('SafeCheckHKBot', lang, campaign));
        // Telegram sends "/start <payload>" for a t.me/<bot>?start=<payload> link.
        expect(parseStartPayload(url.searchParams.get('start')!, shippedCodes)).toEqual({ lang, campaign });
      }
    },
  );

  it.each(shippedCodes)(
    '%s: the WhatsApp adapter reads the language and campaign back from the link',
    (lang) => {
      for (const campaign of ['mfmw2026', 'sunday-central_2', 'x'.repeat(32)]) {
        const url = new URL(whatsappLink('85212345678', lang, campaign));
        expect(url.host).toBe('wa.me');
        expect(url.pathname).toBe('/85212345678');
        // WhatsApp fills in the decoded text; she presses Send and the bot gets exactly that.
        expect(parseStartText(url.searchParams.get('text')!, shippedCodes)).toEqual({
          kind: 'start',
          lang,
          campaign,
        });
      }
    },
  );
});

describe('channel settings', () => {
  it('both set: both channels, no warning', () => {
    expect(checkChannels({ telegramBotUsername: 'SafeCheckHKBot', whatsappNumber: '85212345678' })).toEqual({
      channels: ['telegram', 'whatsapp'],
      warnings: [],
    });
  });

  it('one missing: that channel is left off with a warning', () => {
    expect(checkChannels({ whatsappNumber: '85212345678' })).toEqual({
      channels: ['whatsapp'],
      warnings: ['TELEGRAM_BOT_USERNAME is not set: the leaflets have no Telegram code.'],
    });
    expect(checkChannels({ telegramBotUsername: 'SafeCheckHKBot' })).toEqual({
      channels: ['telegram'],
      warnings: ['WHATSAPP_NUMBER is not set: the leaflets have no WhatsApp code.'],
    });
  });

  it('both missing: a clear error', () => {
    expect(() => checkChannels({})).toThrow(
      'Neither TELEGRAM_BOT_USERNAME nor WHATSAPP_NUMBER is set, so a leaflet would have no way to reach the bot.',
    );
  });

  it('settings are tidied: "@" before the bot name, "+", spaces and dashes in the number', () => {
    expect(
      loadLeafletConfig({ TELEGRAM_BOT_USERNAME: '@SafeCheckHKBot', WHATSAPP_NUMBER: '+852 1234-5678' }),
    ).toEqual({
      TELEGRAM_BOT_USERNAME: 'SafeCheckHKBot',
      WHATSAPP_NUMBER: '85212345678',
      CHROMIUM_PATH: '/usr/bin/chromium',
    });
    expect(loadLeafletConfig({ TELEGRAM_BOT_USERNAME: '', WHATSAPP_NUMBER: '' })).toMatchObject({
      TELEGRAM_BOT_USERNAME: undefined,
      WHATSAPP_NUMBER: undefined,
    });
  });

  it.each([
    [
      { TELEGRAM_BOT_USERNAME: 'https://t.me/SafeCheckHKBot' },
      "TELEGRAM_BOT_USERNAME: must be the bot's user name",
    ],
    [{ TELEGRAM_BOT_USERNAME: 'SafeCheckHK' }, "TELEGRAM_BOT_USERNAME: must be the bot's user name"],
    [
      { WHATSAPP_NUMBER: '0085212345678' },
      "WHATSAPP_NUMBER: must be the bot's WhatsApp number in international digits",
    ],
    [
      { WHATSAPP_NUMBER: '852 1234 567x' },
      "WHATSAPP_NUMBER: must be the bot's WhatsApp number in international digits",
    ],
  ])('a badly written setting stops with a message naming it: %j', (env, message) => {
    expect(() => loadLeafletConfig(env)).toThrow(message);
  });
});
