import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/app.js';
import { loadBundle, type Bundle } from '../../src/bundle.js';
import { formatProblem } from '../../src/problems.js';
import { fixtureRoot } from './fixture-root.js';

/** The shipped flow with only the given locales (English by default), checked. */
export function shippedBundle(locales: readonly string[] = ['en']): Bundle {
  const text = readFileSync(join(PROJECT_ROOT, 'flows', 'self-assessment.yaml'), 'utf8');
  const { bundle, problems } = loadBundle({ root: fixtureRoot(text, locales) });
  if (!bundle) throw new Error(problems.map(formatProblem).join('\n'));
  return bundle;
}

/** Every step's harmless answer (the first choice that signals nothing), overridden by `answers`. */
export function harmlessAnswers(bundle: Bundle, answers: Record<string, string> = {}): Record<string, string> {
  const flow = bundle.flows.get(bundle.defaultFlowId)!;
  const out: Record<string, string> = {};
  for (const step of flow.steps.values()) {
    if (step.type !== 'question') continue;
    const harmless = step.choices.find((c) => Object.keys(c.signals).length === 0 && !c.urgent);
    if (harmless) out[step.id] = harmless.id;
  }
  return { ...out, ...answers };
}

type Tree = { [key: string]: string | Tree };
const withFallback = new Map<string, Bundle>();

/**
 * The shipped flow with the given locales, where a text a translator has not added yet falls back
 * to English. For channel tests, which stay green while a translation is in progress
 * (test/locales.test.ts is where a missing text fails). Cached per list of locales.
 */
export function shippedBundleWithEnglishFallback(locales: readonly string[]): Bundle {
  const key = locales.join(',');
  const cached = withFallback.get(key);
  if (cached) return cached;
  const flow = readFileSync(join(PROJECT_ROOT, 'flows', 'self-assessment.yaml'), 'utf8');
  const root = fixtureRoot(flow, locales);
  const english = parse(readFileSync(join(PROJECT_ROOT, 'locales', 'en', 'messages.yaml'), 'utf8')) as Tree;
  for (const l of locales.filter((x) => x !== 'en')) {
    const file = join(root, 'locales', l, 'messages.yaml');
    writeFileSync(file, stringify(fillFrom(parse(readFileSync(file, 'utf8')) as Tree, english)));
  }
  const { bundle, problems } = loadBundle({ root });
  if (!bundle) throw new Error(problems.map(formatProblem).join('\n'));
  withFallback.set(key, bundle);
  return bundle;
}

/** `own` plus every key it lacks from `fallback`; plural forms are left as the language has them. */
function fillFrom(own: Tree, fallback: Tree): Tree {
  const out: Tree = { ...own };
  for (const [k, v] of Object.entries(fallback)) {
    const plural = /^(.*)_(zero|one|two|few|many|other)$/.exec(k);
    if (plural && Object.keys(own).some((x) => x.startsWith(`${plural[1]}_`))) continue;
    const mine = own[k];
    if (mine === undefined) out[k] = v;
    else if (typeof mine === 'object' && typeof v === 'object') out[k] = fillFrom(mine, v);
  }
  return out;
}
