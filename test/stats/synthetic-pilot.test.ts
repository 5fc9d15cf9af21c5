import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadCheckedBundle } from '../../src/app.js';
import { recentIsoWeeks } from '../../src/stats/iso-week.js';
import { MemoryStatsCounter } from '../../src/stats/memory-counter.js';
import { CSV_COLUMNS, formatReportCsv } from '../../src/stats/report-format.js';
import {
  ALL,
  auditStatsReport,
  buildStatsReport,
  OTHER_CAMPAIGNS,
  type ReportTable,
  type StatsReport,
} from '../../src/stats/report.js';
import { bundleReportOptions, runStatsCommand } from '../../src/stats/stats-command.js';
import { NONE } from '../../src/stats/stats-counter.js';
import { findDisclosures, type CellDisplay, type CountCell } from '../../src/stats/suppression.js';
import { bruteForceDisclosures } from './brute-force-reader.js';
import { starDisclosures } from './star-reader.js';
import { countPilot, PILOT_LANGUAGES, syntheticPilot, type PilotSession } from './synthetic-pilot.js';
import { parseCsv } from './csv.js';

/*
 * "Done when" of the NGO report: a known synthetic pilot at three sizes is counted, and the
 * report, its CSV and its spreadsheet agree with each other and with the truth, counted here from
 * the sessions themselves; no count under 10 is printed or can be worked out.
 */

const bundle = loadCheckedBundle();
const NOW = Date.UTC(2026, 11, 2, 4);
const WEEKS = recentIsoWeeks(8, NOW);
const opts = bundleReportOptions(bundle, WEEKS);

/** The true count behind one count cell, from the sessions (independent of src/stats/report.ts). */
function truth(
  sessions: readonly PilotSession[],
  table: ReportTable['id'],
  row: string,
  column: string,
): number {
  const done = sessions.filter((s) => s.completed);
  const inWeek = (s: PilotSession, w: string) => w === ALL || WEEKS[s.week] === w;
  const campaignTotals = new Map<string, number>();
  for (const s of done)
    campaignTotals.set(s.campaign ?? NONE, (campaignTotals.get(s.campaign ?? NONE) ?? 0) + 1);
  const campaignRow = (c: string | undefined) =>
    c === undefined ? NONE : campaignTotals.get(c)! >= 10 ? c : OTHER_CAMPAIGNS;
  const is = (value: string, wanted: string) => wanted === ALL || value === wanted;
  const measure = (list: readonly PilotSession[], m: string) =>
    m === 'started'
      ? list.length
      : m === 'completed'
        ? list.filter((s) => s.completed).length
        : list.filter((s) => s.exited).length;
  switch (table) {
    case 'summary_by_language':
      return measure(
        sessions.filter((s) => is(column === 'started' ? (s.startLang ?? NONE) : s.lang, row)),
        column,
      );
    case 'summary_by_channel':
      return done.filter((s) => is(s.channel, row)).length;
    case 'summary_by_campaign':
      return done.filter((s) => is(campaignRow(s.campaign), row)).length;
    case 'summary_by_level':
      return done.filter((s) => is(s.completed!.level, row)).length;
    case 'summary_by_sign':
      return row === ALL ? done.length : done.filter((s) => s.completed!.indicators.includes(row)).length;
    case 'funnel_by_question':
      return sessions.filter((s) => s.reached.includes(row) && is(s.lang, column)).length;
    case 'weekly_totals':
      return measure(
        sessions.filter((s) => inWeek(s, row)),
        column,
      );
    case 'weekly_signs':
      return done.filter((s) => inWeek(s, column) && s.completed!.indicators.includes(row)).length;
    case 'weekly_reached':
      return sessions.filter((s) => inWeek(s, column) && s.reached.includes(row)).length;
  }
}

/** The count cells a percentage is made of (numerator, denominator) in each table. */
function percentOf(t: ReportTable, row: string, column: string): [string, string, string, string] {
  if (column === 'completion_rate') return [row, 'completed', row, 'started'];
  if (column === 'share_of_first') return [row, ALL, t.rows[0]!.id, ALL];
  const counted = t.columns[0]!.id;
  return [row, counted, ALL, counted];
}

