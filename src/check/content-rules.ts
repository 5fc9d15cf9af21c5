import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '../bundle.js';
import { EMERGENCY_CONTACT, isConfirmed, verifiedOn } from '../contacts.js';
import { normaliseText } from '../input.js';
import type { Locale } from '../locales.js';
import type { Problem } from '../problems.js';
import { YamlFile } from '../yaml-file.js';

/**
 * The rules that keep the content safe for a worker, beyond what start-up checks: help numbers
 * shown to her in danger are confirmed, a typed word never does two things, Hong Kong figures
 * are current. Each rule has a fixture under test/fixtures/content/ that proves it fires.
 */
export interface ContentRuleOptions {
  root: string;
  today: Date;
  /** `npm run check -- --launch`: every contact a worker can see must be confirmed. */
  launch?: boolean;
}

const DAY_MS = 86_400_000;

/** The command names whose words are matched before any answer, in every chat. */
const COMMANDS = ['exit', 'help', 'restart', 'contacts', 'language', 'start'] as const;

export function checkContentRules(bundle: Bundle, opts: ContentRuleOptions): Problem[] {
  return [...contactRules(bundle, opts), ...figureRules(bundle, opts), ...wordRules(bundle)];
}

// === Contacts: nothing unconfirmed on an urgent screen

interface ContactUse {
  id: string;
  /** Where it is listed, for the message. */
  where: string;
  file: string;
  line: number;
  column: number;
  /** Shown to a worker in danger (urgent screen, urgent result, quick list, error message). */
  urgent: boolean;
}

/** Why a contact is not confirmed today, or undefined when it is. */
function unconfirmedReason(bundle: Bundle, id: string, today: Date): string | undefined {
  const c = bundle.contacts.contacts[id];
  if (!c) return undefined;
  if (isConfirmed(bundle, id, today.getTime())) return undefined;
  if (c.status !== 'confirmed') return `its status is "${c.status}"`;
  if (Date.parse(`${verifiedOn(c)}T00:00:00Z`) > today.getTime() + DAY_MS) return `its "verified" date ${verifiedOn(c)} is in the future`;
  return `it was last confirmed on ${verifiedOn(c)}, more than ${bundle.contacts.confirm_every_days} days ago`;
}

function contactUses(bundle: Bundle, root: string): ContactUse[] {
  const uses: ContactUse[] = [];
  const contactsFile = 'flows/contacts.yaml';
  const cy = readYaml(root, contactsFile);
  const at = (path: (string | number)[]) => (cy ? cy.at(path) : { line: 1, column: 1 });
  const r = bundle.contacts.recommend;
  const list = (path: (string | number)[], ids: readonly string[], where: string, urgent: boolean) =>
    ids.forEach((id, i) => uses.push({ id, where, file: contactsFile, ...at([...path, i]), urgent }));
  list(['recommend', 'urgent'], r.urgent, 'recommend.urgent (shown with an urgent answer)', true);
  list(['recommend', 'quick'], r.quick, 'recommend.quick (the help command and every error message)', true);
  list(['recommend', 'always'], r.always, 'recommend.always (every result, also urgent ones)', true);
  for (const [level, ids] of Object.entries(r.by_level)) {
    list(['recommend', 'by_level', level], ids, `recommend.by_level.${level}`, level === 'urgent');
  }
  for (const [ind, ids] of Object.entries(r.by_indicator)) list(['recommend', 'by_indicator', ind], ids, `recommend.by_indicator.${ind}`, false);
  // Her language's contacts are also added to the quick list and urgent results, but only once
  // confirmed (src/contacts.ts): listed here unconfirmed, they show in ordinary results only.
  for (const [lang, ids] of Object.entries(r.by_language)) list(['recommend', 'by_language', lang], ids, `recommend.by_language.${lang}`, false);
  for (const flow of bundle.flows.values()) {
    const fy = readYaml(root, flow.file);
    for (const step of flow.steps.values()) {
      if (step.type !== 'question') continue;
      step.choices.forEach((c, ci) => {
        if (!c.urgent) return;
        c.contacts.forEach((id, i) => {
          const pos = fy ? fy.at(['steps', step.id, 'choices', ci, 'contacts', i]) : { line: 1, column: 1 };
          uses.push({ id, where: `the urgent answer "${step.id}: ${c.id}"`, file: flow.file, ...pos, urgent: true });
        });
      });
    }
  }
  return uses;
}

