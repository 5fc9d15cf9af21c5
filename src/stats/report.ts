import { LEVELS } from '../system-keys.js';
import { NONE, type StatsCounter, type WeekCounts } from './stats-counter.js';
import { protectCounts, SMALL_CELL_THRESHOLD, type CellDisplay, type CountCell, type SumRelation } from './suppression.js';

/** Channels that always get a column, whether or not they were used (a column must not say "used"). */
export const KNOWN_CHANNELS = ['telegram', 'whatsapp', 'console'] as const;

/** The row of campaigns with fewer than k completions in the period: their codes are not printed. */
export const OTHER_CAMPAIGNS = '(other)';

/** What the report covers. Rows and columns are fixed lists, so that a row never appears only because someone used it. */
export interface StatsReportOptions {
  /** ISO weeks, oldest first (see recentIsoWeeks). */
  weeks: readonly string[];
  /** The bot's languages (bundle.localeCodes). */
  languages: readonly string[];
  /** The indicator ids (bundle.indicators). */
  indicators: readonly string[];
  channels?: readonly string[];
  k?: number;
}

/** Where a table's row labels and column headers go in the CSV. */
export type CsvField = 'week' | 'language' | 'campaign' | 'indicator' | 'measure';

/** One printed table. Cells hold only what may be shown: a number of at least k, "<10", "x" or a rate. */
export interface ReportTable {
  id: 'completions_by_level' | 'completions_by_campaign' | 'signs_by_indicator' | 'starts_and_completion_rate';
  title: string;
  rowFields: CsvField[];
  columnField: CsvField;
  columns: string[];
  rows: { labels: string[]; cells: string[] }[];
}

/** The NGO report: tables already suppressed. It never holds a raw small count. */
export interface StatsReport {
  k: number;
  weeks: string[];
  tables: ReportTable[];
}

/** Reads the counters of `weeks` and builds the suppressed report (Redis or memory alike). */
export async function readStatsReport(counter: StatsCounter, opts: StatsReportOptions): Promise<StatsReport> {
  return buildStatsReport(await counter.readWeeks(opts.weeks), opts);
}

interface Completion {
  week: string;
  lang: string;
  campaign: string;
  channel: string;
  level: string;
  n: number;
}

/**
 * Builds the four tables from raw week counts and suppresses them together, because they share
 * totals: completions per week and language are the row totals of the level table and a column of
 * the rate table, their sum over languages is the week's total, and the sum over weeks equals the
 * sum over campaigns. See src/stats/suppression.ts for the rule.
 */
