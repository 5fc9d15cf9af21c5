import type { Bundle } from './bundle.js';
import { contactWays } from './contacts.js';
import type { Intent } from './engine.js';
import type { Translator } from './i18n.js';
import type { Level } from './system-keys.js';

/** A choice as the user sees it. */
export interface RenderedChoice {
  id: string;
  label: string;
  /** Indicator ids that choosing it signals, strong and possible (empty for a harmless answer). */
  signals: string[];
  /** The indicators it signals strongly: these count for the result level. */
  strong: string[];
  /** The indicators it signals as possible only: listed for her to check, never raising the level. */
  possible: string[];
  /** Present and true when choosing it signals danger now. */
  urgent?: true;
}

/**
 * A message ready for any channel: the text is final, choices are labelled.
 * This is also the terminal chat's `--json` protocol, one object per line.
 */
export type RenderedMessage =
  | {
      type: 'message';
      text: string;
      contacts?: string[];
      exit?: true;
      /** Present on the rights-and-all-numbers message shown on a tap after the result. */
      details?: true;
    }
  | {
      type: 'question';
      id: string;
      text: string;
      indicators: string[];
      choices: RenderedChoice[];
      /** The always-available ways out, as labelled buttons (contacts, exit). */
      nav: { id: 'contacts' | 'exit'; label: string }[];
      /** One line telling a typing user about the exit and contacts words. */
      hint: string;
    }
  | {
      type: 'result';
      text: string;
      level: Level;
      indicators: string[];
      possible: string[];
      dimensions: { involuntary: string[]; coercion: string[] };
      /** Every recommended contact (shown in full with the details). */
      contacts: string[];
      /** The few contacts shown with the short result. */
      summary: string[];
    };

/** Keeps a phone number on one line: its spaces become no-break spaces. */
export function unbreakableNumber(number: string): string {
  return number.replace(/ /g, '\u00a0');
}

/** Turns engine intents into text in one language. Channel-neutral: no buttons, no markup. */
export class Renderer {
  constructor(
    private readonly bundle: Bundle,
    private readonly translator: Translator,
  ) {}

  /**
   * Questions rendered per intent (the engine hands out one object per question) and language; plain
   * texts per key and language. Rendered messages are shared: nothing may change one.
   */
  private readonly questions = new WeakMap<Intent, Map<string | null, RenderedMessage>>();
  private readonly plain = new Map<string, RenderedMessage>();

  render(intents: readonly Intent[], lang: string | null): RenderedMessage[] {
    return intents.map((i) => this.renderCached(i, lang));
  }

  private renderCached(intent: Intent, lang: string | null): RenderedMessage {
    if (intent.type === 'question') {
      let byLang = this.questions.get(intent);
      if (!byLang) this.questions.set(intent, (byLang = new Map()));
      let out = byLang.get(lang);
      if (!out) byLang.set(lang, (out = this.renderOne(intent, lang)));
      return out;
    }
    if ((intent.type === 'message' && !intent.contacts) || intent.type === 'exit') {
      const key = `${intent.type === 'exit' ? '' : intent.key}\u0000${lang}`;
      let out = this.plain.get(key);
      if (!out) {
        out = this.renderOne(intent, lang);
        if (this.plain.size < 10_000) this.plain.set(key, out);
      }
      return out;
    }
    return this.renderOne(intent, lang);
  }