function contactRules(bundle: Bundle, opts: ContentRuleOptions): Problem[] {
  const problems: Problem[] = [];
  const contactsFile = 'flows/contacts.yaml';
  const cy = readYaml(opts.root, contactsFile);
  const emergency = bundle.contacts.contacts[EMERGENCY_CONTACT];
  if (!emergency || emergency.phone !== bundle.figures.emergency_number) {
    problems.push({
      severity: 'error',
      file: contactsFile,
      ...(cy && emergency ? cy.at(['contacts', EMERGENCY_CONTACT, 'phone']) : { line: 1, column: 1 }),
      message: `the contact "${EMERGENCY_CONTACT}" must exist and its phone must be the emergency number ${bundle.figures.emergency_number ?? '999'} (flows/hk-rules.yaml): it is shown first on every urgent screen`,
    });
  }
  const uses = contactUses(bundle, opts.root);
  for (const use of uses) {
    const c = bundle.contacts.contacts[use.id];
    // 999 is always shown, whatever its date (a stale date is still warned about below).
    if (!c || use.id === EMERGENCY_CONTACT) continue; // the loader reports unknown ids
    const reason = unconfirmedReason(bundle, use.id, opts.today);
    if (use.urgent && reason) {
      problems.push({
        severity: 'error',
        file: use.file,
        line: use.line,
        column: use.column,
        message: `the contact "${use.id}" is listed in ${use.where}, but ${reason}. A worker in danger is only shown confirmed numbers (the bot leaves this one out): confirm it on the organisation's or the government's own page and set "status: confirmed" and "verified" to that date, or take it out of this list`,
      });
    } else if (!use.urgent && c.status === 'unverified') {
      problems.push({
        severity: 'warning',
        file: use.file,
        line: use.line,
        column: use.column,
        message: `the contact "${use.id}" is listed in ${use.where}, but its status is "unverified", so it is never shown. Confirm it on a primary source, or take it out of this list`,
      });
    }
  }
  // Each contact a worker can see that is not confirmed: a warning every day, an error before launch.
  const visible = new Set(uses.filter((u) => bundle.contacts.contacts[u.id]?.status !== 'unverified').map((u) => u.id));
  for (const [id, c] of Object.entries(bundle.contacts.contacts)) {
    const reason = unconfirmedReason(bundle, id, opts.today);
    if (!reason) continue;
    const shown = visible.has(id) || id === EMERGENCY_CONTACT;
    const pos = cy ? cy.at(['contacts', id, c.status === 'confirmed' ? 'verified' : 'status']) : { line: 1, column: 1 };
    if (opts.launch && shown && id !== EMERGENCY_CONTACT) {
      problems.push({
        severity: 'error',
        file: contactsFile,
        ...pos,
        message: `launch check: the contact "${id}" is shown to workers but is not confirmed (${reason}). Confirm it on the organisation's or the government's own page before printing leaflets, or stop showing it`,
      });
    } else {
      problems.push({
        severity: 'warning',
        file: contactsFile,
        ...pos,
        message: `the contact "${id}" is not confirmed (${reason})${id === EMERGENCY_CONTACT ? '; it is still shown first everywhere' : shown ? '; it is shown in results but never on an urgent screen' : ' and is not shown'}. Confirm it on the organisation's or the government's own page, then set "status: confirmed" and "verified" to that date`,
      });
    }
  }
  return problems;
}

// === Hong Kong figures: current, and consistent with each other

