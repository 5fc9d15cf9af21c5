import { describe, expect, it } from 'vitest';
import { findDisclosures, protectCounts, type CellDisplay, type CountCell, type SumRelation } from '../../src/stats/suppression.js';
import { bruteForceDisclosures } from './brute-force-reader.js';

/** A row of parts with a printed total: `row('r', [3, 40, 50])`. */
function row(name: string, values: number[], printedTotal = true): { cells: CountCell[]; relation: SumRelation } {
  const parts = values.map((value, i) => ({ id: `${name}.${i}`, value, printed: true }));
  const total = { id: `${name}.total`, value: values.reduce((s, v) => s + v, 0), printed: printedTotal };
  return { cells: [...parts, total], relation: { total: total.id, parts: parts.map((p) => p.id) } };
}

const shownAs = (display: ReadonlyMap<string, CellDisplay>, cells: readonly CountCell[]) =>
  Object.fromEntries(cells.filter((c) => c.printed).map((c) => [c.id, display.get(c.id) === 'value' ? c.value : display.get(c.id) === 'small' ? '<10' : 'x']));

describe('small-cell suppression: primary', () => {
  it('shows every count from 0 to 9 as "<10" and nothing else hidden when there are no sums', () => {
    const cells = [0, 1, 9, 10, 250].map((value, i) => ({ id: `c${i}`, value, printed: true }));
    expect(shownAs(protectCounts(cells, []), cells)).toEqual({ c0: '<10', c1: '<10', c2: '<10', c3: 10, c4: 250 });
  });
});

describe('small-cell suppression: complementary', () => {
  it('one small cell in a row with a printed total: the next smallest cell is hidden too', () => {
    const { cells, relation } = row('r', [1, 40, 50, 60]);
    expect(shownAs(protectCounts(cells, [relation]), cells)).toEqual({ 'r.0': '<10', 'r.1': 'x', 'r.2': 50, 'r.3': 60, 'r.total': 151 });
  });

  it('two small cells whose sum the total gives away (1 + 1 = 2) get a complement', () => {
    const { cells, relation } = row('r', [1, 1, 40, 50]);
    const display = protectCounts(cells, [relation]);
    expect(shownAs(display, cells)).toEqual({ 'r.0': '<10', 'r.1': '<10', 'r.2': 'x', 'r.3': 50, 'r.total': 92 });
  });

  it('zeros are small too: "0, 0, 12" with a total of 12 would say the two hidden cells are empty', () => {
    const { cells, relation } = row('r', [0, 0, 12]);
    expect(shownAs(protectCounts(cells, [relation]), cells)).toEqual({ 'r.0': '<10', 'r.1': '<10', 'r.2': 'x', 'r.total': 12 });
  });

  it('a complement of 10 is enough next to a 9: the reader learns only 9 + x = 19 with x >= 10', () => {
    // Hidden 9 ("<10") and hidden 10 ("x", so at least 10) with 40 and a total of 59 shown: the two
    // hidden cells add up to 19, which leaves the "<10" cell anywhere from 0 to 9.
    const { cells, relation } = row('r', [9, 10, 40]);
    const display = protectCounts(cells, [relation]);
    expect(shownAs(display, cells)).toEqual({ 'r.0': '<10', 'r.1': 'x', 'r.2': 40, 'r.total': 59 });
    expect(findDisclosures(cells, [relation], display)).toEqual([]);
    expect(bruteForceDisclosures(cells, [relation], display, 80)).toEqual([]);
  });

  it('a small row total that the grand total gives away is protected one level up', () => {
    const a = row('a', [6, 6]); // total 12
    const b = row('b', [1, 0]); // total 1, all small
    const grand = { id: 'g', value: 13, printed: true };
    const cells = [...a.cells, ...b.cells, grand];
    const relations = [a.relation, b.relation, { total: 'g', parts: ['a.total', 'b.total'] }];
    const display = protectCounts(cells, relations);
    expect(display.get('b.total')).toBe('small');
    expect(display.get('a.total')).toBe('complement');
    expect(findDisclosures(cells, relations, display)).toEqual([]);
    expect(bruteForceDisclosures(cells, relations, display, 60)).toEqual([]);
  });

  it('a small sum across several rows is found too (14 in all, 12 of them shown in one row)', () => {
    const a = row('a', [0, 12]); // the 12 would be shown, its 0 hidden
    const b = row('b', [2]);
    const grand = { id: 'g', value: 14, printed: true };
    const cells = [...a.cells, ...b.cells, grand];
    const relations = [a.relation, b.relation, { total: 'g', parts: ['a.total', 'b.total'] }];
    const primary = new Map(cells.map((c) => [c.id, (c.value < 10 ? 'small' : 'value') as CellDisplay]));
    // With only primary suppression a.total = 12 and b = 14 - 12: both the auditor and the brute force see it.
    expect(findDisclosures(cells, relations, primary).length).toBeGreaterThan(0);
    const display = protectCounts(cells, relations);
    expect(findDisclosures(cells, relations, display)).toEqual([]);
    expect(bruteForceDisclosures(cells, relations, display, 60)).toEqual([]);
  });

  it('an unprinted total that two tables share (weeks and campaigns) is treated as known when either side is', () => {
    // All completions = week 1 + week 2 = campaign A + campaign B. Week 2 has 1; the campaigns have 20 and 11.
    const cells: CountCell[] = [
      { id: 'all', value: 31, printed: false },
      { id: 'w1', value: 30, printed: true },
      { id: 'w2', value: 1, printed: true },
      { id: 'cA', value: 20, printed: true },
      { id: 'cB', value: 11, printed: true },
    ];
    const relations = [
      { total: 'all', parts: ['w1', 'w2'] },
      { total: 'all', parts: ['cA', 'cB'] },
    ];
    const display = protectCounts(cells, relations);
    expect(display.get('w2')).toBe('small');
    expect(findDisclosures(cells, relations, display)).toEqual([]);
    expect(bruteForceDisclosures(cells, relations, display, 60)).toEqual([]);
    expect([display.get('w1'), display.get('cA'), display.get('cB')]).toContain('complement');
  });

  it('refuses sums that cross like a grid with both margins (the check would not be exact there)', () => {
    const cells = ['a', 'b', 'c', 'd', 'r1', 'r2', 'c1', 'c2'].map((id) => ({ id, value: 1, printed: true }));
    cells.find((c) => c.id === 'r1')!.value = 2;
    cells.find((c) => c.id === 'r2')!.value = 2;
    cells.find((c) => c.id === 'c1')!.value = 2;
    cells.find((c) => c.id === 'c2')!.value = 2;
    const relations = [
      { total: 'r1', parts: ['a', 'b'] },
      { total: 'r2', parts: ['c', 'd'] },
      { total: 'c1', parts: ['a', 'c'] },
      { total: 'c2', parts: ['b', 'd'] },
    ];
    expect(() => protectCounts(cells, relations)).toThrow(/must form a tree/);
  });

  it('refuses counts that do not add up', () => {
    const { cells, relation } = row('r', [1, 2]);
    cells.find((c) => c.id === 'r.total')!.value = 4;
    expect(() => protectCounts(cells, [relation])).toThrow(/not the sum/);
  });
});

