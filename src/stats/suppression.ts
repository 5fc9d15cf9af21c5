/**
 * Small-cell suppression for the NGO reports, with complementary suppression checked by an auditor.
 *
 * The rule, as the README states it:
 *
 * 1. Primary: every printed count from 0 to 9 is shown as "<10". Zero too: a printed 0 next to a
 *    "<10" tells where the few people are ("0, 0, <10, 0" says every one of them had the same
 *    result; "<10 starts, 0 completions, 0 exits" says what each of them did).
 * 2. Complementary: a reader knows every sum the tables imply (a row total, the week total over
 *    languages, the campaign totals adding up to all completions). Knowing that "<10" means 0 to 9
 *    and "x" means 10 or more, from the printed numbers they must not be able to work out
 *    - the exact value of any "<10" cell, nor
 *    - the exact sum of several "<10" cells when that sum is 1 to 9 (e.g. "a total of 14, of which
 *      12 are shown" says exactly 2 people are in the "<10" cells next to them).
 *    While they can, the smallest printed count in the sums that give it away (a cell or a total)
 *    is hidden as "x", and everything is checked again.
 *
 * The check computes, for every hidden cell, the exact range of values consistent with everything
 * printed (interval propagation, which is exact because the sums form a tree: no count is in two
 * sums as a part, and sums are nested, never crossed like the rows and columns of a grid with both
 * margins). `protectCounts` refuses relations that are not a tree rather than trust a weaker check.
 */

/** Counts under this are never printed. */
export const SMALL_CELL_THRESHOLD = 10;

/** One count a report prints, or a total it implies without printing (a reader can still derive it). */
export interface CountCell {
  id: string;
  value: number;
  /** False for a total no table prints (e.g. all completions of the period). */
  printed: boolean;
}

/** A sum every reader knows from the layout: `total` = sum of `parts`. */
export interface SumRelation {
  total: string;
  parts: readonly string[];
}

/** How a printed count is shown: the number, "<10" (`small`) or "x" (`complement`, hidden to protect a small one). */
export type CellDisplay = 'value' | 'small' | 'complement';

/** Something a reader could work out; `protectCounts` leaves none. */
export interface Disclosure {
  /** `cell`: the exact value of one "<10" cell; `sum`: the exact total, 1 to k-1, of several. */
  kind: 'cell' | 'sum';
  cells: string[];
  value: number;
  /** Indexes of the sums used to work it out (where a complement must be found). */
  relations: number[];
}

type Range = { lo: number; hi: number };
type Expansion = { known: number; small: string[]; relations: number[] };

/**
 * Decides how each printed count is shown so that no "<10" cell, and no small sum of them, can be
 * worked out from what is printed (see the rule at the top of this file).
 */
export function protectCounts(
  cells: readonly CountCell[],
  relations: readonly SumRelation[],
  k: number = SMALL_CELL_THRESHOLD,
): Map<string, CellDisplay> {
  const model = new Model(cells, relations, k);
  const display = new Map<string, CellDisplay>();
  for (const c of cells) if (c.printed) display.set(c.id, c.value < k ? 'small' : 'value');
  // Each round hides one more count, so this ends; the bound is only a guard.
  for (let round = 0; round <= cells.length; round++) {
    const [first] = model.disclosures(display);
    if (!first) return display;
    const complement = model.pickComplement(first, display);
    if (complement === undefined) break;
    display.set(complement, 'complement');
  }
  throw new Error('small-cell suppression: could not hide every small count (this is a bug)');
}

/** Everything a reader could work out from `display` (empty when the counts are protected). */
export function findDisclosures(
  cells: readonly CountCell[],
  relations: readonly SumRelation[],
  display: ReadonlyMap<string, CellDisplay>,
  k: number = SMALL_CELL_THRESHOLD,
): Disclosure[] {
  return new Model(cells, relations, k).disclosures(display);
}

// === The reader's knowledge

class Model {
  private readonly byId = new Map<string, CountCell>();
  /** Cell id -> indexes of the relations it is in (as total or part). */
  private readonly relationsOf = new Map<string, number[]>();

  constructor(
    cells: readonly CountCell[],
    private readonly relations: readonly SumRelation[],
    private readonly k: number,
  ) {
    for (const c of cells) {
      if (this.byId.has(c.id)) throw new Error(`small-cell suppression: duplicate cell "${c.id}"`);
      if (!Number.isSafeInteger(c.value) || c.value < 0) throw new Error(`small-cell suppression: bad count for "${c.id}"`);
      this.byId.set(c.id, c);
      this.relationsOf.set(c.id, []);
    }
    relations.forEach((r, i) => {
      for (const id of [r.total, ...r.parts]) {
        const list = this.relationsOf.get(id);
        if (!list) throw new Error(`small-cell suppression: relation ${i} names unknown cell "${id}"`);
        list.push(i);
      }
      const sum = r.parts.reduce((s, p) => s + this.byId.get(p)!.value, 0);
      if (sum !== this.byId.get(r.total)!.value) throw new Error(`small-cell suppression: "${r.total}" is not the sum of its parts`);
    });
    this.assertTree();
  }

  disclosures(display: ReadonlyMap<string, CellDisplay>): Disclosure[] {
    const range = this.ranges(display);
    const exact = (id: string) => range.get(id)!.lo === range.get(id)!.hi;
    const found: Disclosure[] = [];
    for (const [id, d] of display) {
      if (d === 'small' && exact(id)) {
        found.push({ kind: 'cell', cells: [id], value: range.get(id)!.lo, relations: this.relationsOf.get(id)! });
      }
    }
    // Sums: start from a count known exactly and break every unknown count that is not "<10" into
    // its parts; if only exact counts and "<10" cells remain, the "<10" cells' sum is known.
    for (const [id, c] of this.byId) {
      if (!exact(id) || display.get(id) === 'small') continue;
      for (const i of this.childRelations(id)) {
        for (const e of this.expandParts(i, display, exact, range)) {
          const value = c.value - e.known;
          if (e.small.length > 1 && value >= 1 && value < this.k) {
            found.push({ kind: 'sum', cells: e.small, value, relations: e.relations });
          }
        }
      }
    }
    return found;
  }

