import i18next, { type i18n } from 'i18next';
import type { Bundle } from './bundle.js';
import { BASE_LOCALE } from './locales.js';

/**
 * Development only: put before a text shown in English because its language lacks it (see
 * `englishFallback` in src/bundle.ts). The preview highlights it; the terminal chat shows it as it is.
 */
export const UNTRANSLATED_MARK = '[EN] ';

/** Variables a text may use, e.g. `{{count}}` or `{{maw}}`. */
export type Vars = Record<string, string | number>;

/** Texts remembered by a translator, at most (those without variables are bounded by the bundle anyway). */
const TEXTS_MAX = 20_000;

/** Renders translation keys with i18next. Every text also sees the figures from flows/hk-rules.yaml. */
export class Translator {
  private readonly i18n: i18n;
  readonly codes: readonly string[];

  constructor(private readonly bundle: Bundle) {
    this.codes = bundle.localeCodes;
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      resources: Object.fromEntries(bundle.locales.map((l) => [l.code, { translation: l.resources }])),
      lng: BASE_LOCALE,
      fallbackLng: BASE_LOCALE,
      supportedLngs: [...bundle.localeCodes],
      interpolation: { escapeValue: false },
      initAsync: false,
      returnNull: false,
      returnEmptyString: false,
      showSupportNotice: false,
    } as Parameters<i18n['init']>[0]);
  }

  /** The text for `key` in `lang` (English if the language is unknown), with variables filled in. */
  t(lang: string | null, key: string, vars: Vars = {}): string {
    const lng = lang && this.codes.includes(lang) ? lang : BASE_LOCALE;
    // Texts depend only on the bundle (fixed for this translator), the language, the key and the
    // variables, which are ids and figures, never anything she typed. Most calls have none, and
    // rendering is the largest cost of a turn, so texts are remembered: by language and key, and by
    // the variables' values for the few that have some (a count, a phone number, a contact's name).
    let id = `${lng}\u0000${key}`;
    for (const name in vars) id += `\u0000${name}=${vars[name]}`;
    const cached = this.plainTexts.get(id);
    if (cached !== undefined) return cached;
    const translated = this.i18n.t(key, { lng, ...this.figuresFor(lng), ...vars }) as string;
    const text = this.bundle.untranslated?.get(lng)?.has(key) ? `${UNTRANSLATED_MARK}${translated}` : translated;
    if (this.plainTexts.size < TEXTS_MAX) this.plainTexts.set(id, text);
    return text;
  }

  /** The figures of flows/hk-rules.yaml for one language: dates written the way that language writes them. */
  private figuresFor(lng: string): Record<string, string> {
    let figures = this.localFigures.get(lng);
    if (figures) return figures;
    figures = { ...this.bundle.figures };
    for (const name of this.bundle.dateFigures) figures[name] = this.formatDate(lng, this.bundle.figures[name]!);
    this.localFigures.set(lng, figures);
    return figures;
  }

  private readonly localFigures = new Map<string, Record<string, string>>();

  /** A YYYY-MM-DD date as `format.date` of the language says, with its month names (`format.months`). */
  formatDate(lang: string, iso: string): string {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!m) return iso;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const months = this.words(lang, 'format.months');
    const names = months.length === 12 ? months : this.words(BASE_LOCALE, 'format.months');
    const lng = this.has(lang, 'format.date') ? lang : BASE_LOCALE;
    return this.i18n.t('format.date', {
      lng,
      day,
      month: names[month - 1] ?? String(month),
      year,
      year_be: year + 543,
    }) as string;
  }

  /** Texts by language, key and variables (at most TEXTS_MAX). */
  private readonly plainTexts = new Map<string, string>();

  /** A comma-separated word list (e.g. `command.exit.words`) as separate words; empty when the key is absent. */
  words(lang: string, key: string): string[] {
    const l = this.bundle.locales.find((x) => x.code === lang);
    const raw = l?.keys.get(key)?.value;
    return raw ? raw.split(',').map((w) => w.trim()).filter(Boolean) : [];
  }

  /** True when the language has the key itself (no English fallback). */
  has(lang: string, key: string): boolean {
    return this.bundle.locales.find((x) => x.code === lang)?.keys.has(key) ?? false;
  }
}
