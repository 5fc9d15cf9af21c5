import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Bundle } from '../bundle.js';
import { recentIsoWeeks } from './iso-week.js';
import { formatReportCsv, formatReportText } from './report-format.js';
import { readStatsReport } from './report.js';
import type { StatsCounter } from './stats-counter.js';

/** The longest period a report covers: the counters themselves are kept about two years. */
export const MAX_REPORT_WEEKS = 104;

export const STATS_USAGE = `Prints the anonymous counts (completions, result levels, signs, starts and exits) per ISO week.

  npm run stats -- [--weeks 8] [--csv out/stats/stats.csv]

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

/** Reads the arguments, the counts of the last N weeks, prints the suppressed tables and writes the CSV. */
export async function runStatsCommand(o: StatsCommandOptions): Promise<{ csvPath: string } | undefined> {
  const args = readArgs(o.argv);
  if (args.help) {
    o.write(`${STATS_USAGE}\n`);
    return undefined;
  }
  const weeksCount = Number(args.weeks);
  if (!Number.isInteger(weeksCount) || weeksCount < 1 || weeksCount > MAX_REPORT_WEEKS) {
    throw new StatsCommandError(`--weeks must be a whole number from 1 to ${MAX_REPORT_WEEKS} (got "${args.weeks}").`);
  }
  const weeks = recentIsoWeeks(weeksCount, o.now ?? Date.now());
  const counter = await o.openCounter();
  try {
    const report = await readStatsReport(counter, {
      weeks,
      languages: o.bundle.localeCodes,
      indicators: [...o.bundle.indicators.keys()],
    });
    const csvPath = resolve(args.csv ?? `out/stats/stats-${weeks[0]}-to-${weeks.at(-1)}.csv`);
    mkdirSync(dirname(csvPath), { recursive: true });
    writeFileSync(csvPath, formatReportCsv(report));
    o.write(formatReportText(report));
    o.write(`\nCSV written to ${csvPath}\n`);
    return { csvPath };
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
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    throw new StatsCommandError(`${err instanceof Error ? err.message : String(err)}\n\n${STATS_USAGE}`);
  }
}
