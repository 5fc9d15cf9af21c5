import { LEVELS } from '../system-keys.js';
import { NONE, type StatsCounter, type WeekCounts } from './stats-counter.js';
import {
  protectCounts,
  SMALL_CELL_THRESHOLD,
  type CellDisplay,
  type CountCell,
  type SumRelation,
} from './suppression.js';

/**
 * Channels that always get a row, whether or not they were used (a row must not say "used"). The
 * terminal chat (`npm run chat -- --count`, maintainers only) gets a row only when it counted.
 */
export const KNOWN_CHANNELS = ['telegram', 'whatsapp'] as const;

/** The row of campaigns with fewer than k completions in the period: their codes are not printed. */
export const OTHER_CAMPAIGNS = '(other)';

/** The id of a row or column that sums the others ("all languages", "all weeks"). */
export const ALL = 'all';

/** Readable names for the ids in a report; each returns the id itself when it has no name. */
export interface ReportNames {
  language(code: string): string;
  channel(id: string): string;
  campaign(code: string): string;
  level(id: string): string;
  sign(id: string): string;
  question(step: string): string;
  /** Names of table columns and total rows: started, completed, completion_rate, share, all ... */
  measure(id: string): string;
}

/** Names that are the ids themselves (tests, and a report nobody named). */
export const ID_NAMES: ReportNames = {
  language: (c) => c,
  channel: (c) => c,
  campaign: (c) => c,
  level: (c) => c,
  sign: (c) => c,
  question: (c) => c,
  measure: (c) => c,
};

/** What the report covers. Rows and columns are fixed lists, so that a row never appears only because someone used it. */
export interface StatsReportOptions {
  /** ISO weeks, oldest first (see recentIsoWeeks). */
  weeks: readonly string[];
  /** The bot's languages (bundle.localeCodes). */
  languages: readonly string[];
  /** The indicator ids (bundle.indicators). */
  indicators: readonly string[];
  /** The question steps of the flow, in the order of the flow (for the funnel). */
  questions?: readonly string[];
  channels?: readonly string[];
  names?: ReportNames;
  k?: number;
}

/** Why a cell shows no number: under k, or hidden so that one under k cannot be worked out. */
export type Suppression = 'small' | 'complementary';

/** One published cell: a number, or no number and the reason. A raw count under k never gets here. */
export interface ReportCell {
  value: number | null;
  suppressed?: Suppression;
}

/** A column: a count or a percentage (0-100, one decimal). */
export interface ReportColumn {
  id: string;
  name: string;
  unit: 'count' | 'percent';
}

export interface ReportRow {
  id: string;
  name: string;
  cells: ReportCell[];
}

export type ReportTableId =
  | 'summary_by_language'
  | 'summary_by_channel'
  | 'summary_by_campaign'
  | 'summary_by_level'
  | 'summary_by_sign'
  | 'funnel_by_question'
  | 'weekly_totals'
  | 'weekly_signs'
  | 'weekly_reached';

/** One published table: a whole-period summary or a weekly detail. */
export interface ReportTable {
  id: ReportTableId;
  section: 'summary' | 'weekly';
  title: string;
  /** What the rows are (language, channel, week ...). */
  rowKind: string;
  columns: ReportColumn[];
  rows: ReportRow[];
}

/** The NGO report: tables already suppressed. It never holds a raw small count. */
export interface StatsReport {
  k: number;
  weeks: string[];
  /** "ISO weeks 2026-W41 to 2026-W48". */
  span: string;
  tables: ReportTable[];
}

/** Reads the counters of `weeks` and builds the suppressed report (Redis or memory alike). */
export async function readStatsReport(counter: StatsCounter, opts: StatsReportOptions): Promise<StatsReport> {
  return buildStatsReport(await counter.readWeeks(opts.weeks), opts);
}

// === Counts of the period and the sums every reader knows

/** Everything the suppression decides on; for tests and audits only, never printed as it is. */
export interface ReportCounts {
  cells: CountCell[];
  relations: SumRelation[];
  display: Map<string, CellDisplay>;
}

interface Lists {
  weeks: string[];
  langs: string[];
  channels: string[];
  campaigns: string[];
  indicators: string[];
  questions: string[];
}

