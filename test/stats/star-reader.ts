import type { CellDisplay, CountCell, SumRelation } from '../../src/stats/suppression.js';

/**
 * An exact reader for the report's shape, where every sum is a star: a total split several ways
 * (by language, by week ...), each part in no other sum. Independent of src/stats/suppression.ts.
 * Unlike the brute-force reader it does not list whole tables, it works with the sets of sums each
 * split can make, so it also runs at city size.
 *
 * What a reader can work out, for every total: its possible values are those every split can
 * make; then, within each split, the exact value of a "<10" cell, or the exact sum (1 to 9) of
 * several, whenever only one value fits. (Splits are independent once the total is fixed, so
 * cells of two splits are only tied through the total, which this already takes into account.)
 */
export function starDisclosures(
  cells: readonly CountCell[],
  relations: readonly SumRelation[],
  display: ReadonlyMap<string, CellDisplay>,
): string[] {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const totals = new Set(relations.map((r) => r.total));
  for (const r of relations)
    for (const p of r.parts) if (totals.has(p)) throw new Error(`not a star: ${p} is a part and a total`);
  // Every marker allows a run of whole numbers, so the sums of several cells are a run too.
  const domain = (id: string): Run => {
    const d = display.get(id);
    if (d === 'value') return [byId.get(id)!.value, byId.get(id)!.value];
    if (d === 'small') return [0, 9];
    if (d === 'complement') return [10, Infinity];
    return [0, Infinity];
  };
  const found: string[] = [];
  for (const total of totals) {
    const arms = relations.filter((r) => r.total === total).map((r) => r.parts);
    const feasible = arms.reduce((t, parts) => meet(t, sum(parts.map(domain))), domain(total));
    for (const parts of arms) {
      const small = parts.filter((p) => display.get(p) === 'small');
      if (small.length > 14) throw new Error(`too many "<10" cells under ${total} to try every group`);
      for (let mask = 1; mask < 1 << small.length; mask++) {
        const group = small.filter((_, i) => mask & (1 << i));
        const rest = sum(parts.filter((p) => !group.includes(p)).map(domain));
        // x is possible when some total t fits and t - x is a possible sum of the rest.
        const [lo, hi] = meet(sum(group.map(domain)), [feasible[0] - rest[1], feasible[1] - rest[0]]);
        if (lo !== hi) continue;
        if (group.length === 1 || (lo >= 1 && lo <= 9)) found.push(`${group.join('+')}=${lo}`);
      }
    }
  }
  return found;
}

/** The whole numbers from [0] to [1] (Infinity: no upper bound). */
type Run = [number, number];

function sum(runs: readonly Run[]): Run {
  return runs.reduce<Run>(([lo, hi], [a, b]) => [lo + a, hi + b], [0, 0]);
}

function meet(a: Run, b: Run): Run {
  const run: Run = [Math.max(a[0], b[0]), Math.min(a[1], b[1])];
  if (run[0] > run[1]) throw new Error('the printed counts contradict each other');
  return run;
}
