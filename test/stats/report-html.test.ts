import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckedBundle } from '../../src/app.js';
import { CHROMIUM_ARGS } from '../../src/leaflet/pdf-renderer.js';
import { recentIsoWeeks } from '../../src/stats/iso-week.js';
import { MemoryStatsCounter } from '../../src/stats/memory-counter.js';
import { cellText } from '../../src/stats/report-format.js';
import { ALL, buildStatsReport, type ReportTableId, type StatsReport } from '../../src/stats/report.js';
import { bundleReportOptions, runStatsCommand } from '../../src/stats/stats-command.js';
import { NONE } from '../../src/stats/stats-counter.js';
import { countPilot, syntheticPilot } from './synthetic-pilot.js';

/*
 * `npm run stats -- --html` opened in Chromium: one self-contained page (nothing fetched), every
 * chart drawn, the charts and the tables saying what the report says, suppressed cells drawn as
 * suppressed (a pale dashed bar with "<10" or "hidden"), never as a zero bar.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const bundle = loadCheckedBundle();
const NOW = Date.UTC(2026, 11, 2, 4);
const WEEKS = recentIsoWeeks(8, NOW);

/** Which column of which table each chart draws (rows in the table's order unless sorted). */
const CHART_SOURCES: Record<string, { table: ReportTableId; column: string; skip?: string }> = {
  completions_per_week: { table: 'weekly_totals', column: 'completed' },
  funnel_by_question: { table: 'funnel_by_question', column: ALL },
  signs_by_share: { table: 'summary_by_sign', column: 'completed_with_sign' },
  completions_by_language: { table: 'summary_by_language', column: 'completed', skip: NONE },
  completions_by_channel: { table: 'summary_by_channel', column: 'completed' },
  completions_by_result: { table: 'summary_by_level', column: 'completed' },
};

let browser: Browser;

async function writePage(completions: number): Promise<{
  report: StatsReport;
  dir: string;
  files: NonNullable<Awaited<ReturnType<typeof runStatsCommand>>>;
}> {
  const counter = new MemoryStatsCounter(undefined, () => NOW);
  await countPilot(counter, syntheticPilot(bundle, completions), NOW);
  const report = buildStatsReport(await counter.readWeeks(WEEKS), bundleReportOptions(bundle, WEEKS));
  const dir = mkdtempSync(join(tmpdir(), `stats-html-${completions}-`));
  const files = await runStatsCommand({
    argv: ['--html', '--csv', join(dir, 'report.csv')],
    bundle,
    openCounter: async () => counter,
    write: () => {},
    now: NOW,
  });
  return { report, dir, files: files! };
}

describe.skipIf(!existsSync(CHROMIUM))('npm run stats -- --html, in Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['pilot', 30],
    ['city', 30_000],
  ])(
    '%s size: every chart is drawn, agrees with the tables, and nothing is fetched',
    { timeout: 120_000 },
    async (_size, completions) => {
      const { report, dir, files } = await writePage(completions);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const fetched: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) fetched.push(r.url());
      });
      await page.goto(pathToFileURL(files.htmlPath!).href);
      expect(fetched).toEqual([]);

      // Every chart: an SVG of real size, one bar and one label per row of its table.
      const charts = await page.$$eval('figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg')!;
          const box = svg.getBoundingClientRect();
          const bars = [...f.querySelectorAll('g.layer_0_marks path, g.layer_1_marks path')].map((p) =>
            p.getBoundingClientRect(),
          );
          return {
            id: f.id.replace(/^chart-/, ''),
            width: box.width,
            height: box.height,
            bars: bars.map((b) => Math.max(b.width, b.height)),
            dashed: f.querySelectorAll('g.layer_1_marks path').length,
            labels: [...f.querySelectorAll('g.layer_2_marks text')].map((t) => t.textContent ?? ''),
          };
        }),
      );
      expect(charts.map((c) => c.id).sort()).toEqual(Object.keys(CHART_SOURCES).sort());
      for (const chart of charts) {
        const source = CHART_SOURCES[chart.id]!;
        const t = report.tables.find((x) => x.id === source.table)!;
        const col = t.columns.findIndex((c) => c.id === source.column);
        const rows = t.rows.filter((r) => r.id !== ALL && r.id !== source.skip);
        expect(chart.width, chart.id).toBeGreaterThan(200);
        expect(chart.height, chart.id).toBeGreaterThan(60);
        expect(chart.bars, chart.id).toHaveLength(rows.length);
        // A suppressed cell is a drawn bar (never a zero-length one) with its marker as the label.
        for (const b of chart.bars) expect(b, chart.id).toBeGreaterThan(1);
        expect(chart.dashed, chart.id).toBe(rows.filter((r) => r.cells[col]!.value === null).length);
        const expected = rows.map((r) => {
          const c = r.cells[col]!;
          return c.value === null
            ? c.suppressed === 'small'
              ? '<10'
              : 'hidden (10 or more)'
            : String(c.value);
        });
        const shown = chart.labels.map((l) => (l.startsWith('hidden') || l === '<10' ? l : l.split(' ')[0]!));
        expect([...shown].sort(), chart.id).toEqual([...expected].sort());
      }

      // The tables on the page are the report's, cell by cell.
      for (const t of report.tables) {
        const cells = await page.$$eval(`#table-${t.id} tr[data-id]`, (trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)),
        );
        expect(cells, t.id).toEqual(
          t.rows.map((r) => r.cells.map((c, i) => cellText(c, t.columns[i]!, report.k))),
        );
      }
      const shown = await page.$$eval('.figure .number', (ns) => ns.map((n) => n.textContent!));
      // Thousands are grouped as a reader expects (37,500), and nothing else is changed.
      for (const text of shown) expect(text, text).not.toMatch(/^\d{4,}$/);
      const headline = shown.map((t) => t.replace(/,/g, ''));
      const weekly = report.tables.find((t) => t.id === 'weekly_totals')!;
      const all = weekly.rows.find((r) => r.id === ALL)!;
      expect(headline).toHaveLength(4); // started, completed, completion rate, quick exits
      expect(headline).toEqual(all.cells.map((c, i) => cellText(c, weekly.columns[i]!, report.k)));

      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(PNG.sync.read(readFileSync(shot)).height).toBeGreaterThan(900);
      await page.close();

      // A PNG per chart for slides: real images, not blank.
      expect(files.pngPaths).toHaveLength(charts.length);
      for (const p of files.pngPaths!) {
        const png = PNG.sync.read(readFileSync(p));
        expect(png.width).toBeGreaterThan(300);
        let dark = 0;
        for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 128) dark++;
        expect(dark, p).toBeGreaterThan(500);
      }
      // Self-contained: no script and no address to fetch anything from.
      const html = readFileSync(files.htmlPath!, 'utf8');
      expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    },
  );
});
