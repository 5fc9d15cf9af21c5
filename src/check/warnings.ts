import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isNode } from 'yaml';
import type { Bundle } from '../bundle.js';
import { BASE_LOCALE, type Locale } from '../locales.js';
import type { Problem } from '../problems.js';
import { displayWidth } from '../text-width.js';
import { YamlFile } from '../yaml-file.js';

// === Budgets: what fits on a worker's phone

/** A question should fit on one phone screen with its buttons below it. */
export const QUESTION_TEXT_BUDGET = 300;
/** Any text: far under Telegram's hard limit (4096) and WhatsApp's (65536), but what still reads well on a phone. */
export const TEXT_BUDGET = 1000;
/** An answer button on a phone shows about this many characters (Chinese characters count twice) before it is cut. */
export const BUTTON_BUDGET = 40;

/** A trailing YAML comment that says "this text is right as it is in English" (no untranslated warning). */
export const SAME_AS_ENGLISH_MARK = 'same as English';

/**
 * Keys the engine shows as buttons besides the flows' choice labels (see src/engine.ts and src/render.ts).
 * `language.name` is each language's button in the language menu.
 */
const SYSTEM_BUTTON_KEYS = [
  'language.name',
  'nav.contacts',
  'nav.exit',
  'choice.continue',
  'choice.restart',
  'choice.resume',
  'choice.contacts',
  'choice.details',
  'choice.exit',
];

/** Small words that may stay lower case in a name kept in English ("Mission for Migrant Workers"). */
const NAME_JOINERS = new Set(['for', 'of', 'and', 'the', 'de', 'da', 'del', 'du', 'van', 'von', '&']);

export interface WarningOptions {
  /** The project folder the bundle was loaded from (to point at lines in flows/). */
  root: string;
  flowsDir?: string;
}

/**
 * Soft checks on a loaded bundle: things that do not stop the bot but that a maintainer should look at.
 * Each warning says what to do. The loader's own errors and warnings are in src/bundle.ts.
 */
export function checkWarnings(bundle: Bundle, opts: WarningOptions): Problem[] {
  const flowsDir = opts.flowsDir ?? 'flows';
  return [
    ...untranslatedTexts(bundle),
    ...longTexts(bundle),
    ...unsignalledIndicators(bundle, opts.root, flowsDir),
  ];
}

// === Texts

/** Number of characters as a reader sees them (an emoji counts once). */
export function textLength(text: string): number {
  return [...text].length;
}

/** Keys that hold an organisation's name (`contact.<id>.name`): names often stay as they are. */
const CONTACT_NAME_KEY = /^contact\.[^.]+\.name$/;

/**
 * True when the text of `key` needs no translation: only variables, numbers and signs; or, for a
 * contact's name, a short name whose words all start with a capital ("RainLily", "Enrich HK",
 * "HELP for Domestic Workers"). Any other text that reads as words ("Yes", "Not sure") is words to translate.
 */
export function needsNoTranslation(text: string, key: string): boolean {
  const bare = text.replace(/\{\{[^}]*\}\}/g, ' ');
  if (!/\p{L}/u.test(bare)) return true;
  if (!CONTACT_NAME_KEY.test(key)) return false;
  const words = bare
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}&]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w !== '');
  if (words.length > 6) return false;
  return words.every((w) => NAME_JOINERS.has(w) || !/^\p{L}/u.test(w) || /^\p{Lu}/u.test(w));
}

function untranslatedTexts(bundle: Bundle): Problem[] {
  const base = bundle.locales.find((l) => l.code === BASE_LOCALE);
  if (!base) return [];
  // The language question is written in every language at once, so it is the same everywhere.
  const multilingual = new Set(['language.choose']);
  for (const flow of bundle.flows.values()) {
    for (const step of flow.steps.values()) if (step.type === 'language') multilingual.add(step.text);
  }
  const problems: Problem[] = [];
  for (const locale of bundle.locales) {
    if (locale === base) continue;
    for (const [key, at] of locale.keys) {
      const english = base.keys.get(key);
      if (!english || english.value.trim() !== at.value.trim() || multilingual.has(key)) continue;
      if (hasSameAsEnglishMark(locale, key)) continue;
      const where = { severity: 'warning' as const, file: locale.file, line: at.line, column: at.column };
      if (key === 'language.name') {
        problems.push({
          ...where,
          message: `"language.name" is "${at.value}", as in English, so the language menu would show ${locale.code} as "${at.value}". Write the name of the language in the language itself (for example "Bahasa Indonesia")`,
        });
        continue;
      }
      if (needsNoTranslation(at.value, key)) continue;
      problems.push({
        ...where,
        message: `"${key}" is the same as in English ("${preview(at.value)}"), so it is probably not translated yet. Translate it; if the English words are right in ${locale.code}, add the comment "# ${SAME_AS_ENGLISH_MARK}" at the end of the line`,
      });
    }
  }
  return problems;
}