function figureRules(bundle: Bundle, opts: ContentRuleOptions): Problem[] {
  const file = 'flows/hk-rules.yaml';
  const yaml = readYaml(opts.root, file);
  const problems: Problem[] = [];
  const { reviewEveryDays, figures } = bundle.rules;
  for (const [name, f] of Object.entries(figures)) {
    const reviewed = typeof f.reviewed === 'string' ? f.reviewed : f.reviewed.toISOString().slice(0, 10);
    const age = Math.floor((opts.today.getTime() - Date.parse(`${reviewed}T00:00:00Z`)) / DAY_MS);
    if (age > reviewEveryDays) {
      problems.push({
        severity: 'warning',
        file,
        ...(yaml ? yaml.at(['figures', name, 'reviewed']) : { line: 1, column: 1 }),
        message: `the figure "${name}" was last reviewed on ${reviewed}, more than ${reviewEveryDays} days ago. Check it against the Labour Department's or the Immigration Department's latest announcement, then set "reviewed" to that date (and "source" to where you read it)`,
      });
    }
  }
  // The fee cap in dollars follows the wage: 10% of HK$5,100 is HK$510.
  const num = (s: string | undefined) => (s === undefined ? NaN : Number(s.replace(/[,%\s]/g, '')));
  const maw = num(bundle.figures.maw);
  const cap = num(bundle.figures.agency_fee_cap);
  const max = num(bundle.figures.agency_fee_max);
  if ([maw, cap, max].every(Number.isFinite) && Math.round((maw * cap) / 100) !== max) {
    problems.push({
      severity: 'error',
      file,
      ...(yaml ? yaml.at(['figures', 'agency_fee_max', 'value']) : { line: 1, column: 1 }),
      message: `"agency_fee_max" is ${max}, but ${cap}% of the wage "maw" (${maw}) is ${Math.round((maw * cap) / 100)}. Change it with the wage: the question asks "more than HK$${max}?"`,
    });
  }
  return problems;
}

// === Typed words: a word she types does one thing only

interface WordList {
  key: string;
  words: string[];
}

/** Where a typed word list is used: which question and answer. */
interface WordUse {
  step: string;
  choice: string;
}

/** The polarity of an answer id: a word may not mean "yes" at one question and "no" at another. */
function polarity(choiceId: string): 1 | -1 | 0 {
  if (choiceId === 'yes') return 1;
  if (choiceId === 'no' || choiceId === 'none') return -1;
  return 0;
}

function wordsOf(locale: Locale, key: string): string[] {
  const raw = locale.keys.get(key)?.value;
  return raw ? raw.split(',').map((w) => w.trim()).filter(Boolean) : [];
}

