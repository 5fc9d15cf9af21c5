import { describe, expect, it } from 'vitest';
import { Translator } from '../src/i18n.js';
import { Renderer } from '../src/render.js';
import { shippedBundle } from './helpers/bundle.js';

describe('remembered texts', () => {
  const bundle = shippedBundle(['en', 'id']);

  it('a text with variables is remembered per value: each call shows its own values, in its language', () => {
    const t = new Translator(bundle);
    const first = [1, 3, 1, 3].map((count) => t.t('en', 'result.signs_count', { count }));
    expect(first).toEqual([
      'Your answers show 1 sign to look at:',
      'Your answers show 3 signs to look at:',
      'Your answers show 1 sign to look at:',
      'Your answers show 3 signs to look at:',
    ]);
    const fresh = new Translator(bundle);
    expect(t.t('id', 'result.signs_count', { count: 3 })).toBe(
      fresh.t('id', 'result.signs_count', { count: 3 }),
    );
    expect(t.t('id', 'result.signs_count', { count: 3 })).not.toBe(first[1]);
  });

  it('contact blocks are remembered per language and list, and equal a fresh rendering', () => {
    const ids = Object.keys(bundle.contacts.contacts);
    expect(ids.length).toBeGreaterThan(2);
    const renderer = new Renderer(bundle, new Translator(bundle));
    const cases: [string[], string][] = [
      [ids.slice(0, 2), 'en'],
      [ids.slice(1, 3), 'en'],
      [ids.slice(0, 2), 'id'],
    ];
    const once = cases.map(([list, lang]) => renderer.contactLines(list, lang));
    const again = cases.map(([list, lang]) => renderer.contactLines(list, lang));
    const fresh = cases.map(([list, lang]) =>
      new Renderer(bundle, new Translator(bundle)).contactLines(list, lang),
    );
    expect(again).toEqual(once);
    expect(once).toEqual(fresh);
    expect(new Set(once).size).toBe(3);
  });
});
