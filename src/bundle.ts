import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  contactsFileSchema,
  flowSchema,
  indicatorsSchema,
  rulesSchema,
  type ContactsFile,
  type Dimension,
  type FigureDef,
  type FlowFile,
  type Strength,
} from './flow/schema.js';
import { BASE_LOCALE, baseKeys, checkPlurals, hasKey, readLocales, type Locale } from './locales.js';
import { didYouMean, type Problem } from './problems.js';
import { contactKeys, indicatorKeys, LEVELS, SYSTEM_KEYS } from './system-keys.js';
import { YamlFile } from './yaml-file.js';

// === Runtime shapes: what the engine works with once files are checked

/** A choice with its defaults filled in. */
export interface Choice {
  id: string;
  label: string;
  words?: string;
  next: string;
  signals: Record<string, Strength>;
  urgent: boolean;
  contacts: string[];
}

export type Step =
  | { id: string; type: 'language'; text: string; next: string; /** Menu order: every locale code once. */ order: string[] }
  | { id: string; type: 'message'; text: string; next: string }
  | { id: string; type: 'question'; text: string; choices: Choice[] }
  | { id: string; type: 'result'; text: string };

/** A checked flow. `hash` changes whenever anything in the definition changes. */
export interface Flow {
  id: string;
  version: number;
  hash: string;
  start: string;
  file: string;
  steps: Map<string, Step>;
}

/** Everything the bot needs from flows/ and locales/, checked and ready. */
export interface Bundle {
  flows: Map<string, Flow>;
  defaultFlowId: string;
  indicators: Map<string, { dimension: Dimension; onlyPossible: boolean }>;
  contacts: ContactsFile;
  /** Hong Kong figures for texts, as plain text; dates as YYYY-MM-DD (the Translator writes them per language). */
  figures: Record<string, string>;
  /** The names of the figures that are dates. */
  dateFigures: ReadonlySet<string>;
  /** Each figure with its source and review date, and how often figures must be reviewed. */
  rules: { reviewEveryDays: number; figures: Record<string, FigureDef> };
  locales: Locale[];
  localeCodes: string[];
}

export interface LoadOptions {
  root: string;
  flowsDir?: string;
  localesDir?: string;
  defaultFlowId?: string;
}

const SUPPORT_FILES = new Set(['indicators.yaml', 'contacts.yaml', 'hk-rules.yaml']);

// === Loading

/**
 * Reads and checks every flow, the indicators, contacts, figures and locales.
 * Returns the bundle only when there are no errors; `problems` lists every error and warning found.
 */
export function loadBundle(opts: LoadOptions): { bundle?: Bundle; problems: Problem[] } {
  const flowsDir = opts.flowsDir ?? 'flows';
  const problems: Problem[] = [];
  const read = <S extends z.ZodType>(name: string, schema: S) => {
    const file = `${flowsDir}/${name}`;
    const { yaml, problems: p } = YamlFile.read(join(opts.root, flowsDir, name), file);
    problems.push(...p);
    if (!yaml) return undefined;
    return validate(yaml, schema, problems);
  };

  const indicatorsFile = read('indicators.yaml', indicatorsSchema);
  const contactsRead = read('contacts.yaml', contactsFileSchema);
  const rules = read('hk-rules.yaml', rulesSchema);
  const { locales, problems: localeProblems } = readLocales(opts.root, opts.localesDir);
  problems.push(...localeProblems);

  const flowFiles = existsSync(join(opts.root, flowsDir))
    ? readdirSync(join(opts.root, flowsDir))
        .filter((f) => /\.ya?ml$/.test(f) && !SUPPORT_FILES.has(f))
        .sort()
    : [];
  const flowsRead: { yaml: YamlFile; def: FlowFile }[] = [];
  for (const name of flowFiles) {
    const file = `${flowsDir}/${name}`;
    const { yaml, problems: p } = YamlFile.read(join(opts.root, flowsDir, name), file);
    problems.push(...p);
    if (!yaml) continue;
    const checked = validate(yaml, flowSchema, problems);
    if (checked) flowsRead.push({ yaml, def: checked.value });
  }
  if (flowFiles.length === 0) {
    problems.push({ severity: 'error', file: flowsDir, line: 1, column: 1, message: 'there is no flow file' });
  }

  const indicators = new Map<string, { dimension: Dimension; onlyPossible: boolean }>(
    Object.entries(indicatorsFile?.value.indicators ?? {}).map(([k, v]) => [k, { dimension: v.dimension, onlyPossible: v.only_possible ?? false }]),
  );
  const localeCodes = locales.map((l) => l.code);
  const contactIds = new Set(Object.keys(contactsRead?.value.contacts ?? {}));

  // Keys every locale needs: the code's own, one set per indicator and contact, and every key a flow names.
  const needed = new Map<string, { file: string; line: number; column: number } | undefined>();
  for (const k of SYSTEM_KEYS) needed.set(k, undefined);
  for (const id of indicators.keys()) for (const k of indicatorKeys(id)) needed.set(k, undefined);
  for (const id of contactIds) for (const k of contactKeys(id)) needed.set(k, undefined);

  const flows = new Map<string, Flow>();
  for (const { yaml, def } of flowsRead) {
    const flow = checkFlow(yaml, def, { indicators, localeCodes, contactIds, problems, needed });
    if (flows.has(flow.id)) {
      problems.push(yaml.problem(['id'], `another flow file already uses the id "${flow.id}"`));
    }
    flows.set(flow.id, flow);
  }

  if (contactsRead && indicatorsFile) {
    checkRecommend(contactsRead.yaml, contactsRead.value, indicators, localeCodes, problems);
  }
  checkLocales(locales, needed, problems);

  const defaultFlowId = opts.defaultFlowId ?? 'self-assessment';
  if (flows.size > 0 && !flows.has(defaultFlowId)) {
    problems.push({
      severity: 'error',
      file: flowsDir,
      line: 1,
      column: 1,
      message: `the main flow "${defaultFlowId}" is missing.${didYouMean(defaultFlowId, flows.keys())}`,
    });
  }

  const ok = !problems.some((p) => p.severity === 'error');
  if (!ok || !contactsRead || !rules || !indicatorsFile) return { problems };
  return {
    problems,
    bundle: {
      flows,
      defaultFlowId,
      indicators,
      contacts: contactsRead.value,
      ...figureTexts(rules.value.figures),
      rules: { reviewEveryDays: rules.value.review_every_days, figures: rules.value.figures },
      locales,
      localeCodes,
    },
  };
}

