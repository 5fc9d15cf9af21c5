import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/app.js';
import { loadBundle } from '../src/bundle.js';
import { Translator } from '../src/i18n.js';
import { baseKeys, pluralCategories, readLocales } from '../src/locales.js';

const { locales, problems } = readLocales(PROJECT_ROOT);
const en = locales.find((l) => l.code === 'en')!;

describe('locales', () => {
  it('all parse', () => {
    expect(problems).toEqual([]);
  });

  it.each(locales.filter((l) => l.code !== 'en').map((l) => [l.code, l] as const))(
    '%s has exactly the keys of English (plural forms folded)',
    (_code, locale) => {
      const mine = baseKeys(locale);
      const base = baseKeys(en);
      expect([...base].filter((k) => !mine.has(k)), 'missing keys').toEqual([]);
      expect([...mine].filter((k) => !base.has(k)), 'extra keys').toEqual([]);
    },
  );

  it.each(locales.map((l) => [l.code, l] as const))('%s has every plural form its language needs', (code, locale) => {
    for (const k of locale.keys.keys()) {
      const m = /^(.*)_(one|other)$/.exec(k);
      if (!m) continue;
      for (const c of pluralCategories(code)) expect(locale.keys.has(`${m[1]}_${c}`), `${m[1]}_${c}`).toBe(true);
    }
  });

  it.each(locales.map((l) => [l.code, l] as const))('%s keeps every {{variable}} of the English text', (_code, locale) => {
    for (const [key, { value }] of en.keys) {
      if (key === 'format.date') continue; // the date pattern is the language's own (tested below)
      const vars = (value.match(/\{\{\w+\}\}/g) ?? []).sort();
      const other = locale.keys.get(key) ?? locale.keys.get(key.replace(/_one$/, '_other'));
      if (!other) continue;
      const theirs = (other.value.match(/\{\{\w+\}\}/g) ?? []).sort();
      // A translation may drop {{count}} in a plural form, never a fact such as {{maw}} or {{phone}}.
      expect(theirs.filter((v) => v !== '{{count}}'), `${locale.code} ${key}`).toEqual(vars.filter((v) => v !== '{{count}}'));
    }
  });

  it.each(locales.map((l) => [l.code, l] as const))('%s writes dates with a day, a month name and a year', (code, locale) => {
    const pattern = locale.keys.get('format.date')?.value ?? '';
    expect(pattern).toContain('{{day}}');
    expect(pattern).toContain('{{month}}');
    expect(pattern).toMatch(/\{\{year(_be)?\}\}/);
    expect(pattern.replace(/\{\{(day|month|year|year_be)\}\}/g, '')).not.toMatch(/\{\{/);
    expect((locale.keys.get('format.months')?.value ?? '').split(',').filter((m) => m.trim()).length, code).toBe(12);
  });

  it('the Minimum Allowable Wage date reads as each language writes dates', () => {
    const { bundle } = loadBundle({ root: PROJECT_ROOT });
    if (!bundle) throw new Error('the shipped bundle does not load');
    const t = new Translator(bundle);
    expect(t.formatDate('en', '2025-09-30')).toBe('30 September 2025');
    expect(t.formatDate('zh-HK', '2025-09-30')).toBe('2025年9月30日');
    expect(t.formatDate('th', '2025-09-30')).toBe('30 กันยายน 2568');
    expect(t.formatDate('id', '2025-09-30')).toBe('30 September 2025');
    // No ISO date is ever shown to a worker.
    for (const lang of bundle.localeCodes) expect(t.t(lang, 'q.wage_amount.text')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('plurals follow Intl.PluralRules: Tagalog uses "one" for 2 and 3, Indonesian and Chinese only "other"', () => {
    expect(new Intl.PluralRules('tl').select(2)).toBe('one');
    expect(pluralCategories('id')).toEqual(['other']);
    expect(pluralCategories('zh-HK')).toEqual(['other']);
    const { bundle } = loadBundle({ root: PROJECT_ROOT });
    if (!bundle) throw new Error('the shipped bundle does not load');
    const t = new Translator(bundle);
    expect(t.t('en', 'result.signs_count', { count: 1 })).toContain('1 sign ');
    expect(t.t('en', 'result.signs_count', { count: 2 })).toContain('2 signs');
    for (const lang of bundle.localeCodes) {
      const form = new Intl.PluralRules(lang).select(3);
      const raw = bundle.locales.find((l) => l.code === lang)!.keys.get(`result.signs_count_${form}`)!.value;
      expect(t.t(lang, 'result.signs_count', { count: 3 })).toBe(raw.replace('{{count}}', '3'));
    }
  });

  it('every language names itself in the language menu, in its own script', () => {
    const names = locales.map((l) => l.keys.get('language.name')?.value);
    expect(new Set(names).size).toBe(locales.length);
  });
});
