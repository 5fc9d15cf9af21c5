import type { Translator } from '../i18n.js';

/**
 * The translation keys a leaflet uses (all under `leaflet.` in locales/<lang>/messages.yaml).
 * The leaflet can be found by an employer, so every text is neutral: it speaks of a private check
 * about work, never of trafficking, abuse or victims.
 */
export const LEAFLET_KEYS = [
  'leaflet.title',
  'leaflet.intro',
  'leaflet.privacy',
  'leaflet.exit_hint',
  'leaflet.emergency',
  'leaflet.telegram_how',
  'leaflet.whatsapp_how',
] as const;

/** Every text on one leaflet, in one language, ready to print. */
export interface LeafletTexts {
  lang: string;
  /** The language's own name (`language.name`), printed small so volunteers hand out the right pile. */
  languageName: string;
  title: string;
  intro: string;
  privacy: string;
  exitHint: string;
  emergency: string;
  telegramHow: string;
  whatsappHow: string;
}

/** The leaflet's texts in `lang`, from the checked locales (figures such as 999 filled in). */
export function leafletTexts(translator: Translator, lang: string): LeafletTexts {
  const t = (key: string, vars = {}) => translator.t(lang, key, vars);
  // The first exit word is the one she is told to type, written as the bot's texts write it (EXIT).
  const exitWord = translator.words(lang, 'command.exit.words')[0] ?? 'exit';
  return {
    lang,
    languageName: t('language.name'),
    title: t('leaflet.title'),
    intro: t('leaflet.intro'),
    privacy: t('leaflet.privacy'),
    exitHint: t('leaflet.exit_hint', { exit_word: exitWord.toLocaleUpperCase(lang) }),
    emergency: t('leaflet.emergency'),
    telegramHow: t('leaflet.telegram_how'),
    whatsappHow: t('leaflet.whatsapp_how'),
  };
}
