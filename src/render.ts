import type { Bundle } from './bundle.js';
import type { Intent } from './engine.js';
import type { Translator } from './i18n.js';
import type { Level } from './system-keys.js';

/** A choice as the user sees it. */
export interface RenderedChoice {
  id: string;
  label: string;
  /** Indicator ids that choosing it signals (empty for a harmless answer). */
  signals: string[];
  /** Present and true when choosing it signals danger now. */
  urgent?: true;
}

/**
 * A message ready for any channel: the text is final, choices are labelled.
 * This is also the terminal chat's `--json` protocol, one object per line.
 */
export type RenderedMessage =
  | { type: 'message'; text: string; contacts?: string[]; exit?: true }
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
      contacts: string[];
    };

/** Turns engine intents into text in one language. Channel-neutral: no buttons, no markup. */
export class Renderer {
  constructor(
    private readonly bundle: Bundle,
    private readonly translator: Translator,
  ) {}

  render(intents: readonly Intent[], lang: string | null): RenderedMessage[] {
    return intents.map((i) => this.renderOne(i, lang));
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
            signals: c.signals,
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
        const sign = (id: string) => `• ${t(`indicator.${id}.name`)}\n  ${t(`indicator.${id}.right`)}`;
        const parts = [t(intent.key), `${t(`result.level.${a.level}.title`)}\n${t(`result.level.${a.level}.text`)}`];
        if (strong.length > 0) {
          parts.push(`${t('result.signs_count', { count: strong.length })}\n${t('result.signs_title')}`);
          parts.push(strong.map((i) => sign(i.id)).join('\n'));
        }
        if (possible.length > 0) parts.push(`${t('result.possible_title')}\n${possible.map((i) => sign(i.id)).join('\n')}`);
        parts.push(t('result.disclaimer'));
        parts.push(`${t('result.contacts_title')}\n${this.contactLines(intent.contacts, lang)}`);
        return {
          type: 'result',
          text: parts.join('\n\n'),
          level: a.level,
          indicators: strong.map((i) => i.id),
          possible: possible.map((i) => i.id),
          dimensions: a.dimensions,
          contacts: intent.contacts,
        };
      }
    }
  }

  /** One short block per contact: name, number, what it helps with. */
  contactLines(ids: readonly string[], lang: string | null): string {
    return ids
      .map((id) => {
        const c = this.bundle.contacts.contacts[id];
        if (!c) return '';
        const phone = lang === 'id' && c.phone_id ? c.phone_id : c.phone;
        return this.translator.t(lang, 'contacts.line', {
          name: this.translator.t(lang, `contact.${id}.name`),
          phone,
          what: this.translator.t(lang, `contact.${id}.what`),
        });
      })
      .filter(Boolean)
      .join('\n');
  }
}
