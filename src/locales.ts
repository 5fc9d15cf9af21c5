import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import type { Problem } from './problems.js';
import { YamlFile } from './yaml-file.js';

/** The language every other locale is compared against. */
export const BASE_LOCALE = 'en';

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** One language's texts, flattened to dotted keys, with where each key is written. */
export interface Locale {
  code: string;
  file: string;
  /** Nested resource object, as i18next wants it. */
  resources: Record<string, unknown>;
  /** Every leaf key (with plural suffixes as written) and its position. */
  keys: Map<string, { value: string; line: number; column: number }>;
  yaml: YamlFile;
}

/** Reads every `locales/<code>/messages.yaml`. */
export function readLocales(root: string, dir = 'locales'): { locales: Locale[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const locales: Locale[] = [];
  const abs = join(root, dir);
  if (!existsSync(abs)) {
    return {
      locales,
      problems: [{ severity: 'error', file: dir, line: 1, column: 1, message: 'the locales folder is missing' }],
    };
  }
  for (const code of readdirSync(abs).sort()) {
    const file = `${dir}/${code}/messages.yaml`;
    if (!existsSync(join(abs, code, 'messages.yaml'))) continue;
    const { yaml, problems: p } = YamlFile.read(join(abs, code, 'messages.yaml'), file);
    problems.push(...p);
    if (!yaml) continue;
    const keys = new Map<string, { value: string; line: number; column: number }>();
    const value = yaml.value();
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(yaml.problem([], 'a locale file must be a set of "key: text" lines'));
      continue;
    }
    flatten(yaml, yaml.doc.contents as Node, [], keys, problems);
    locales.push({ code, file, resources: value as Record<string, unknown>, keys, yaml });
  }
  return { locales, problems };
}

function flatten(
  yaml: YamlFile,
  node: Node | null,
  path: string[],
  out: Locale['keys'],
  problems: Problem[],
): void {
  if (isMap(node)) {
    for (const item of node.items) {
      const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
      flatten(yaml, item.value as Node, [...path, k], out, problems);
    }
    return;
  }
  const pos = yaml.at(path);
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
    const text = String(node.value);
    if (text.trim() === '') {
      problems.push({ severity: 'error', file: yaml.file, ...pos, message: `the text "${path.join('.')}" is empty` });
    }
    out.set(path.join('.'), { value: text, ...pos });
    return;
  }
  problems.push({
    severity: 'error',
    file: yaml.file,
    ...pos,
    message: `"${path.join('.')}" must be a text (put it in quotes if it starts with a special character)`,
  });
}

/** The plural categories a language needs (Tagalog: one, other; Indonesian and Chinese: other). */
export function pluralCategories(code: string): string[] {
  return new Intl.PluralRules(code).resolvedOptions().pluralCategories;
}

/** True when `key` is present in `locale`, directly or as a complete set of plural forms. */
export function hasKey(locale: Locale, key: string): boolean {
  if (locale.keys.has(key)) return true;
  return pluralCategories(locale.code).every((c) => locale.keys.has(`${key}_${c}`));
}

/** The keys of a locale with plural suffixes folded into their base key. */
export function baseKeys(locale: Locale): Set<string> {
  return new Set([...locale.keys.keys()].map((k) => k.replace(PLURAL_SUFFIX, '')));
}

/** Problems with plural forms: a base key written with suffixes must have every category the language needs. */
export function checkPlurals(locale: Locale): Problem[] {
  const problems: Problem[] = [];
  const needed = pluralCategories(locale.code);
  const seen = new Set<string>();
  for (const [k, pos] of locale.keys) {
    const m = PLURAL_SUFFIX.exec(k);
    if (!m) continue;
    const base = k.slice(0, m.index);
    if (seen.has(base)) continue;
    seen.add(base);
    const missing = needed.filter((c) => !locale.keys.has(`${base}_${c}`));
    if (missing.length > 0) {
      problems.push({
        severity: 'error',
        file: locale.file,
        line: pos.line,
        column: pos.column,
        message: `"${base}" needs the plural form(s) ${missing.map((c) => `${base}_${c}`).join(', ')} in ${locale.code}`,
      });
    }
  }
  return problems;
}
