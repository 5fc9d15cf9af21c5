import type { CellDisplay, CountCell, SumRelation } from '../../src/stats/suppression.js';

/**
 * An attacker that tries every possible table: each count not printed as a number may be any value
 * its marker allows ("<10": 0-9, "x": 10 up to `cap`), totals are recomputed from their parts, and
 * whatever stays the same across all tables consistent with the printed ones is "worked out".
 * Independent of src/stats/suppression.ts on purpose; only for tiny instances.
 */
export function bruteForceDisclosures(
  cells: readonly CountCell[],
  relations: readonly SumRelation[],
  display: ReadonlyMap<string, CellDisplay>,
  cap: number,
): string[] {
  const totals = new Set(relations.map((r) => r.total));
  const leaves = cells.filter((c) => !totals.has(c.id));
  const small = cells.filter((c) => display.get(c.id) === 'small').map((c) => c.id);
  const domain = (c: CountCell): number[] => {
    const d = display.get(c.id);
    if (d === 'value') return [c.value];
    if (d === 'small') return range(0, 9);
    if (d === 'complement') return range(10, cap);
    return range(0, cap);
  };
  const domains = leaves.map(domain);
  const seenVectors = new Set<string>();
  const value = new Map<string, number>();

  /**
   * Whether the values given so far (the first `assigned` leaves) still fit what is printed: every
   * sum whose parts are all known is computed and checked. Called after each leaf, so that dead
   * branches are cut early; with every leaf given it is the full check.
   */
  const check = (assigned: number): boolean => {
    const computed = new Map<string, number>();
    for (let i = 0; i < assigned; i++) computed.set(leaves[i]!.id, value.get(leaves[i]!.id)!);
    for (let changed = true; changed; ) {
      changed = false;
      for (const r of relations) {
        if (r.parts.some((p) => !computed.has(p))) continue;
        const sum = r.parts.reduce((s, p) => s + computed.get(p)!, 0);
        if (computed.has(r.total)) {
          if (computed.get(r.total) !== sum) return false;
        } else {
          computed.set(r.total, sum);
          changed = true;
        }
      }
    }
    for (const c of cells) {
      if (!computed.has(c.id)) continue;
      const v = computed.get(c.id)!;
      const d = display.get(c.id);
      if (d === 'value' && v !== c.value) return false;
      if (d === 'small' && v > 9) return false;
      if (d === 'complement' && v < 10) return false;
    }
    if (assigned === leaves.length) for (const id of small) value.set(id, computed.get(id)!);
    return true;
  };

  const walk = (i: number): void => {
    if (i === leaves.length) {
      seenVectors.add(small.map((id) => value.get(id)).join(','));
      return;
    }
    for (const v of domains[i]!) {
      value.set(leaves[i]!.id, v);
      if (check(i + 1)) walk(i + 1);
    }
  };
  walk(0);

  const vectors = [...seenVectors].map((s) => s.split(',').map(Number));
  const found: string[] = [];
  // Every non-empty subset of the "<10" cells: is its sum the same in every consistent table?
  for (let mask = 1; mask < 1 << small.length; mask++) {
    const members = small.filter((_, i) => mask & (1 << i));
    const sums = new Set(vectors.map((v) => v.reduce((s, x, i) => (mask & (1 << i) ? s + x : s), 0)));
    if (sums.size !== 1) continue;
    const [sum] = sums;
    if (members.length === 1 || (sum! >= 1 && sum! <= 9)) found.push(`${members.join('+')}=${sum}`);
  }
  return found;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