/**
 * The published cells and the sums between them. Every sum is a star around one total, so the
 * relations form a tree and the suppression check is exact (src/stats/suppression.ts):
 *
 * - starts S = Σ language S_l = Σ week S_w; exits likewise;
 * - completions D = Σ language = Σ week = Σ channel = Σ campaign = Σ result level;
 * - completions with a sign I_s = Σ week I_s,w (one assessment may show several signs: no sum over signs);
 * - reached question Q_q = Σ language Q_q,l = Σ week Q_q,w.
 *
 * Crossed tables (week × language, campaign × channel) would make a grid with both margins,
 * where a reader can combine rows and columns; they are not published. The counters keep the
 * detail (week, language, campaign, channel, level), so a later report can choose other margins.
 */
function countCells(
  data: readonly WeekCounts[],
  opts: StatsReportOptions,
  k: number,
): { counts: ReportCounts; lists: Lists } {
  const weeks = [...opts.weeks];
  const byWeek = new Map(data.map((d) => [d.week, d.counts]));
  const raw = new Map<string, number>();
  const seen = {
    langs: new Set<string>(),
    channels: new Set<string>(),
    indicators: new Set<string>(),
    questions: new Set<string>(),
  };
  const campaignTotals = new Map<string, number>();
  for (const week of weeks) {
    for (const [field, n] of Object.entries(byWeek.get(week) ?? {})) {
      const p = field.split('|');
      const [kind, lang] = p;
      if (lang === undefined) continue;
      // The flow asks the language before any question, so a completion or a question always has one;
      // a count without (impossible) is left out rather than published as a part no sum shows.
      if ((kind === 'c' || kind === 'q') && lang === NONE) continue;
      if (kind === 'c' && p.length === 5 && (LEVELS as readonly string[]).includes(p[4]!)) {
        seen.channels.add(p[3]!);
        add(raw, `c|${week}|${lang}|${p[2]}|${p[3]}|${p[4]}`, n);
        add(campaignTotals, p[2]!, n);
      } else if (kind === 'i' && p.length === 3) {
        seen.indicators.add(p[2]!);
        add(raw, `i|${week}|${p[2]}`, n);
      } else if (kind === 'q' && p.length === 3) {
        seen.questions.add(p[2]!);
        add(raw, `q|${week}|${lang}|${p[2]}`, n);
      } else if ((kind === 's' || kind === 'x') && p.length === 2) add(raw, `${kind}|${week}|${lang}`, n);
      else continue;
      seen.langs.add(lang);
    }
  }
  // Fixed lists first; a value outside them (a language since removed) still gets its row.
  const extra = (fixed: readonly string[], found: Set<string>) =>
    [...found].filter((v) => !fixed.includes(v)).sort();
  const langs = [...opts.languages, ...extra([...opts.languages, NONE], seen.langs), NONE];
  const channels = [...(opts.channels ?? KNOWN_CHANNELS)];
  channels.push(...extra(channels, seen.channels));
  const indicators = [...opts.indicators, ...extra(opts.indicators, seen.indicators)];
  const questions = [...(opts.questions ?? []), ...extra(opts.questions ?? [], seen.questions)];
  const named = [...campaignTotals]
    .filter(([c, n]) => c !== NONE && n >= k)
    .map(([c]) => c)
    .sort();
  const campaignOf = (c: string) => (c === NONE || named.includes(c) ? c : OTHER_CAMPAIGNS);
  const campaigns = [NONE, ...named, OTHER_CAMPAIGNS];

  const cells = new Map<string, CountCell>();
  const relations: SumRelation[] = [];
  const cell = (id: string, printed = true) => {
    if (!cells.has(id)) cells.set(id, { id, value: 0, printed });
    return id;
  };
  const bump = (id: string, n: number) => (cells.get(cell(id))!.value += n);
  const star = (total: string, parts: string[]) => {
    cell(total);
    parts.forEach((p) => cell(p));
    relations.push({ total, parts });
  };

  // Completions and questions always have a language (see above): "-" is no part of their sums.
  const chosenLangs = langs.filter((l) => l !== NONE);
  for (const m of ['start', 'exit', 'done']) {
    star(
      `${m}|*`,
      (m === 'done' ? chosenLangs : langs).map((l) => `${m}|lang|${l}`),
    );
    star(
      `${m}|*`,
      weeks.map((w) => `${m}|week|${w}`),
    );
  }
  star(
    'done|*',
    channels.map((c) => `done|channel|${c}`),
  );
  star(
    'done|*',
    campaigns.map((c) => `done|campaign|${c}`),
  );
  star(
    'done|*',
    LEVELS.map((l) => `done|level|${l}`),
  );
  for (const s of indicators)
    star(
      `sign|${s}|*`,
      weeks.map((w) => `sign|${s}|week|${w}`),
    );
  for (const q of questions) {
    star(
      `reached|${q}|*`,
      chosenLangs.map((l) => `reached|${q}|lang|${l}`),
    );
    star(
      `reached|${q}|*`,
      weeks.map((w) => `reached|${q}|week|${w}`),
    );
  }

  for (const [key, n] of raw) {
    const p = key.split('|');
    const [kind, week] = p;
    if (kind === 'c') {
      const [lang, campaign, channel, level] = p.slice(2);
      for (const id of [
        'done|*',
        `done|lang|${lang}`,
        `done|week|${week}`,
        `done|channel|${channel}`,
        `done|campaign|${campaignOf(campaign!)}`,
        `done|level|${level}`,
      ]) {
        bump(id, n);
      }
    } else if (kind === 'i') {
      bump(`sign|${p[2]}|*`, n);
      bump(`sign|${p[2]}|week|${week}`, n);
    } else if (kind === 'q') {
      bump(`reached|${p[3]}|*`, n);
      bump(`reached|${p[3]}|lang|${p[2]}`, n);
      bump(`reached|${p[3]}|week|${week}`, n);
    } else {
      const m = kind === 's' ? 'start' : 'exit';
      for (const id of [`${m}|*`, `${m}|lang|${p[2]}`, `${m}|week|${week}`]) bump(id, n);
    }
  }
  const all = [...cells.values()];
  return {
    counts: { cells: all, relations, display: protectCounts(all, relations, k) },
    lists: { weeks, langs, channels, campaigns, indicators, questions },
  };
}