/** Figures as the plain texts a translation uses, and which of them are dates. */
function figureTexts(figures: Record<string, FigureDef>): { figures: Record<string, string>; dateFigures: Set<string> } {
  const texts: Record<string, string> = {};
  const dates = new Set<string>();
  for (const [name, f] of Object.entries(figures)) {
    if (f.value instanceof Date) {
      texts[name] = f.value.toISOString().slice(0, 10);
      dates.add(name);
    } else if (typeof f.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(f.value)) {
      texts[name] = f.value;
      dates.add(name);
    } else texts[name] = String(f.value);
  }
  return { figures: texts, dateFigures: dates };
}

function validate<S extends z.ZodType>(
  yaml: YamlFile,
  schema: S,
  problems: Problem[],
): { yaml: YamlFile; value: z.output<S> } | undefined {
  const parsed = schema.safeParse(yaml.value(), { reportInput: true });
  if (parsed.success) return { yaml, value: parsed.data };
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    problems.push(yaml.problem(path, describeIssue(path, issue)));
  }
  return undefined;
}

function describeIssue(path: (string | number)[], issue: z.core.$ZodIssue): string {
  const where = path.length > 0 ? `"${path.join('.')}"` : 'the file';
  if (issue.code === 'unrecognized_keys') {
    return `${where} has an unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${where} is missing`;
  return `${where} ${issue.message}`;
}

// === Flow meaning checks

interface FlowCheckContext {
  indicators: Map<string, { onlyPossible: boolean }>;
  localeCodes: string[];
  contactIds: Set<string>;
  problems: Problem[];
  needed: Map<string, { file: string; line: number; column: number } | undefined>;
}

function checkFlow(yaml: YamlFile, def: FlowFile, ctx: FlowCheckContext): Flow {
  const { problems } = ctx;
  const stepIds = Object.keys(def.steps);
  const steps = new Map<string, Step>();
  const useKey = (key: string, path: (string | number)[]) => {
    if (!ctx.needed.get(key)) ctx.needed.set(key, { file: yaml.file, ...yaml.at(path) });
  };
  const target = (to: string | undefined, path: (string | number)[], what: string): string => {
    if (to !== undefined && !def.steps[to]) {
      problems.push(yaml.problem(path, `${what} points to "${to}", which does not exist.${didYouMean(to, stepIds)}`));
    }
    return to ?? '';
  };

  if (!def.steps[def.start]) {
    problems.push(yaml.problem(['start'], `"start" points to "${def.start}", which is not a step.${didYouMean(def.start, stepIds)}`));
  }
  const languageSteps = stepIds.filter((s) => def.steps[s]!.type === 'language');
  if (languageSteps.length > 1) {
    problems.push(yaml.problem(['steps', languageSteps[1]!], 'a flow can have only one language step', 'error', true));
  }
  if (!stepIds.some((s) => def.steps[s]!.type === 'result')) {
    problems.push(yaml.problem(['steps'], 'the flow has no result step (a step with "type: result")'));
  }

  for (const [sid, s] of Object.entries(def.steps)) {
    const at = ['steps', sid];
    useKey(s.text, [...at, 'text']);
    if (s.type === 'result') {
      steps.set(sid, { id: sid, type: 'result', text: s.text });
      continue;
    }
    if (s.type === 'language' || s.type === 'message') {
      if (s.next === undefined) {
        problems.push(yaml.problem(at, `step "${sid}" has no "next", so the conversation would stop here. Add "next: <step id>"`, 'error', true));
      }
      const next = target(s.next, [...at, 'next'], `step "${sid}"`);
      if (s.type === 'message') {
        steps.set(sid, { id: sid, type: s.type, text: s.text, next });
        continue;
      }
      const listed: string[] = [];
      (s.languages ?? []).forEach((code, i) => {
        if (!ctx.localeCodes.includes(code)) {
          problems.push(
            yaml.problem(
              [...at, 'languages', i],
              `step "${sid}" lists the language "${code}", which has no folder in locales/, so the menu leaves it out.${didYouMean(code, ctx.localeCodes)}`,
              'warning',
            ),
          );
        } else if (listed.includes(code)) {
          problems.push(yaml.problem([...at, 'languages', i], `step "${sid}" lists the language "${code}" twice; list each language once`));
        } else listed.push(code);
      });
      const order = [...listed, ...ctx.localeCodes.filter((c) => !listed.includes(c))];
      steps.set(sid, { id: sid, type: s.type, text: s.text, next, order });
      continue;
    }
    const stepNext = target(s.next, [...at, 'next'], `step "${sid}"`);
    const seen = new Set<string>();
    const choices: Choice[] = s.choices.map((c, i) => {
      const cat = [...at, 'choices', i];
      if (seen.has(c.id)) {
        problems.push(yaml.problem([...cat, 'id'], `step "${sid}" has two choices with the id "${c.id}"; every choice needs its own id`));
      }
      seen.add(c.id);
      useKey(c.label, [...cat, 'label']);
      if (c.words) useKey(c.words, [...cat, 'words']);
      if (c.next === undefined && s.next === undefined) {
        problems.push(
          yaml.problem(cat, `step "${sid}" choice "${c.id}" has no "next" and the step has none, so the conversation would stop here. Add "next" to the step or the choice`),
        );
      }
      const next = c.next !== undefined ? target(c.next, [...cat, 'next'], `step "${sid}" choice "${c.id}"`) : stepNext;
      const signals: Record<string, Strength> = Array.isArray(c.signals)
        ? Object.fromEntries(c.signals.map((x) => [x, 'strong' as const]))
        : { ...(c.signals ?? {}) };
      for (const [ind, strength] of Object.entries(signals)) {
        if (strength === 'strong' && ctx.indicators.get(ind)?.onlyPossible) {
          problems.push(
            yaml.problem(
              [...cat, 'signals'],
              `step "${sid}" choice "${c.id}" signals "${ind}" as a strong sign, but flows/indicators.yaml marks it "only_possible" (see docs/scoring.md). Write it as { ${ind}: possible }`,
            ),
          );
        }
        if (!ctx.indicators.has(ind)) {
          problems.push(
            yaml.problem([...cat, 'signals'], `step "${sid}" choice "${c.id}" names the indicator "${ind}", which is not in flows/indicators.yaml.${didYouMean(ind, ctx.indicators.keys())}`),
          );
        }
      }
      for (const ct of c.contacts ?? []) {
        if (!ctx.contactIds.has(ct)) {
          problems.push(
            yaml.problem([...cat, 'contacts'], `step "${sid}" choice "${c.id}" names the contact "${ct}", which is not in flows/contacts.yaml.${didYouMean(ct, ctx.contactIds)}`),
          );
        }
      }
      return { id: c.id, label: c.label, words: c.words, next, signals, urgent: c.urgent ?? false, contacts: c.contacts ?? [] };
    });
    steps.set(sid, { id: sid, type: 'question', text: s.text, choices });
  }

  // Reachability: every step reachable from start, and a result reachable from every step.
  const edges = new Map<string, string[]>();
  for (const st of steps.values()) edges.set(st.id, nextSteps(st).filter((n) => steps.has(n)));
  const reached = new Set<string>();
  const queue = steps.has(def.start) ? [def.start] : [];
  while (queue.length > 0) {
    const cur = queue.pop()!;
    if (reached.has(cur)) continue;
    reached.add(cur);
    queue.push(...(edges.get(cur) ?? []));
  }
  const endsAt = new Set([...steps.values()].filter((s) => s.type === 'result').map((s) => s.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, outs] of edges) {
      if (!endsAt.has(id) && outs.some((o) => endsAt.has(o))) {
        endsAt.add(id);
        grew = true;
      }
    }
  }
  for (const sid of stepIds) {
    if (steps.has(def.start) && !reached.has(sid)) {
      problems.push(yaml.problem(['steps', sid], `step "${sid}" cannot be reached from the start ("${def.start}"); point a "next" to it or remove it`, 'error', true));
    } else if (reached.has(sid) && !endsAt.has(sid) && endsAt.size > 0) {
      const hasOwnDeadEnd = problems.some((p) => p.message.includes(`step "${sid}"`) && p.message.includes('stop here'));
      if (!hasOwnDeadEnd) {
        problems.push(yaml.problem(['steps', sid], `from step "${sid}" no path leads to a result step; the conversation would go round in circles`, 'error', true));
      }
    }
  }

  const hash = createHash('sha256')
    .update(JSON.stringify({ def, v: 1 }))
    .digest('base64url')
    .slice(0, 12);
  return { id: def.id, version: def.version, hash, start: def.start, file: yaml.file, steps };
}

