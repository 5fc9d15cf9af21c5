import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Bundle } from '../bundle.js';
import { Translator } from '../i18n.js';
import { recentIsoWeeks } from './iso-week.js';
import { chartPng, reportCharts } from './report-charts.js';
import { formatReportCsv, formatReportText } from './report-format.js';
import { formatReportHtml } from './report-html.js';
import { reportNames } from './report-names.js';
import { reportWorkbook } from './report-xlsx.js';
import { readStatsReport, type StatsReportOptions } from './report.js';
import type { StatsCounter } from './stats-counter.js';

/** The longest period a report covers: the counters themselves are kept about two years. */
export const MAX_REPORT_WEEKS = 104;

export const STATS_USAGE = `Prints the anonymous counts: a summary of the whole period (starts, completions, quick exits,
languages, channels, campaigns, results, signs, and where workers stop), then week by week.

  npm run stats -- [--weeks 8] [--csv out/stats/stats.csv] [--lang en] [--html]

Writes the same values as CSV and as an .xlsx workbook next to it; --html also writes one
self-contained HTML page with charts, and a PNG of each chart for slides. --lang chooses the
language of the names of signs, results, channels and languages (ids stay in the CSV).
Reads the counters in Redis (REDIS_URL, the same as the bot's). Any count under 10 is shown as
"<10", and counts that would let someone work out a "<10" by subtraction are hidden as "x".`;

/** A problem with the command line: one plain message, exit code 1. */
export class StatsCommandError extends Error {
  override name = 'StatsCommandError';
}

export interface StatsCommandOptions {
  /** The command line after `npm run stats --`. */
  argv: readonly string[];
  /** The bundle (languages and indicators give the report its fixed rows and columns). */
  bundle: Bundle;
  /** Opens the counters to read; only called when the arguments are fine. */
  openCounter: () => Promise<StatsCounter>;
  /** Where the text report goes. */
  write: (text: string) => void;
  now?: number;
}

/** The files one run wrote. */
export interface StatsCommandFiles {
  csvPath: string;
  xlsxPath: string;
  /** With --html: the page and one PNG per chart. */
  htmlPath?: string;
  pngPaths?: string[];
}

/** What the report covers for a bundle: its languages, signs and the questions of its default flow, in order. */
export function bundleReportOptions(
  bundle: Bundle,
  weeks: readonly string[],
  lang = 'en',
): StatsReportOptions {
  const flow = bundle.flows.get(bundle.defaultFlowId)!;
  return {
    weeks,
    languages: bundle.localeCodes,
    indicators: [...bundle.indicators.keys()],
    questions: [...flow.steps.values()].filter((s) => s.type === 'question').map((s) => s.id),
    names: reportNames(new Translator(bundle), lang),
  };
}

/** Reads the arguments and the counts of the last N weeks, prints the suppressed tables, writes CSV and .xlsx (and, with --html, the page and PNGs). */
export async function runStatsCommand(o: StatsCommandOptions): Promise<StatsCommandFiles | undefined> {
  const args = readArgs(o.argv);
  if (args.help) {
    o.write(`${STATS_USAGE}\n`);
    return undefined;
  }
  const weeksCount = Number(args.weeks);
  if (!Number.isInteger(weeksCount) || weeksCount < 1 || weeksCount > MAX_REPORT_WEEKS) {
    throw new StatsCommandError(
      `--weeks must be a whole number from 1 to ${MAX_REPORT_WEEKS} (got "${args.weeks}").`,
    );
  }
  const lang = args.lang ?? 'en';
  if (!o.bundle.localeCodes.includes(lang)) {
    throw new StatsCommandError(
      `--lang must be one of the bot's languages: ${o.bundle.localeCodes.join(', ')} (got "${lang}").`,
    );
  }
  const weeks = recentIsoWeeks(weeksCount, o.now ?? Date.now());
  const csvPath = resolve(args.csv ?? `out/stats/stats-${weeks[0]}-to-${weeks.at(-1)}.csv`);
  if (!csvPath.endsWith('.csv'))
    throw new StatsCommandError(`--csv must name a .csv file (got "${args.csv}").`);
  const counter = await o.openCounter();
  try {
    const report = await readStatsReport(counter, bundleReportOptions(o.bundle, weeks, lang));
    const base = csvPath.slice(0, -'.csv'.length);
    const files: StatsCommandFiles = { csvPath, xlsxPath: `${base}.xlsx` };
    mkdirSync(dirname(csvPath), { recursive: true });
    writeFileSync(csvPath, formatReportCsv(report));
    writeFileSync(files.xlsxPath, await reportWorkbook(report));
    if (args.html) {
      const charts = await reportCharts(report);
      files.htmlPath = `${base}.html`;
      writeFileSync(files.htmlPath, formatReportHtml(report, charts));
      files.pngPaths = charts.map((c) => `${base}-${c.id}.png`);
      charts.forEach((c, i) => writeFileSync(files.pngPaths![i]!, chartPng(c.svg)));
    }
    o.write(formatReportText(report));
    o.write(`\nCSV written to ${csvPath}\nSpreadsheet written to ${files.xlsxPath}\n`);
    if (files.htmlPath)
      o.write(
        `HTML page written to ${files.htmlPath}\nCharts for slides: ${files.pngPaths!.length} PNG files next to it\n`,
      );
    return files;
  } finally {
    await counter.close();
  }
}

function readArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        weeks: { type: 'string', default: '8' },
        csv: { type: 'string' },
        lang: { type: 'string' },
        html: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    throw new StatsCommandError(`${err instanceof Error ? err.message : String(err)}\n\n${STATS_USAGE}`);
  }
}