/** Every published cell agrees with the truth: a number is exact, "<10" is under 10, "x" is 10 or more. */
function expectTruth(report: StatsReport, sessions: readonly PilotSession[]): number {
  let checked = 0;
  for (const t of report.tables) {
    for (const r of t.rows) {
      r.cells.forEach((cell, i) => {
        const column = t.columns[i]!;
        const where = `${t.id} ${r.id} ${column.id}`;
        if (column.unit === 'percent') {
          if (cell.value === null) return;
          const [nr, nc, dr, dc] = percentOf(t, r.id, column.id);
          const [n, d] = [truth(sessions, t.id, nr, nc), truth(sessions, t.id, dr, dc)];
          expect(cell.value, where).toBe(d === 0 ? 0 : Math.round((1000 * n) / d) / 10);
        } else {
          const n = truth(sessions, t.id, r.id, column.id);
          if (cell.value !== null) expect(cell.value, where).toBe(n);
          else if (cell.suppressed === 'small') expect(n, where).toBeLessThan(10);
          else expect(n, where).toBeGreaterThanOrEqual(10);
          // Nothing under 10 is ever printed as a number.
          if (cell.value !== null) expect(cell.value, where).toBeGreaterThanOrEqual(10);
        }
        checked++;
      });
    }
  }
  return checked;
}

/**
 * The brute-force reader tries every table consistent with what is printed; it is exponential, so
 * it takes each published sum on its own (with its total as printed) when that is small enough to
 * enumerate. The auditor, exact on these tree-shaped sums, checks all tables together.
 */
function expectNothingRecoverable(data: Awaited<ReturnType<MemoryStatsCounter['readWeeks']>>): {
  sums: number;
  bruteForced: number;
} {
  const { cells, relations, display } = auditStatsReport(data, opts);
  expect(findDisclosures(cells, relations, display)).toEqual([]);
  expect(starDisclosures(cells, relations, display)).toEqual([]);
  const byId = new Map(cells.map((c) => [c.id, c]));
  let bruteForced = 0;
  for (const r of relations) {
    const sub: CountCell[] = [r.total, ...r.parts].map((id) => byId.get(id)!);
    const cap = byId.get(r.total)!.value + 10;
    const size = r.parts.reduce((n, p) => {
      const d = display.get(p);
      return n * (d === 'value' ? 1 : d === 'small' ? 10 : d === 'complement' ? cap - 9 : cap + 1);
    }, 1);
    if (size === 1 || size > 200_000) continue;
    expect(bruteForceDisclosures(sub, [r], display, cap), r.total).toEqual([]);
    bruteForced++;
  }
  return { sums: relations.length, bruteForced };
}

async function pilot(completions: number) {
  const sessions = syntheticPilot(bundle, completions);
  const counter = new MemoryStatsCounter(undefined, () => NOW);
  await countPilot(counter, sessions, NOW);
  const data = await counter.readWeeks(WEEKS);
  return { sessions, counter, data, report: buildStatsReport(data, opts) };
}

const cellOf = (report: StatsReport, table: string, row: string, column: string) => {
  const t = report.tables.find((x) => x.id === table)!;
  return t.rows.find((r) => r.id === row)!.cells[t.columns.findIndex((c) => c.id === column)]!;
};