/** The steps a step can lead to. */
export function nextSteps(step: Step): string[] {
  switch (step.type) {
    case 'language':
    case 'message':
      return [step.next];
    case 'question':
      return [...new Set(step.choices.map((c) => c.next))];
    case 'result':
      return [];
  }
}

function checkRecommend(
  yaml: YamlFile,
  file: ContactsFile,
  indicators: Map<string, unknown>,
  localeCodes: string[],
  problems: Problem[],
): void {
  const ids = new Set(Object.keys(file.contacts));
  const r = file.recommend;
  const lists: [(string | number)[], string[]][] = [
    [['recommend', 'always'], r.always],
    [['recommend', 'quick'], r.quick],
    [['recommend', 'urgent'], r.urgent],
    ...Object.entries(r.by_level).map(([k, v]): [(string | number)[], string[]] => [['recommend', 'by_level', k], v]),
    ...Object.entries(r.by_indicator).map(([k, v]): [(string | number)[], string[]] => [['recommend', 'by_indicator', k], v]),
    ...Object.entries(r.by_language).map(([k, v]): [(string | number)[], string[]] => [['recommend', 'by_language', k], v]),
  ];
  for (const [path, list] of lists) {
    list.forEach((id, i) => {
      if (!ids.has(id)) {
        problems.push(yaml.problem([...path, i], `"${path.join('.')}" names the contact "${id}", which is not in the list of contacts.${didYouMean(id, ids)}`));
      }
    });
  }
  for (const level of Object.keys(r.by_level)) {
    if (!(LEVELS as readonly string[]).includes(level)) {
      problems.push(yaml.problem(['recommend', 'by_level', level], `"${level}" is not a result level (${LEVELS.join(', ')})`, 'error', true));
    }
  }
  for (const ind of Object.keys(r.by_indicator)) {
    if (!indicators.has(ind)) {
      problems.push(yaml.problem(['recommend', 'by_indicator', ind], `"${ind}" is not an indicator in flows/indicators.yaml.${didYouMean(ind, indicators.keys())}`, 'error', true));
    }
  }
  for (const lang of Object.keys(r.by_language)) {
    if (!localeCodes.includes(lang)) {
      problems.push(yaml.problem(['recommend', 'by_language', lang], `"${lang}" has no locale folder yet; these contacts are used once locales/${lang}/ exists`, 'warning', true));
    }
  }
}

