import type { Bundle, Flow } from './bundle.js';
import type { Dimension, Strength } from './flow/schema.js';
import type { Level } from './system-keys.js';

/** A sign found in the answers. */
export interface FoundIndicator {
  id: string;
  strength: Strength;
  dimension: Dimension;
}

/** What the answers show, following the ICLS 2018 rule (involuntary work AND menace of penalty). */
export interface Assessment {
  level: Level;
  /** Every sign found, strongest first, in the order of flows/indicators.yaml. */
  indicators: FoundIndicator[];
  /** The strong signs in each ICLS dimension; forced-labour signs need both lists non-empty. */
  dimensions: { involuntary: string[]; coercion: string[] };
  /** True when an answer signalled danger now. */
  urgent: boolean;
}

/**
 * Scores the chosen answers (step id -> choice id). Pure: same answers, same result.
 *
 * - `urgent`: an answer marked `urgent: true` was chosen (danger now).
 * - `forced_labour_signs`: at least one strong involuntary-work sign and one strong coercion sign.
 * - `rights_violations`: any other strong sign.
 * - `no_signs`: no strong sign ("possible" signs are still listed so she can check them).
 */
export function scoreAnswers(
  flow: Flow,
  answers: Readonly<Record<string, string>>,
  indicators: Bundle['indicators'],
): Assessment {
  const found = new Map<string, Strength>();
  let urgent = false;
  for (const [stepId, choiceId] of Object.entries(answers)) {
    const step = flow.steps.get(stepId);
    if (step?.type !== 'question') continue;
    const choice = step.choices.find((c) => c.id === choiceId);
    if (!choice) continue;
    urgent ||= choice.urgent;
    for (const [id, strength] of Object.entries(choice.signals)) {
      if (strength === 'strong' || !found.has(id)) found.set(id, strength === 'strong' ? 'strong' : (found.get(id) ?? strength));
    }
  }
  const order = [...indicators.keys()];
  const list: FoundIndicator[] = [...found.entries()]
    .filter(([id]) => indicators.has(id))
    .map(([id, strength]) => ({ id, strength, dimension: indicators.get(id)!.dimension }))
    .sort((a, b) => (a.strength === b.strength ? order.indexOf(a.id) - order.indexOf(b.id) : a.strength === 'strong' ? -1 : 1));
  const strong = list.filter((i) => i.strength === 'strong');
  const dimensions = {
    involuntary: strong.filter((i) => i.dimension === 'involuntary').map((i) => i.id),
    coercion: strong.filter((i) => i.dimension === 'coercion').map((i) => i.id),
  };
  const level: Level = urgent
    ? 'urgent'
    : dimensions.involuntary.length > 0 && dimensions.coercion.length > 0
      ? 'forced_labour_signs'
      : strong.length > 0
        ? 'rights_violations'
        : 'no_signs';
  return { level, indicators: list, dimensions, urgent };
}
