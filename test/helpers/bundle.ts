import { readFileSync } from 'node:fs';
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
