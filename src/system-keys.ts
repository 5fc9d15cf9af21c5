import { LEAFLET_KEYS } from './leaflet/leaflet-texts.js';

/**
 * Translation keys the code itself uses (besides the keys named in flows, indicators and contacts).
 * The checker requires each of them in every locale. Add a key here when code starts using it.
 */
export const LEVELS = ['urgent', 'forced_labour_signs', 'rights_violations', 'no_signs'] as const;
export type Level = (typeof LEVELS)[number];

export const COMMANDS = ['exit', 'restart', 'language', 'contacts', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

/** Channels with a name in the locales (`stats.channel.<id>`) for the NGO report; another channel shows its id. */
export const NAMED_CHANNELS = ['telegram', 'whatsapp', 'whatsapp-cloud', 'console'] as const;

/** Translation keys of the NGO report (`npm run stats`, src/stats/report-names.ts): `--lang` picks the locale. */
export const STATS_KEYS: readonly string[] = [
  ...LEVELS.map((l) => `stats.level.${l}`),
  ...NAMED_CHANNELS.map((c) => `stats.channel.${c}`),
  'stats.no_language',
  'stats.no_campaign',
  'stats.other_campaigns',
];

export const SYSTEM_KEYS: readonly string[] = [
  'language.name',
  'privacy.promise',
  'nav.contacts',
  'nav.exit',
  'nav.help_hint',
  'input.tap_a_choice',
  'input.old_button',
  'input.unknown_command',
  'input.non_text',
  'choice.continue',
  'choice.restart',
  'choice.resume',
  'choice.contacts',
  'choice.exit',
  'urgent.text',
  'urgent.continue',
  'contacts.title',
  'contacts.line',
  'help.text',
  'exit.done',
  'exit.clear_chat',
  'exit.delete_chat',
  'nav.choose',
  'session.flow_updated',
  'session.resume_question',
  'session.lost',
  'result.signs_count',
  'result.signs_title',
  'result.possible_title',
  'result.contacts_title',
  'result.disclaimer',
  'result.next',
  'error.sorry',
  ...LEVELS.flatMap((l) => [`result.level.${l}.title`, `result.level.${l}.text`]),
  ...[...COMMANDS, 'start'].map((c) => `command.${c}.words`),
  ...[...COMMANDS, 'start'].map((c) => `command.${c}.description`),
  ...LEAFLET_KEYS,
  ...STATS_KEYS,
];

/** Keys each indicator needs in every locale. */
export const indicatorKeys = (id: string): string[] => [`indicator.${id}.name`, `indicator.${id}.right`];
/** Keys each contact needs in every locale. */
export const contactKeys = (id: string): string[] => [`contact.${id}.name`, `contact.${id}.what`];