describe('the star reader (exact for the sums of the report, fast enough for city size)', () => {
  it('finds a disclosure exactly when the brute-force reader does, on tiny random stars', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const values = [0, 1, 2, 5, 9, 10, 11, 14, 20];
    let disclosing = 0;
    for (let round = 0; round < 150; round++) {
      const arms = 1 + Math.floor(random() * 2);
      const first = Array.from(
        { length: 1 + Math.floor(random() * 3) },
        () => values[Math.floor(random() * values.length)]!,
      );
      const total = first.reduce((a, b) => a + b, 0);
      const cells: CountCell[] = [{ id: 'T', value: total, printed: random() < 0.7 }];
      const relations = [];
      for (let a = 0; a < arms; a++) {
        // A second split of the same total: two parts.
        const parts = a === 0 ? first : [Math.floor(random() * (total + 1))].flatMap((x) => [x, total - x]);
        parts.forEach((v, i) => cells.push({ id: `a${a}.${i}`, value: v, printed: true }));
        relations.push({ total: 'T', parts: parts.map((_, i) => `a${a}.${i}`) });
      }
      const display = new Map(
        cells
          .filter((c) => c.printed)
          .map((c) => [
            c.id,
            (c.value < 10 ? 'small' : random() < 0.2 ? 'complement' : 'value') as CellDisplay,
          ]),
      );
      for (const c of cells)
        if (display.get(c.id) === 'complement' && c.value < 10) display.set(c.id, 'small');
      const brute = bruteForceDisclosures(cells, relations, display, total + 25).length > 0;
      expect({ round, star: starDisclosures(cells, relations, display).length > 0 }).toEqual({
        round,
        star: brute,
      });
      if (brute) disclosing++;
    }
    expect(disclosing).toBeGreaterThan(20);
  });

  it('without complementary suppression it finds small cells of the pilot', async () => {
    const sessions = syntheticPilot(bundle, 300);
    const counter = new MemoryStatsCounter(undefined, () => NOW);
    await countPilot(counter, sessions, NOW);
    const { cells, relations } = auditStatsReport(await counter.readWeeks(WEEKS), opts);
    const primary = new Map(
      cells.filter((c) => c.printed).map((c) => [c.id, (c.value < 10 ? 'small' : 'value') as CellDisplay]),
    );
    expect(starDisclosures(cells, relations, primary).length).toBeGreaterThan(0);
  });
});

