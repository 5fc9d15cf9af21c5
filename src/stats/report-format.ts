import {
  OTHER_CAMPAIGNS,
  type ReportCell,
  type ReportColumn,
  type ReportTable,
  type StatsReport,
} from './report.js';

/** Explains the markers; printed under the tables. */
export function reportLegend(k: number): string[] {
  return [
    `<${k}  fewer than ${k}, including 0: small numbers are never shown`,
    `x    hidden so that a "<${k}" cannot be worked out by subtracting from a total`,
    `     (a hidden count is at least ${k}; a percentage is hidden when either of its numbers is)`,
    `"${OTHER_CAMPAIGNS}" campaigns: every campaign with fewer than ${k} completions in the period, together.`,
    'Starts are counted in the language known at the start (often none yet): compare completions with starts on the "All" rows.',
    'A question is counted once per assessment, the first time it is shown; follow-up questions are shown only after some answers.',
    'Signs: one assessment can show several, so the signs do not add up to the completed assessments.',
  ];
}

/** How a cell reads in the text and HTML report: the number, "88.2%", "<10" or "x". */
export function cellText(cell: ReportCell, column: Pick<ReportColumn, 'unit'>, k: number): string {
  if (cell.value === null) return cell.suppressed === 'small' ? `<${k}` : 'x';
  return column.unit === 'percent' ? `${cell.value}%` : String(cell.value);
}

/** The value of the `suppressed` column of the CSV and the spreadsheet: "", "<10" or "complementary". */
export function suppressedText(cell: ReportCell, k: number): string {
  return cell.suppressed === 'small' ? `<${k}` : cell.suppressed === 'complementary' ? 'complementary' : '';
}

/** The report as plain-text tables for a terminal: the whole-period summary first, then the weekly detail. */
export function formatReportText(report: StatsReport): string {
  const section = (s: ReportTable['section'], heading: string) => [
    heading,
    ...report.tables.filter((t) => t.section === s).map((t) => formatTable(t, report.k)),
  ];
  return (
    [
      ...section('summary', `=== Whole period: ${report.span}`),
      ...section('weekly', '=== Week by week'),
      reportLegend(report.k).join('\n'),
    ].join('\n\n') + '\n'
  );
}

function formatTable(t: ReportTable, k: number): string {
  const header = [t.rowKind, ...t.columns.map((c) => c.name)];
  const lines = [
    header,
    ...t.rows.map((r) => [shorten(r.name), ...r.cells.map((c, i) => cellText(c, t.columns[i]!, k))]),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => [...l[i]!].length)));
  const render = (l: string[]) =>
    l
      .map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [t.title, render(header), ...lines.slice(1).map(render)].join('\n');
}

/** A long name (a whole question) cut for a terminal table; the CSV and the page keep it whole. */
function shorten(name: string, max = 60): string {
  return [...name].length > max ? `${[...name].slice(0, max - 1).join('')}…` : name;
}

/** The columns of the CSV and of the spreadsheet's "data" sheet, one line per published cell. */
export const CSV_COLUMNS = [
  'table',
  'row_id',
  'row_name',
  'column_id',
  'column_name',
  'unit',
  'value',
  'suppressed',
] as const;

/**
 * One line per published cell, in CSV_COLUMNS order: ids and names, the unit, the number (or
 * null) and why it is missing ("" when it is not).
 */
export function reportLines(
  report: StatsReport,
): [string, string, string, string, string, string, number | null, string][] {
  return report.tables.flatMap((t) =>
    t.rows.flatMap((r) =>
      r.cells.map((cell, i) => {
        const c = t.columns[i]!;
        return [t.id, r.id, r.name, c.id, c.name, c.unit, cell.value, suppressedText(cell, report.k)] as [
          string,
          string,
          string,
          string,
          string,
          string,
          number | null,
          string,
        ];
      }),
    ),
  );
}

/**
 * The report as one long CSV (see CSV_COLUMNS): `value` holds only numbers (percentages as
 * 0-100) or nothing, and `suppressed` says why a value is missing ("<10" or "complementary"),
 * so a spreadsheet can add the column up.
 */
export function formatReportCsv(report: StatsReport): string {
  const lines = reportLines(report).map((l) => l.map((v) => csvValue(v === null ? '' : String(v))).join(','));
  return [CSV_COLUMNS.join(','), ...lines].join('\n') + '\n';
}

function csvValue(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
