import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { NONE } from './stats-counter.js';
import { ALL, type ReportCell, type ReportTable, type ReportTableId, type StatsReport } from './report.js';

/** One chart of the HTML report: drawn at build time, so the page needs no script or network. */
export interface ReportChart {
  id: string;
  title: string;
  /** What a bar stands for, under the chart. */
  caption: string;
  /** The bars in order: the label, the published cell, and the text written at the bar's end. */
  bars: { label: string; cell: ReportCell; text: string }[];
  svg: string;
}

/** A bar: a published number, a count under k ("<10"), or a count hidden to protect one. */
type BarKind = 'counted' | 'small' | 'complementary';

/** Fonts found on most systems, for the PNGs (resvg picks the first it has); browsers use their own. */
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/**
 * The charts of the report, each built from one column of one table, so they show exactly what
 * the tables publish. A suppressed cell is drawn as a dashed, pale bar up to k with "<10" or
 * "hidden" written at its end: never as zero, never as a number.
 */
export async function reportCharts(report: StatsReport): Promise<ReportChart[]> {
  const table = (id: ReportTableId) => report.tables.find((t) => t.id === id)!;
  const k = report.k;
  const charts: ReportChart[] = [];
  const add = async (
    chart: Omit<ReportChart, 'svg' | 'bars'>,
    t: ReportTable,
    column: string,
    o: {
      vertical?: boolean;
      skip?: (rowId: string) => boolean;
      percentColumn?: string;
      sortByValue?: boolean;
      axis?: string;
    } = {},
  ) => {
    const c = t.columns.findIndex((col) => col.id === column);
    const p = o.percentColumn ? t.columns.findIndex((col) => col.id === o.percentColumn) : -1;
    let rows = t.rows.filter((r) => r.id !== ALL && !o.skip?.(r.id));
    if (o.sortByValue) rows = [...rows].sort((a, b) => (b.cells[c]!.value ?? -1) - (a.cells[c]!.value ?? -1));
    const bars = rows.map((r) => {
      const cell = r.cells[c]!;
      const share = p >= 0 ? r.cells[p]! : undefined;
      const text =
        cell.value === null
          ? cell.suppressed === 'small'
            ? `<${k}`
            : `hidden (${k} or more)`
          : share?.value != null
            ? `${cell.value} (${share.value}%)`
            : String(cell.value);
      return { label: r.name, cell, text };
    });
    charts.push({
      ...chart,
      bars,
      svg: await renderSvg(
        barSpec(chart.title, bars, k, o.vertical ?? false, o.axis ?? 'completed assessments'),
      ),
    });
  };

  await add(
    {
      id: 'completions_per_week',
      title: 'Completed assessments per week',
      caption: 'Each bar is one ISO week (Monday to Sunday, Hong Kong time), all languages.',
    },
    table('weekly_totals'),
    'completed',
    { vertical: true, percentColumn: 'completion_rate' },
  );
  await add(
    {
      id: 'funnel_by_question',
      title: 'Where workers stop: how many reached each question',
      caption:
        'In the order of the questions; the percentage is of those who reached the first question. Follow-up questions are asked only after some answers.',
    },
    table('funnel_by_question'),
    ALL,
    { percentColumn: 'share_of_first', axis: 'reached the question (first time in an assessment)' },
  );
  await add(
    {
      id: 'signs_by_share',
      title: 'Signs found, by share of completed assessments',
      caption: 'One assessment can show several signs.',
    },
    table('summary_by_sign'),
    'completed_with_sign',
    { percentColumn: 'share', sortByValue: true, axis: 'completed assessments showing the sign' },
  );
  await add(
    {
      id: 'completions_by_language',
      title: 'Completed assessments by language',
      caption: 'The language she chose in the chat; the percentage is of all completed.',
    },
    table('summary_by_language'),
    'completed',
    { skip: (id) => id === NONE },
  );
  await add(
    {
      id: 'completions_by_channel',
      title: 'Completed assessments by channel',
      caption: 'The percentage is of all completed.',
    },
    table('summary_by_channel'),
    'completed',
    { percentColumn: 'share' },
  );
  await add(
    {
      id: 'completions_by_result',
      title: 'Completed assessments by result',
      caption: 'The result level the assessment showed; the percentage is of all completed.',
    },
    table('summary_by_level'),
    'completed',
    { percentColumn: 'share' },
  );
  return charts;
}

/** A Vega-Lite bar chart; suppressed bars are pale, dashed and as long as k. */
function barSpec(
  title: string,
  bars: ReportChart['bars'],
  k: number,
  vertical: boolean,
  axisTitle: string,
): TopLevelSpec {
  // A suppressed bar is as long as k, and never so short that it cannot be seen next to large ones.
  const longest = Math.max(k, ...bars.map((b) => b.cell.value ?? 0));
  const values = bars.map((b) => ({
    label: b.label,
    shown: b.cell.value ?? Math.max(k, longest / 40),
    kind: (b.cell.value !== null ? 'counted' : b.cell.suppressed) as BarKind,
    text: b.text,
  }));
  // Bars keep the table's order (weeks, questions of the flow); labels are unique within a table.
  const category = {
    field: 'label',
    type: 'nominal' as const,
    sort: values.map((v) => v.label),
    title: null,
    axis: { labelLimit: 300 },
  };
  const amount = {
    field: 'shown',
    type: 'quantitative' as const,
    title: axisTitle,
    axis: { tickMinStep: 1 },
  };
  const step = 26;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 15 },
    data: { values },
    ...(vertical
      ? { width: { step: Math.max(36, Math.min(80, 640 / Math.max(1, values.length))) }, height: 260 }
      : { width: 420, height: { step } }),
    encoding: vertical
      ? { x: { ...category, axis: { labelAngle: -40, labelLimit: 120 } }, y: amount }
      : { y: category, x: amount },
    layer: [
      { transform: [{ filter: "datum.kind === 'counted'" }], mark: { type: 'bar', color: '#2b6cb0' } },
      {
        transform: [{ filter: "datum.kind !== 'counted'" }],
        mark: { type: 'bar', fill: '#edf2f7', stroke: '#4a5568', strokeDash: [4, 3], strokeWidth: 1 },
      },
      {
        mark: vertical
          ? { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11, color: '#1a202c' }
          : { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 11, color: '#1a202c' },
        encoding: { text: { field: 'text' } },
      },
    ],
    config: { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 } },
  } as TopLevelSpec;
}

async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A chart as PNG for slides (twice the size of the SVG), drawn by resvg with the system's fonts. */
export function chartPng(svg: string): Buffer {
  return new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
}