describe('a synthetic pilot, counted and reported', () => {
  it.each([30, 300, 30_000])(
    '%i completions: every printed number is the true count, and nothing under 10 can be worked out',
    { timeout: 120_000 },
    async (n) => {
      const { sessions, data, report } = await pilot(n);
      expect(sessions.filter((s) => s.completed)).toHaveLength(n);
      // The counter holds exactly what happened (so the check below is about the report).
      const total = (kind: string) =>
        data.reduce(
          (s, w) =>
            s +
            Object.entries(w.counts)
              .filter(([f]) => f.startsWith(kind))
              .reduce((a, [, v]) => a + v, 0),
          0,
        );
      expect(total('c|')).toBe(n);
      expect(total('s|')).toBe(sessions.length);
      expect(total('q|')).toBe(sessions.reduce((s, x) => s + x.reached.length, 0));

      expect(expectTruth(report, sessions)).toBeGreaterThan(300);
      const audit = expectNothingRecoverable(data);
      console.info(
        `${n} completions: ${audit.sums} published sums, ${audit.bruteForced} small enough for the brute-force reader`,
      );
      // At city size the hidden cells' possible values are too many to enumerate; the auditor checked them.
      if (n <= 300) expect(audit.bruteForced).toBeGreaterThanOrEqual(2);

      // The whole period comes first, and its headline figures show at every size.
      expect(report.tables[0]!.id).toBe('summary_by_language');
      expect(cellOf(report, 'summary_by_language', ALL, 'completed').value).toBe(n);
      expect(cellOf(report, 'summary_by_language', ALL, 'started').value).toBe(sessions.length);
    },
  );

  it('at city size every language, week and campaign of the pilot shows its number; at pilot size the weeks do not', async () => {
    const city = (await pilot(30_000)).report;
    // The four unused languages hold 0 each: printed as "<10", and one pilot language is hidden ("x"),
    // since "<10, <10, <10, <10" summing to exactly 0 would say no one used them.
    const languages = PILOT_LANGUAGES.map((l) => cellOf(city, 'summary_by_language', l, 'completed'));
    expect(languages.filter((c) => (c.value ?? 0) > 1000)).toHaveLength(3);
    expect(languages.filter((c) => c.suppressed === 'complementary')).toHaveLength(1);
    for (const w of WEEKS) expect(cellOf(city, 'weekly_totals', w, 'completed').value).toBeGreaterThan(300);
    for (const c of ['mfmw2026', 'central-sun', 'church-wk'])
      expect(cellOf(city, 'summary_by_campaign', c, 'completed').value).toBeGreaterThan(1000);
    const small = (await pilot(30)).report;
    expect(WEEKS.map((w) => cellOf(small, 'weekly_totals', w, 'completed').suppressed)).toContain('small');
    expect(small.tables.find((t) => t.id === 'summary_by_campaign')!.rows.map((r) => r.id)).not.toContain(
      'church-wk',
    );
  });

  it(
    'the CSV and the spreadsheet say exactly what the report says, numbers as numbers',
    { timeout: 60_000 },
    async () => {
      const { counter, report } = await pilot(300);
      const dir = mkdtempSync(join(tmpdir(), 'stats-pilot-'));
      let printed = '';
      const files = await runStatsCommand({
        argv: ['--csv', join(dir, 'pilot.csv')],
        bundle,
        openCounter: async () => counter,
        write: (t) => (printed += t),
        now: NOW,
      });
      const csv = readFileSync(files!.csvPath, 'utf8');
      expect(csv).toBe(formatReportCsv(report));
      const rows = parseCsv(csv);
      expect(rows[0]).toEqual([...CSV_COLUMNS]);
      const lines = rows.slice(1);
      const expected = report.tables.flatMap((t) =>
        t.rows.flatMap((r) => r.cells.map((c, i) => ({ t: t.id, r: r.id, c: t.columns[i]!.id, cell: c }))),
      );
      expect(lines).toHaveLength(expected.length);
      lines.forEach((l, i) => {
        const e = expected[i]!;
        expect([l[0], l[1], l[3]]).toEqual([e.t, e.r, e.c]);
        // value: a number or empty; suppressed: "", "<10" or "complementary", never both.
        expect(l[6]).toBe(e.cell.value === null ? '' : String(e.cell.value));
        expect(l[7]).toBe(
          e.cell.suppressed === 'small'
            ? '<10'
            : e.cell.suppressed === 'complementary'
              ? 'complementary'
              : '',
        );
        expect(l[6] === '' || /^\d+(\.\d)?$/.test(l[6]!)).toBe(true);
      });
      // Adding up the CSV: the weeks' completions, where all are shown, make the period's total.
      const completedByWeek = lines.filter((l) => l[0] === 'weekly_totals' && l[3] === 'completed');
      if (completedByWeek.every((l) => l[6] !== '')) {
        expect(completedByWeek.slice(0, -1).reduce((s, l) => s + Number(l[6]), 0)).toBe(
          Number(completedByWeek.at(-1)![6]),
        );
      }
      // Readable names, ids kept.
      expect(lines.find((l) => l[0] === 'summary_by_sign' && l[1] === 'retention_of_documents')![2]).toBe(
        'Someone else keeps your documents',
      );
      expect(lines.find((l) => l[0] === 'summary_by_level' && l[1] === 'urgent')![2]).toBe(
        'Urgent: may be in danger now',
      );
      expect(lines.find((l) => l[0] === 'summary_by_language' && l[1] === 'id')![2]).toBe('Indonesian');

      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(files!.xlsxPath);
      const sheet = book.getWorksheet('data')!;
      const sheetRows: unknown[][] = [];
      sheet.eachRow((row) => sheetRows.push((row.values as unknown[]).slice(1)));
      expect(sheetRows).toHaveLength(rows.length);
      sheetRows.slice(1).forEach((r, i) => {
        const l = lines[i]!;
        expect(r[6] ?? null).toEqual(l[6] === '' ? null : Number(l[6]));
        expect(typeof (r[6] ?? 0)).toBe('number');
        expect(r[7] ?? '').toBe(l[7]);
      });
      // A table sheet: the same numbers in the same places, suppressed cells empty.
      const byLanguage = book.getWorksheet('summary_by_language')!;
      const allRow = byLanguage.getRow(byLanguage.rowCount).values as unknown[];
      expect(allRow.slice(1, 3)).toEqual([
        'All',
        cellOf(report, 'summary_by_language', ALL, 'started').value,
      ]);
      expect(printed).toMatch(/=== Whole period[\s\S]*=== Week by week/);
      expect(printed).toContain(`Spreadsheet written to ${files!.xlsxPath}`);
    },
  );
});
