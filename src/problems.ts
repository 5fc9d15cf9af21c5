import { distance } from 'fastest-levenshtein';

/** A problem found in a flow, contacts or locale file, located for a maintainer. */
export interface Problem {
  severity: 'error' | 'warning';
  /** Path relative to the project root, e.g. `flows/self-assessment.yaml`. */
  file: string;
  line: number;
  column: number;
  message: string;
}

/** One line per problem, `file:line:column: error: message`, as editors and CI understand it. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}

/** Thrown at start-up when flows or locales are broken; carries every problem, not just the first. */
export class FlowProblemsError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `The flows or locales have ${problems.filter((p) => p.severity === 'error').length} problem(s):\n` +
        problems.map(formatProblem).join('\n'),
    );
    this.name = 'FlowProblemsError';
  }
}

/** ` Did you mean "x"?` when a close name exists, else an empty string. */
export function didYouMean(wanted: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const d = distance(wanted, k);
    if (d < bestScore) {
      bestScore = d;
      best = k;
    }
  }
  if (best === undefined) return '';
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return bestScore <= limit ? ` Did you mean "${best}"?` : '';
}