  renderOne(intent: Intent, lang: string | null): RenderedMessage {
    const t = (key: string, vars?: Record<string, string | number>) => this.translator.t(lang, key, vars);
    switch (intent.type) {
      case 'message': {
        const parts = [t(intent.key)];
        if (intent.contacts?.length) parts.push(this.contactLines(intent.contacts, lang));
        return { type: 'message', text: parts.join('\n\n'), ...(intent.contacts ? { contacts: intent.contacts } : {}) };
      }
      case 'exit':
        return { type: 'message', text: t('exit.done'), exit: true };
      case 'question':
        return {
          type: 'question',
          id: intent.step,
          text: t(intent.key),
          indicators: intent.indicators,
          choices: intent.choices.map((c) => ({
            id: c.id,
            label: this.translator.t(c.labelLang ?? lang, c.label),
            signals: [...c.strong, ...c.possible],
            strong: c.strong,
            possible: c.possible,
            ...(c.urgent ? { urgent: true as const } : {}),
          })),
          nav: [
            { id: 'contacts', label: t('nav.contacts') },
            { id: 'exit', label: t('nav.exit') },
          ],
          hint: t('nav.help_hint'),
        };
      case 'result': {
        const a = intent.assessment;
        const strong = a.indicators.filter((i) => i.strength === 'strong');
        const possible = a.indicators.filter((i) => i.strength === 'possible');
        const names = (ids: { id: string }[]) => ids.map((i) => `• ${t(`indicator.${i.id}.name`)}`).join('\n');
        // "Good." only when nothing at all was found; possible signs get their own words.
        const levelText =
          a.level === 'no_signs' && possible.length > 0 ? t('result.level.no_signs.text_possible') : t(`result.level.${a.level}.text`);
        const parts = [t(intent.key), `${t(`result.level.${a.level}.title`)}\n${levelText}`];
        // Danger comes first, but what else her answers show is not lost.
        if (a.level === 'urgent' && a.dimensions.involuntary.length > 0 && a.dimensions.coercion.length > 0) {
          parts.push(t('result.also_forced_labour'));
        }
        if (strong.length > 0) parts.push(`${t('result.signs_count', { count: strong.length })}\n${names(strong)}`);
        if (possible.length > 0) parts.push(`${t('result.possible_title')}\n${names(possible)}`);
        parts.push(`${t('result.contacts_title')}\n${this.contactLines(intent.summary, lang)}`);
        parts.push(t('result.more_hint'));
        parts.push(t('result.disclaimer'));
        parts.push(t('safety.phone'));
        return {
          type: 'result',
          text: parts.join('\n\n'),
          level: a.level,
          indicators: strong.map((i) => i.id),
          possible: possible.map((i) => i.id),
          dimensions: a.dimensions,
          contacts: intent.contacts,
          summary: intent.summary,
        };
      }
      case 'details': {
        const a = intent.assessment;
        const sign = (id: string) => `• ${t(`indicator.${id}.name`)}\n  ${t(`indicator.${id}.right`)}`;
        const parts: string[] = [];
        if (a.indicators.length > 0) parts.push(`${t('result.signs_title')}\n${a.indicators.map((i) => sign(i.id)).join('\n')}`);
        parts.push(`${t('result.all_contacts_title')}\n${this.contactLines(intent.contacts, lang)}`);
        return { type: 'message', text: parts.join('\n\n'), contacts: intent.contacts, details: true };
      }
    }
  }

  /** Contact blocks per language and list of contacts (the same few lists in every result). */
  private readonly contactBlocks = new Map<string, string>();

  /** One short block per contact: name, every way to reach it (call, WhatsApp, SMS), what it helps with. */
  contactLines(ids: readonly string[], lang: string | null): string {
    // Made of the bundle's texts only (ids and numbers), so the same for everyone: remembered.
    const key = `${lang}\u0000${ids.join(',')}`;
    let block = this.contactBlocks.get(key);
    if (block === undefined) {
      block = this.contactLinesOf(ids, lang);
      if (this.contactBlocks.size < 10_000) this.contactBlocks.set(key, block);
    }
    return block;
  }

  private contactLinesOf(ids: readonly string[], lang: string | null): string {
    return ids
      .map((id) => {
        const c = this.bundle.contacts.contacts[id];
        if (!c) return '';
        const ways = contactWays(c, lang)
          .map(({ way, number }) => this.translator.t(lang, `contacts.way.${way === 'phone' ? 'call' : way}`, { number: unbreakableNumber(number) }))
          .join(', ');
        return this.translator.t(lang, 'contacts.line', {
          name: this.translator.t(lang, `contact.${id}.name`),
          ways,
          what: this.translator.t(lang, `contact.${id}.what`),
        });
      })
      .filter(Boolean)
      .join('\n');
  }
}