/** True when `word` (normalised) occurs as a whole word in `text` (normalised); scripts without spaces match inside. */
export function containsWord(text: string, word: string): boolean {
  if (!word) return false;
  if (/[\p{Script=Han}\p{Script=Thai}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(word)) return text.includes(word);
  return ` ${text} `.includes(` ${word} `);
}

function wordRules(bundle: Bundle): Problem[] {
  const problems: Problem[] = [];
  const flows = [...bundle.flows.values()];
  // Command words of every language, with where each is written.
  const commandWords = new Map<string, { lang: string; command: string; word: string }>();
  for (const locale of bundle.locales) {
    for (const command of COMMANDS) {
      for (const w of wordsOf(locale, `command.${command}.words`)) {
        const n = normaliseText(w);
        if (n && !commandWords.has(n)) commandWords.set(n, { lang: locale.code, command, word: w });
      }
    }
  }
  for (const locale of bundle.locales) {
    const at = (key: string) => {
      const k = locale.keys.get(key);
      return { file: locale.file, line: k?.line ?? 1, column: k?.column ?? 1 };
    };
    const err = (key: string, message: string) => problems.push({ severity: 'error', ...at(key), message });

    // Which typed-word list each answer uses, and which questions share a list.
    const uses = new Map<string, WordUse[]>();
    for (const flow of flows) {
      for (const step of flow.steps.values()) {
        if (step.type !== 'question') continue;
        for (const c of step.choices) {
          const key = c.words ?? `words.${c.label}`;
          uses.set(key, [...(uses.get(key) ?? []), { step: step.id, choice: c.id }]);
        }
      }
    }
    const lists: WordList[] = [...uses.keys()].map((key) => ({ key, words: wordsOf(locale, key) }));
    lists.push({ key: 'language.words', words: wordsOf(locale, 'language.words') });

    // C1: a command word is never a typed answer (commands win, in every chat).
    for (const list of lists) {
      for (const w of list.words) {
        const cmd = commandWords.get(normaliseText(w));
        if (cmd) {
          err(
            list.key,
            `"${w}" in "${list.key}" is also the ${cmd.command} word "${cmd.word}" (${cmd.lang}), and command words are read first in every chat: typing it would ${cmd.command === 'exit' ? 'erase her chat' : `run "${cmd.command}"`} instead of answering. Remove it from one of the two lists`,
          );
        }
      }
    }

    // C2: a command word of this language never appears in a question or an answer button of it.
    const own = [...commandWords.entries()].filter(([, c]) => c.lang === locale.code);
    const shownTexts = new Set<string>();
    for (const flow of flows) {
      for (const step of flow.steps.values()) {
        if (step.type !== 'question') continue;
        shownTexts.add(step.text);
        for (const c of step.choices) shownTexts.add(c.label);
      }
    }
    for (const key of shownTexts) {
      const text = locale.keys.get(key)?.value;
      if (!text) continue;
      const n = normaliseText(text.replace(/\{\{[^}]*\}\}/g, ' '));
      for (const [word, cmd] of own) {
        if (containsWord(n, word)) {
          err(
            key,
            `"${key}" contains "${cmd.word}", the ${cmd.command} word of ${locale.code}. She may type a word she reads in the question as her answer, and ${cmd.command === 'exit' ? 'her chat would be erased' : `"${cmd.command}" would run instead`}: reword the text, or choose another ${cmd.command} word`,
          );
        }
      }
    }

    // C3: a "cannot" word (words.flips) is never in a list that two questions share.
    const flips = new Set(wordsOf(locale, 'words.flips').map(normaliseText));
    for (const list of lists) {
      const steps = new Set((uses.get(list.key) ?? []).map((u) => u.step));
      if (steps.size < 2) continue;
      for (const w of list.words) {
        if (flips.has(normaliseText(w))) {
          err(
            list.key,
            `"${w}" is in "words.flips" (it means "cannot"), but "${list.key}" is shared by ${[...steps].join(', ')}. At a question such as "do you want to leave but cannot?" it means the opposite: put it only in the list of one question`,
          );
        }
      }
    }

    // C4 and C5: a word means one answer only, at each question and across questions.
    const meaning = new Map<string, { key: string; use: WordUse; word: string }[]>();
    for (const list of lists) {
      for (const use of uses.get(list.key) ?? []) {
        for (const w of list.words) {
          const n = normaliseText(w);
          if (n) meaning.set(n, [...(meaning.get(n) ?? []), { key: list.key, use, word: w }]);
        }
      }
    }
    const reported = new Set<string>();
    for (const [n, all] of meaning) {
      for (const a of all) {
        for (const b of all) {
          if (a === b) continue;
          const sameStep = a.use.step === b.use.step && a.use.choice !== b.use.choice;
          const flipped = polarity(a.use.choice) === 1 && polarity(b.use.choice) === -1;
          if (!sameStep && !flipped) continue;
          const id = `${n}\u0000${[a.key, b.key].sort().join('\u0000')}`;
          if (reported.has(id)) continue;
          reported.add(id);
          err(
            a.key,
            sameStep
              ? `"${a.word}" is listed for two answers of "${a.use.step}" ("${a.use.choice}" in "${a.key}" and "${b.use.choice}" in "${b.key}"): she cannot know which one she gave. Keep it in one list`
              : `"${a.word}" means "yes" at "${a.use.step}" ("${a.key}") but "no" at "${b.use.step}" ("${b.key}"). A word that flips meaning must not be typed as an answer: remove it from one list`,
          );
        }
      }
    }
  }
  return problems;
}

function readYaml(root: string, file: string): YamlFile | undefined {
  const abs = join(root, file);
  return existsSync(abs) ? YamlFile.read(abs, file).yaml : undefined;
}
