import type { Dimension, FlowFile, Strength } from '../flow/schema.js';

// === The flow as a graph

/** One answer, as the diagram shows it. */
export interface DiagramChoice {
  id: string;
  next: string;
  signals: { id: string; strength: Strength }[];
  urgent: boolean;
  contacts: string[];
}

/** One step, as the diagram shows it. */
export interface DiagramStep {
  id: string;
  type: 'language' | 'message' | 'question' | 'result';
  /** The step's own `next` (language, message, and the default of a question's choices). */
  next?: string;
  choices: DiagramChoice[];
}

/** A flow reduced to what a drawing needs; steps in the order of the file. */
export interface DiagramFlow {
  id: string;
  version: number;
  start: string;
  /** The flow file, relative to the project folder, e.g. `flows/self-assessment.yaml`. */
  file: string;
  steps: DiagramStep[];
  /** Each indicator's ICLS dimension, from flows/indicators.yaml. */
  dimensions: Map<string, Dimension>;
}

/** Builds the graph from a flow file that passed the schema (choices get the step's `next` by default). */
export function diagramFlowOf(def: FlowFile, file: string, dimensions: Map<string, Dimension>): DiagramFlow {
  const steps: DiagramStep[] = Object.entries(def.steps).map(([id, s]) => {
    if (s.type === 'result') return { id, type: s.type, choices: [] };
    if (s.type !== 'question') return { id, type: s.type, next: s.next, choices: [] };
    return {
      id,
      type: s.type,
      next: s.next,
      choices: s.choices.map((c) => ({
        id: c.id,
        next: c.next ?? s.next ?? '',
        signals: Array.isArray(c.signals)
          ? c.signals.map((x) => ({ id: x, strength: 'strong' as const }))
          : Object.entries(c.signals ?? {}).map(([x, strength]) => ({ id: x, strength })),
        urgent: c.urgent ?? false,
        contacts: c.contacts ?? [],
      })),
    };
  });
  return { id: def.id, version: def.version, start: def.start, file, steps, dimensions };
}

/** An arrow between two steps, for all the choices that take it. */
export interface DiagramEdge {
  from: string;
  to: string;
  /** The choices that lead this way (empty for a language or message step). */
  choices: DiagramChoice[];
}

/** The arrows of a step: one per distinct next step, in the order the choices first name it. */
export function edgesOf(step: DiagramStep): DiagramEdge[] {
  if (step.type === 'result') return [];
  if (step.type !== 'question') return step.next ? [{ from: step.id, to: step.next, choices: [] }] : [];
  const edges: DiagramEdge[] = [];
  for (const c of step.choices) {
    const edge = edges.find((e) => e.to === c.next);
    if (edge) edge.choices.push(c);
    else edges.push({ from: step.id, to: c.next, choices: [c] });
  }
  return edges;
}