function hasSameAsEnglishMark(locale: Locale, key: string): boolean {
  // Keys are dotted paths; a key written with dots in one YAML name is found as a whole.
  for (const path of [key.split('.'), [key]]) {
    const node = locale.yaml.doc.getIn(path, true);
    if (!isNode(node)) continue;
    return (node.comment ?? '').toLowerCase().includes(SAME_AS_ENGLISH_MARK.toLowerCase());
  }
  return false;
}

/**
 * The width of a button as the channels write it (`number` is the "2. " before an answer, "" for
 * the navigation buttons) when it is wider than a phone shows; undefined when it fits.
 */
export function tooWideButton(label: string, number: string): number | undefined {
  const width = displayWidth(`${number}${label}`);
  return width > BUTTON_BUDGET ? width : undefined;
}

/** The keys shown as questions, and those shown as buttons (answers, the language menu, navigation). */
export function shownKeys(bundle: Bundle): { questionKeys: Set<string>; buttonKeys: Map<string, string> } {
  const questionKeys = new Set<string>();
  // Each button key and the number shown before it ("2. "), as the channels write answers; the
  // "help numbers" and "exit" buttons under a question have none.
  const buttonKeys = new Map<string, string>(
    SYSTEM_BUTTON_KEYS.map((k) => [k, k.startsWith('nav.') ? '' : '1. ']),
  );
  for (const flow of bundle.flows.values()) {
    for (const step of flow.steps.values()) {
      if (step.type !== 'question') continue;
      questionKeys.add(step.text);
      step.choices.forEach((c, i) => {
        const number = `${i + 1}. `;
        if ((buttonKeys.get(c.label) ?? '').length < number.length) buttonKeys.set(c.label, number);
      });
    }
  }
  return { questionKeys, buttonKeys };
}

function longTexts(bundle: Bundle): Problem[] {
  const { questionKeys, buttonKeys } = shownKeys(bundle);
  const problems: Problem[] = [];
  for (const locale of bundle.locales) {
    for (const [key, at] of locale.keys) {
      const where = { severity: 'warning' as const, file: locale.file, line: at.line, column: at.column };
      const length = textLength(at.value);
      if (length > TEXT_BUDGET) {
        problems.push({
          ...where,
          message: `"${key}" is ${length} characters long; keep every text under ${TEXT_BUDGET} characters so it reads well on a phone (Telegram cuts a message at 4096, WhatsApp at 65536). Shorten it; a long question or message can be split into two steps`,
        });
      } else if (questionKeys.has(key) && length > QUESTION_TEXT_BUDGET) {
        problems.push({
          ...where,
          message: `the question "${key}" is ${length} characters long; a question should fit on one phone screen (at most ${QUESTION_TEXT_BUDGET} characters). Shorten it, or put the explanation in a message step before it`,
        });
      }
      const number = buttonKeys.get(key);
      const width = number === undefined ? undefined : tooWideButton(at.value, number);
      if (width !== undefined) {
        problems.push({
          ...where,
          message: `the button "${key}" is ${width} characters wide${number ? ` with the "${number.trim()}" before it` : ''}; a button on a phone shows about ${BUTTON_BUDGET} (a Chinese character counts as two) and cuts the rest. Shorten it`,
        });
      }
    }
  }
  return problems;
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return textLength(oneLine) > 40 ? `${[...oneLine].slice(0, 37).join('')}...` : oneLine;
}

// === Indicators and contacts

function unsignalledIndicators(bundle: Bundle, root: string, flowsDir: string): Problem[] {
  const signalled = new Set<string>();
  for (const flow of bundle.flows.values()) {
    for (const step of flow.steps.values()) {
      if (step.type === 'question')
        for (const c of step.choices) for (const id of Object.keys(c.signals)) signalled.add(id);
    }
  }
  const missing = [...bundle.indicators.keys()].filter((id) => !signalled.has(id));
  if (missing.length === 0) return [];
  const yaml = readYaml(root, flowsDir, 'indicators.yaml');
  return missing.map((id) =>
    positioned(yaml, `${flowsDir}/indicators.yaml`, ['indicators', id], true, {
      severity: 'warning',
      message: `no answer signals the indicator "${id}", so it can never appear in a result. Add it to the "signals" of a choice in a flow, or remove it from ${flowsDir}/indicators.yaml`,
    }),
  );
}

function readYaml(root: string, flowsDir: string, name: string): YamlFile | undefined {
  const abs = join(root, flowsDir, name);
  return existsSync(abs) ? YamlFile.read(abs, `${flowsDir}/${name}`).yaml : undefined;
}

function positioned(
  yaml: YamlFile | undefined,
  file: string,
  path: (string | number)[],
  onKey: boolean,
  p: Pick<Problem, 'severity' | 'message'>,
): Problem {
  if (yaml) return yaml.problem(path, p.message, p.severity, onKey);
  return { ...p, file, line: 1, column: 1 };
}
