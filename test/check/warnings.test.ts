import { describe, expect, it } from 'vitest';
import { buttonWidth, needsNoTranslation, textLength } from '../../src/check/warnings.js';

describe('what counts as needing no translation', () => {
  it.each([
    ['{{name}}: {{phone}}', true],
    ['999', true],
    ['RainLily', true],
    ['Anti-480', true],
    ['Enrich HK', true],
    ['HELP for Domestic Workers', true],
    ['Mission for Migrant Workers', true],
    ['Bethune House (shelter)', false],
    ['Long days', false],
    ['It is fine', false],
    ['Yes', true],
    ['Seven Capitalised Words In A Row Here', false],
  ])('%s -> %s', (text, expected) => {
    expect(needsNoTranslation(text)).toBe(expected);
  });
});

describe('measuring texts', () => {
  it('counts characters as a reader sees them, and Chinese characters twice on a button', () => {
    expect(textLength('☎ Help')).toBe(6);
    expect(buttonWidth('沒問題')).toBe(6);
    expect(buttonWidth('1. Yes')).toBe(6);
  });
});