function checkLocales(
  locales: Locale[],
  needed: Map<string, { file: string; line: number; column: number } | undefined>,
  problems: Problem[],
): void {
  const base = locales.find((l) => l.code === BASE_LOCALE);
  if (!base) {
    problems.push({ severity: 'error', file: `locales/${BASE_LOCALE}/messages.yaml`, line: 1, column: 1, message: 'the English locale is missing' });
    return;
  }
  for (const locale of locales) problems.push(...checkPlurals(locale));
  for (const [key, usedAt] of needed) {
    const missing = locales.filter((l) => !hasKey(l, key));
    if (missing.length === 0) continue;
    if (usedAt) {
      problems.push({
        severity: 'error',
        ...usedAt,
        message: `the text "${key}" is missing in ${missing.map((l) => l.file).join(', ')}`,
      });
    } else {
      for (const l of missing) {
        problems.push({ severity: 'error', file: l.file, line: 1, column: 1, message: `the text "${key}" is missing (every language needs it)` });
      }
    }
  }
  const baseSet = baseKeys(base);
  for (const locale of locales) {
    if (locale === base) continue;
    for (const k of baseKeys(locale)) {
      if (!baseSet.has(k)) {
        const pos = locale.keys.get(k) ?? [...locale.keys.entries()].find(([x]) => x.startsWith(`${k}_`))?.[1];
        problems.push({
          severity: 'warning',
          file: locale.file,
          line: pos?.line ?? 1,
          column: pos?.column ?? 1,
          message: `"${k}" is not in the English locale, so no code or flow uses it.${didYouMean(k, baseSet)}`,
        });
      }
    }
  }
}
