import type { Translator } from '../i18n.js';
import { NAMED_CHANNELS } from '../system-keys.js';
import { ALL, OTHER_CAMPAIGNS, type ReportNames } from './report.js';
import { NONE } from './stats-counter.js';

/** Column headings and total rows; the report's titles and headings are in English. */
const MEASURES: Record<string, string> = {
  started: 'Started',
  completed: 'Completed',
  completion_rate: 'Completion rate (%)',
  exited: 'Quick exits',
  share: 'Share of completed (%)',
  completed_with_sign: 'Completed with this sign',
  share_of_first: 'Share of those who reached the first question (%)',
  [ALL]: 'All',
};

/**
 * The readable names of a report in `lang`: signs (`indicator.<id>.name`), questions
 * (`q.<step>.text`), result levels, channels and "no campaign" from the locales; languages by
 * their name in `lang` (Unicode CLDR, built into Node), else the language's own name.
 */
export function reportNames(translator: Translator, lang: string): ReportNames {
  const named = (key: string, id: string) => {
    const text = translator.t(lang, key);
    return text && text !== key ? text : id;
  };
  let display: Intl.DisplayNames | undefined;
  try {
    display = new Intl.DisplayNames([lang, 'en'], { type: 'language', style: 'short' });
  } catch {
    display = undefined;
  }
  return {
    language: (code) => {
      if (code === NONE) return named('stats.no_language', code);
      const cldr = display?.of(code);
      return cldr && cldr !== code
        ? cldr
        : translator.codes.includes(code)
          ? translator.t(code, 'language.name')
          : code;
    },
    channel: (id) =>
      (NAMED_CHANNELS as readonly string[]).includes(id) ? named(`stats.channel.${id}`, id) : id,
    campaign: (code) =>
      code === NONE
        ? named('stats.no_campaign', code)
        : code === OTHER_CAMPAIGNS
          ? named('stats.other_campaigns', code)
          : code,
    level: (id) => named(`stats.level.${id}`, id),
    sign: (id) => named(`indicator.${id}.name`, id),
    question: (step) => named(`q.${step}.text`, step),
    measure: (id) => MEASURES[id] ?? id,
  };
}