  /** The relations in which `id` is the total. */
  private childRelations(id: string): number[] {
    return this.relationsOf.get(id)!.filter((i) => this.relations[i]!.total === id);
  }

  /**
   * Ways to write the parts of relation `i` as (exactly known number) + (sum of "<10" cells), breaking
   * unknown counts into their own parts. Empty when an unknown count cannot be broken down.
   */
  private expandParts(
    i: number,
    display: ReadonlyMap<string, CellDisplay>,
    exact: (id: string) => boolean,
    range: Map<string, Range>,
  ): Expansion[] {
    let ways: Expansion[] = [{ known: 0, small: [], relations: [i] }];
    for (const part of this.relations[i]!.parts) {
      let options: Expansion[];
      if (display.get(part) === 'small') options = [{ known: 0, small: [part], relations: [] }];
      else if (exact(part)) options = [{ known: range.get(part)!.lo, small: [], relations: [] }];
      else options = this.childRelations(part).flatMap((j) => this.expandParts(j, display, exact, range));
      ways = ways.flatMap((w) =>
        options.map((o) => ({ known: w.known + o.known, small: [...w.small, ...o.small], relations: [...w.relations, ...o.relations] })),
      );
      if (ways.length === 0) return [];
      if (ways.length > 64) throw new Error('small-cell suppression: too many ways to combine the sums');
    }
    return ways;
  }

  /**
   * The count to hide next: the smallest printed number in a sum that gives the disclosure away;
   * when all of those are hidden already, the smallest one in the sums next to them, and so on.
   */
  pickComplement(disclosure: Disclosure, display: ReadonlyMap<string, CellDisplay>): string | undefined {
    let frontier = [...new Set(disclosure.relations)];
    const seen = new Set(frontier);
    while (frontier.length > 0) {
      const candidates = new Map<string, boolean>(); // id -> is a total
      for (const i of frontier) {
        const rel = this.relations[i]!;
        for (const p of rel.parts) if (display.get(p) === 'value') candidates.set(p, false);
        if (display.get(rel.total) === 'value') candidates.set(rel.total, true);
      }
      if (candidates.size > 0) {
        return [...candidates].sort(
          ([a, aTotal], [b, bTotal]) =>
            this.byId.get(a)!.value - this.byId.get(b)!.value || Number(aTotal) - Number(bTotal) || (a < b ? -1 : 1),
        )[0]![0];
      }
      const next: number[] = [];
      for (const i of frontier) {
        const rel = this.relations[i]!;
        for (const id of [rel.total, ...rel.parts]) {
          for (const j of this.relationsOf.get(id)!) {
            if (!seen.has(j)) {
              seen.add(j);
              next.push(j);
            }
          }
        }
      }
      frontier = next;
    }
    return undefined;
  }

  /** The exact range of each cell given what is printed and what the markers mean. */
  private ranges(display: ReadonlyMap<string, CellDisplay>): Map<string, Range> {
    const range = new Map<string, Range>();
    for (const c of this.byId.values()) {
      const d = display.get(c.id);
      range.set(
        c.id,
        !c.printed
          ? { lo: 0, hi: Infinity }
          : d === 'value'
            ? { lo: c.value, hi: c.value }
            : d === 'small'
              ? { lo: 0, hi: this.k - 1 }
              : { lo: this.k, hi: Infinity },
      );
    }
    // On a tree, repeating until nothing changes gives exact bounds; the limit is only a guard.
    for (let pass = 0; pass < 10_000; pass++) {
      let changed = false;
      const narrow = (id: string, lo: number, hi: number) => {
        const r = range.get(id)!;
        const next = { lo: Math.max(r.lo, lo), hi: Math.min(r.hi, hi) };
        if (next.lo > next.hi) throw new Error('small-cell suppression: inconsistent counts');
        if (next.lo !== r.lo || next.hi !== r.hi) {
          range.set(id, next);
          changed = true;
        }
      };
      for (const rel of this.relations) {
        const parts = rel.parts.map((p) => range.get(p)!);
        narrow(rel.total, sumOf(parts.map((p) => p.lo)), sumOf(parts.map((p) => p.hi)));
        const total = range.get(rel.total)!;
        rel.parts.forEach((id, i) => {
          const others = parts.filter((_, j) => j !== i);
          narrow(id, total.lo - sumOf(others.map((o) => o.hi)), total.hi - sumOf(others.map((o) => o.lo)));
        });
      }
      if (!changed) return range;
    }
    throw new Error('small-cell suppression: bounds did not settle');
  }

  /** Interval propagation is exact only when cells and sums form a forest (no cycles). */
  private assertTree(): void {
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let root = x;
      while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
      parent.set(x, root);
      return root;
    };
    this.relations.forEach((rel, i) => {
      const node = `#${i}`;
      parent.set(node, node);
      for (const id of new Set([rel.total, ...rel.parts])) {
        const a = find(`cell:${id}`);
        const b = find(node);
        if (a === b) throw new Error(`small-cell suppression: the sums must form a tree; "${id}" closes a cycle`);
        parent.set(a, b);
      }
    });
  }
}

/** Sum of bounds; an unbounded one makes the sum unbounded. */
function sumOf(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
