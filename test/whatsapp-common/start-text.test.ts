import { describe, expect, it } from 'vitest';
import { parseStartText } from '../../bots/whatsapp-common/start-text.js';
import { whatsappStartText } from '../../src/leaflet/links.js';

const CODES = ['en', 'id', 'tl', 'zh-HK'];

describe('parseStartText (the text a leaflet wa.me link fills in)', () => {
  it.each([
    ['START id-mfmw2026', { kind: 'start', lang: 'id', campaign: 'mfmw2026' }],
    ['start tl-sunday_central', { kind: 'start', lang: 'tl', campaign: 'sunday_central' }],
    ['  Start   ID-mfmw2026  ', { kind: 'start', lang: 'id', campaign: 'mfmw2026' }],
    ['START zh-HK-sunday', { kind: 'start', lang: 'zh-HK', campaign: 'sunday' }],
    ['START zh-hk', { kind: 'start', lang: 'zh-HK' }],
    ['START id', { kind: 'start', lang: 'id' }],
    ['/start en-x1', { kind: 'start', lang: 'en', campaign: 'x1' }],
    ['START', { kind: 'start' }],
    ['start', { kind: 'start' }],
    // A campaign code the counts cannot take is dropped; the language stays.
    [`START id-${'c'.repeat(33)}`, { kind: 'start', lang: 'id' }],
  ])('%j → %j', (text, expected) => {
    expect(parseStartText(text, CODES)).toEqual(expected);
  });

  // Not a leaflet text (no language the bot speaks after START): the engine reads it as typed text.
  it.each([
    '1',
    'yes',
    'start again',
    'start over',
    'START mfmw2026',
    'START xx-mfmw2026',
    'START id-bad!code',
    'START id mfmw',
    'I want to start',
    'restart',
    '',
  ])('leaves %j to the engine', (text) => {
    expect(parseStartText(text, CODES)).toBeUndefined();
  });

  it.each([
    ['MULAI id-mfmw2026', { kind: 'start', lang: 'id', campaign: 'mfmw2026' }],
    ['mulai tl-x', { kind: 'start', lang: 'tl', campaign: 'x' }],
    ['開始 zh-HK-sunday', { kind: 'start', lang: 'zh-HK', campaign: 'sunday' }],
    ['開始', { kind: 'start' }],
  ])('with the start words of other languages: %j → %j', (text, expected) => {
    expect(parseStartText(text, CODES, ['start', 'mulai', '開始'])).toEqual(expected);
  });

  it('knows only the start words it is given', () => {
    expect(parseStartText('MULAI id-mfmw2026', CODES)).toBeUndefined();
    expect(parseStartText('mulai lagi', CODES, ['start', 'mulai'])).toBeUndefined();
  });

  it('reads back exactly what the leaflet links write', () => {
    for (const lang of CODES) {
      expect(parseStartText(whatsappStartText(lang, 'mfmw2026'), CODES)).toEqual({
        kind: 'start',
        lang,
        campaign: 'mfmw2026',
      });
    }
  });
});