export function buildStatsReport(data: readonly WeekCounts[], opts: StatsReportOptions): StatsReport {
  const k = opts.k ?? SMALL_CELL_THRESHOLD;
  const weeks = [...opts.weeks];
  const byWeek = new Map(data.map((d) => [d.week, d.counts]));

  // === Raw counts of the period, parsed from the field names (see StatsCounter)
  const completions: Completion[] = [];
  const signs = new Map<string, number>();
  const starts = new Map<string, number>();
  const exits = new Map<string, number>();
  const seen = { langs: new Set<string>(), channels: new Set<string>(), indicators: new Set<string>() };
  for (const week of weeks) {
    for (const [field, n] of Object.entries(byWeek.get(week) ?? {})) {
      const parts = field.split('|');
      const [kind, lang] = parts;
      if (lang === undefined) continue;
      if (kind === 'c' && parts.length === 5 && (LEVELS as readonly string[]).includes(parts[4]!)) {
        completions.push({ week, lang, campaign: parts[2]!, channel: parts[3]!, level: parts[4]!, n });
        seen.channels.add(parts[3]!);
      } else if (kind === 'i' && parts.length === 3) {
        add(signs, `${week}|${lang}|${parts[2]}`, n);
        seen.indicators.add(parts[2]!);
      } else if (kind === 's' && parts.length === 2) add(starts, `${week}|${lang}`, n);
      else if (kind === 'x' && parts.length === 2) add(exits, `${week}|${lang}`, n);
      else continue;
      seen.langs.add(lang);
    }
  }
  // Fixed lists first; a value outside them (a language since removed) still gets its row.
  const extra = (fixed: readonly string[], found: Set<string>) => [...found].filter((v) => !fixed.includes(v)).sort();
  const langs = [...opts.languages, ...extra([...opts.languages, NONE], seen.langs), NONE];
  const channels = [...(opts.channels ?? KNOWN_CHANNELS)];
  channels.push(...extra(channels, seen.channels));
  const indicators = [...opts.indicators, ...extra(opts.indicators, seen.indicators)];

  const campaignTotals = new Map<string, number>();
  for (const c of completions) add(campaignTotals, c.campaign, c.n);
  const namedCampaigns = [...campaignTotals].filter(([c, n]) => c !== NONE && n >= k).map(([c]) => c).sort();
  const campaignRow = (c: string) => (c === NONE || namedCampaigns.includes(c) ? c : OTHER_CAMPAIGNS);
  const campaignRows = [NONE, ...namedCampaigns, OTHER_CAMPAIGNS];

  // === Cells and the sums a reader knows
  const cells = new Map<string, CountCell>();
  const relations: SumRelation[] = [];
  const cell = (id: string, printed = true) => {
    if (!cells.has(id)) cells.set(id, { id, value: 0, printed });
    return id;
  };
  const bump = (id: string, n: number) => (cells.get(id)!.value += n);

  const allDone = cell('done|*', false);
  const weekTotals: string[] = [];
  for (const w of weeks) {
    const langTotals: string[] = [];
    for (const l of langs) {
      const levels = LEVELS.map((lev) => cell(`level|${w}|${l}|${lev}`));
      langTotals.push(cell(`done|${w}|${l}`));
      relations.push({ total: `done|${w}|${l}`, parts: levels });
      for (const ind of indicators) bump(cell(`sign|${w}|${l}|${ind}`), signs.get(`${w}|${l}|${ind}`) ?? 0);
      bump(cell(`start|${w}|${l}`), starts.get(`${w}|${l}`) ?? 0);
      bump(cell(`exit|${w}|${l}`), exits.get(`${w}|${l}`) ?? 0);
    }
    weekTotals.push(cell(`done|${w}|*`));
    relations.push({ total: `done|${w}|*`, parts: langTotals });
    for (const m of ['start', 'exit']) {
      cell(`${m}|${w}|*`);
      relations.push({ total: `${m}|${w}|*`, parts: langs.map((l) => `${m}|${w}|${l}`) });
      bump(`${m}|${w}|*`, sumIds(cells, langs.map((l) => `${m}|${w}|${l}`)));
    }
  }
  relations.push({ total: allDone, parts: weekTotals });
  const campaignTotalIds: string[] = [];
  for (const r of campaignRows) {
    const parts = channels.map((ch) => cell(`campaign|${r}|${ch}`));
    campaignTotalIds.push(cell(`campaign|${r}|*`));
    relations.push({ total: `campaign|${r}|*`, parts });
  }
  relations.push({ total: allDone, parts: campaignTotalIds });
  for (const c of completions) {
    for (const id of [
      `level|${c.week}|${c.lang}|${c.level}`,
      `done|${c.week}|${c.lang}`,
      `done|${c.week}|*`,
      allDone,
      `campaign|${campaignRow(c.campaign)}|${c.channel}`,
      `campaign|${campaignRow(c.campaign)}|*`,
    ]) {
      bump(id, c.n);
    }
  }

  const display = protectCounts([...cells.values()], relations, k);
  const show = (id: string) => shown(cells.get(id)!.value, display.get(id)!);
  const rate = (w: string, l: string) => {
    const [s, d] = [`start|${w}|${l}`, `done|${w}|${l}`];
    if (display.get(s) !== 'value' || display.get(d) !== 'value') return 'x';
    return `${Math.round((100 * cells.get(d)!.value) / cells.get(s)!.value)}%`;
  };

  // === Tables
  const span = weeks.length > 0 ? `ISO weeks ${weeks[0]} to ${weeks.at(-1)}` : 'no weeks';
  const tables: ReportTable[] = [
    {
      id: 'completions_by_level',
      title: `Completed assessments by week, language and result (${span})`,
      rowFields: ['week', 'language'],
      columnField: 'measure',
      columns: [...LEVELS, 'all'],
      rows: weeks.flatMap((w) =>
        langs.map((l) => ({ labels: [w, l], cells: [...LEVELS.map((lev) => show(`level|${w}|${l}|${lev}`)), show(`done|${w}|${l}`)] })),
      ),
    },
    {
      id: 'completions_by_campaign',
      title: `Completed assessments by campaign and channel, all languages (${span})`,
      rowFields: ['campaign'],
      columnField: 'measure',
      columns: [...channels, 'all'],
      rows: campaignRows.map((r) => ({ labels: [r], cells: [...channels.map((ch) => show(`campaign|${r}|${ch}`)), show(`campaign|${r}|*`)] })),
    },
    {
      id: 'signs_by_indicator',
      title: `Completed assessments showing each strong sign, by week and language (${span})`,
      rowFields: ['week', 'indicator'],
      columnField: 'language',
      columns: langs,
      rows: weeks.flatMap((w) => indicators.map((ind) => ({ labels: [w, ind], cells: langs.map((l) => show(`sign|${w}|${l}|${ind}`)) }))),
    },
    {
      id: 'starts_and_completion_rate',
      title: `Started, completed and exited, with completions per 100 starts, by week and language (${span})`,
      rowFields: ['week', 'language'],
      columnField: 'measure',
      columns: ['started', 'completed', 'exited', 'completion_rate'],
      rows: weeks.flatMap((w) =>
        [...langs, '*'].map((l) => ({
          labels: [w, l === '*' ? 'all' : l],
          cells: [show(`start|${w}|${l}`), show(`done|${w}|${l}`), show(`exit|${w}|${l}`), rate(w, l)],
        })),
      ),
    },
  ];
  return { k, weeks, tables };

  function shown(value: number, d: CellDisplay): string {
    return d === 'value' ? String(value) : d === 'small' ? `<${k}` : 'x';
  }
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function sumIds(cells: Map<string, CountCell>, ids: readonly string[]): number {
  return ids.reduce((s, id) => s + cells.get(id)!.value, 0);
}