// === Random tiny tables, checked against the brute-force reader

const VALUES = [0, 0, 1, 1, 2, 3, 5, 8, 9, 10, 11, 12, 15, 20];

/** A tiny random deterministic generator so failures can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomInstance(seed: number): { cells: CountCell[]; relations: SumRelation[] } {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const cells: CountCell[] = [];
  const relations: SumRelation[] = [];
  let leaves = 0;
  const groups = pick([2, 2, 3]);
  const groupTotals: string[] = [];
  for (let g = 0; g < groups; g++) {
    const n = leaves >= 4 ? 1 : pick([1, 2, 2, 3]);
    const parts = Array.from({ length: n }, (_, i) => ({ id: `g${g}.${i}`, value: pick(VALUES), printed: true }));
    leaves += n;
    cells.push(...parts);
    const total = { id: `g${g}`, value: parts.reduce((s, p) => s + p.value, 0), printed: true };
    cells.push(total);
    relations.push({ total: total.id, parts: parts.map((p) => p.id) });
    groupTotals.push(total.id);
  }
  const rootValue = groupTotals.reduce((s, id) => s + cells.find((c) => c.id === id)!.value, 0);
  const withSecondSide = r() < 0.4;
  cells.push({ id: 'root', value: rootValue, printed: withSecondSide ? false : r() < 0.7 });
  relations.push({ total: 'root', parts: groupTotals });
  if (withSecondSide) {
    // A second table splits the same total another way (like campaigns against weeks).
    const first = Math.floor(r() * (rootValue + 1));
    cells.push({ id: 'side.0', value: first, printed: true }, { id: 'side.1', value: rootValue - first, printed: true });
    relations.push({ total: 'root', parts: ['side.0', 'side.1'] });
  }
  return { cells, relations };
}

describe('small-cell suppression against a brute-force reader (random tiny tables)', () => {
  it('the auditor finds a disclosure exactly when the brute force does (primary suppression only)', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const { cells, relations } = randomInstance(seed);
      const primary = new Map(cells.filter((c) => c.printed).map((c) => [c.id, (c.value < 10 ? 'small' : 'value') as CellDisplay]));
      const audit = findDisclosures(cells, relations, primary).length > 0;
      const brute = bruteForceDisclosures(cells, relations, primary, 0).length > 0;
      expect({ seed, audit }).toEqual({ seed, audit: brute });
    }
  });

  // CPU-bound (a brute force over 150 tables): about 15 s on a busy two-core machine, over the 20 s default when other suites run.
  it('after protectCounts nothing can be worked out, and every printed number is 0 or at least 10', { timeout: 90_000 }, () => {
    for (let seed = 1; seed <= 150; seed++) {
      const { cells, relations } = randomInstance(seed);
      const display = protectCounts(cells, relations);
      const cap = cells.reduce((s, c) => Math.max(s, c.value), 0) + 30;
      expect({ seed, found: bruteForceDisclosures(cells, relations, display, cap) }).toEqual({ seed, found: [] });
      for (const c of cells) {
        if (c.printed && display.get(c.id) === 'value') expect(c.value).toBeGreaterThanOrEqual(10);
      }
    }
  });
});
