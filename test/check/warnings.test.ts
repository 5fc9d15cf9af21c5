import { describe, expect, it } from 'vitest';
import { needsNoTranslation, textLength } from '../../src/check/warnings.js';
import { displayWidth } from '../../src/text-width.js';

describe('what counts as needing no translation', () => {
  it.each([
    ['{{name}}: {{phone}}', 'contacts.line', true],
    ['999', 'contact.police_emergency.what', true],
    ['RainLily', 'contact.rainlily.name', true],
    ['Anti-480', 'contact.anti480.name', true],
    ['Enrich HK', 'contact.enrich.name', true],
    ['HELP for Domestic Workers', 'contact.help_dw.name', true],
    ['Mission for Migrant Workers', 'contact.mfmw.name', true],
    ['Bethune House (shelter)', 'contact.bethune.name', false],
    ['Seven Capitalised Words In A Row Here', 'contact.x.name', false],
    // Outside a contact's name, words are words: a left-over English "Yes" on a button is reported.
    ['Yes', 'answer.yes', false],
    ['Help', 'nav.contacts', false],
    ['Long days', 'indicator.long_days.name', false],
    ['It is fine', 'q.work.fine', false],
    ['RainLily', 'contact.rainlily.what', false],
  ])('%s (%s) -> %s', (text, key, expected) => {
    expect(needsNoTranslation(text, key)).toBe(expected);
  });
});

describe('measuring texts', () => {
  it('counts characters as a reader sees them, and Chinese characters twice on a button', () => {
    expect(textLength('☎ Help')).toBe(6);
    expect(displayWidth('沒問題')).toBe(6);
    expect(displayWidth('1. Yes')).toBe(6);
  });
});