/** The cells, sums and display the report is built from (tests hand them to a brute-force reader). */
export function auditStatsReport(data: readonly WeekCounts[], opts: StatsReportOptions): ReportCounts {
  return countCells(data, opts, opts.k ?? SMALL_CELL_THRESHOLD).counts;
}

// === Tables

/** Builds the whole-period summary, then the weekly detail, from raw week counts, suppressed together. */
export function buildStatsReport(data: readonly WeekCounts[], opts: StatsReportOptions): StatsReport {
  const k = opts.k ?? SMALL_CELL_THRESHOLD;
  const names = opts.names ?? ID_NAMES;
  const { counts, lists } = countCells(data, opts, k);
  const values = new Map(counts.cells.map((c) => [c.id, c.value]));
  const { weeks, langs, channels, campaigns, indicators, questions } = lists;
  const chosenLangs = langs.filter((l) => l !== NONE);

  const count = (id: string): ReportCell => {
    // A cell that cannot hold a count (completions without a language) reads "<10", which is true.
    const d = counts.display.get(id) ?? 'small';
    return d === 'value'
      ? { value: values.get(id)! }
      : { value: null, suppressed: d === 'small' ? 'small' : 'complementary' };
  };
  /** A percentage of two published counts; hidden when either is (it would give the hidden one away). */
  const percent = (part: string, whole: string): ReportCell => {
    const [a, b] = [count(part), count(whole)];
    if (a.value === null || b.value === null) {
      return {
        value: null,
        suppressed: a.suppressed === 'small' || b.suppressed === 'small' ? 'small' : 'complementary',
      };
    }
    return { value: b.value === 0 ? 0 : Math.round((1000 * a.value) / b.value) / 10 };
  };
  const col = (id: string, unit: ReportColumn['unit'] = 'count'): ReportColumn => ({
    id,
    name: names.measure(id),
    unit,
  });
  const allRow = (cells: ReportCell[]): ReportRow => ({ id: ALL, name: names.measure(ALL), cells });
  const span = weeks.length > 0 ? `ISO weeks ${weeks[0]} to ${weeks.at(-1)}` : 'no weeks';
  const shareOfDone = (id: string) => [count(id), percent(id, 'done|*')];
  const firstQuestion = questions[0];

  /** Completions split one way (channel, campaign, level), with their share of all completions. */
  const completedBy = (
    id: ReportTableId,
    kind: 'channel' | 'campaign' | 'level',
    ids: readonly string[],
    name: (id: string) => string,
    title: string = kind,
  ): ReportTable => ({
    id,
    section: 'summary',
    title: `Completed assessments by ${title} (${span})`,
    rowKind: kind,
    columns: [col('completed'), col('share', 'percent')],
    rows: [
      ...ids.map((x) => ({ id: x, name: name(x), cells: shareOfDone(`done|${kind}|${x}`) })),
      allRow(shareOfDone('done|*')),
    ],
  });

  const tables: ReportTable[] = [
    {
      id: 'summary_by_language',
      section: 'summary',
      // No completion rate per language: most starts are counted before she chooses her language.
      title: `Started, completed and quick exits, by language (${span})`,
      rowKind: 'language',
      columns: [col('started'), col('completed'), col('exited')],
      rows: [
        ...langs.map((l) => ({
          id: l,
          name: names.language(l),
          cells: [count(`start|lang|${l}`), count(`done|lang|${l}`), count(`exit|lang|${l}`)],
        })),
        allRow([count('start|*'), count('done|*'), count('exit|*')]),
      ],
    },
    completedBy('summary_by_channel', 'channel', channels, names.channel),
    completedBy('summary_by_campaign', 'campaign', campaigns, names.campaign),
    completedBy('summary_by_level', 'level', LEVELS, names.level, 'result'),
    {
      id: 'summary_by_sign',
      section: 'summary',
      title: `Completed assessments showing each strong sign, and their share of all completed (${span})`,
      rowKind: 'sign',
      columns: [col('completed_with_sign'), col('share', 'percent')],
      rows: indicators.map((s) => ({ id: s, name: names.sign(s), cells: shareOfDone(`sign|${s}|*`) })),
    },
    {
      id: 'funnel_by_question',
      section: 'summary',
      title: `Where workers stop: how many reached each question, by language (${span})`,
      rowKind: 'question',
      columns: [
        ...chosenLangs.map((l) => ({ id: l, name: names.language(l), unit: 'count' as const })),
        col(ALL),
        col('share_of_first', 'percent'),
      ],
      rows: questions.map((q) => ({
        id: q,
        name: names.question(q),
        cells: [
          ...chosenLangs.map((l) => count(`reached|${q}|lang|${l}`)),
          count(`reached|${q}|*`),
          percent(`reached|${q}|*`, `reached|${firstQuestion}|*`),
        ],
      })),
    },
    {
      id: 'weekly_totals',
      section: 'weekly',
      title: `Started, completed and quick exits, by week, all languages (${span})`,
      rowKind: 'week',
      columns: [col('started'), col('completed'), col('completion_rate', 'percent'), col('exited')],
      rows: [
        ...weeks.map((w) => ({
          id: w,
          name: w,
          cells: [
            count(`start|week|${w}`),
            count(`done|week|${w}`),
            percent(`done|week|${w}`, `start|week|${w}`),
            count(`exit|week|${w}`),
          ],
        })),
        allRow([count('start|*'), count('done|*'), percent('done|*', 'start|*'), count('exit|*')]),
      ],
    },
    {
      id: 'weekly_signs',
      section: 'weekly',
      title: `Completed assessments showing each strong sign, by week, all languages (${span})`,
      rowKind: 'sign',
      columns: [...weeks.map((w) => ({ id: w, name: w, unit: 'count' as const })), col(ALL)],
      rows: indicators.map((s) => ({
        id: s,
        name: names.sign(s),
        cells: [...weeks.map((w) => count(`sign|${s}|week|${w}`)), count(`sign|${s}|*`)],
      })),
    },
    {
      id: 'weekly_reached',
      section: 'weekly',
      title: `How many reached each question, by week, all languages (${span})`,
      rowKind: 'question',
      columns: [...weeks.map((w) => ({ id: w, name: w, unit: 'count' as const })), col(ALL)],
      rows: questions.map((q) => ({
        id: q,
        name: names.question(q),
        cells: [...weeks.map((w) => count(`reached|${q}|week|${w}`)), count(`reached|${q}|*`)],
      })),
    },
  ];
  return { k, weeks, span, tables };
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}
