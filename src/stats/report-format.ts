import { OTHER_CAMPAIGNS, type CsvField, type ReportTable, type StatsReport } from './report.js';

/** Explains the markers; printed under the tables. */
export function reportLegend(k: number): string[] {
  return [
    `<${k}  fewer than ${k}, including 0: small numbers are never shown`,
    `x    hidden so that a "<${k}" cannot be worked out by subtracting from a total`,
    `     (a hidden count is at least ${k}; a rate is hidden when either of its numbers is)`,
    'language "-": not chosen yet (a start before the language question); campaign "-": none;',
    `campaign "${OTHER_CAMPAIGNS}": every campaign with fewer than ${k} completions in the period, together`,
    'Starts are counted in the language known at the start: compare completions with starts on the "all" rows.',
  ];
}

/** The report as plain-text tables for a terminal. */
export function formatReportText(report: StatsReport): string {
  const blocks = report.tables.map(formatTable);
  return [...blocks, reportLegend(report.k).join('\n')].join('\n\n') + '\n';
}

function formatTable(t: ReportTable): string {
  const header = [...t.rowFields, ...t.columns];
  const lines = [header, ...t.rows.map((r) => [...r.labels, ...r.cells])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const labelCount = t.rowFields.length;
  const render = (l: string[]) =>
    l.map((v, i) => (i < labelCount ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  return [t.title, render(header), ...lines.slice(1).map(render)].join('\n');
}

const CSV_FIELDS: readonly CsvField[] = ['week', 'language', 'campaign', 'indicator', 'measure'];

/**
 * The report as one long CSV: `table,week,language,campaign,indicator,measure,value`, one line per
 * printed cell, with exactly the values the text shows ("<10", "x", numbers of at least k, rates).
 */
export function formatReportCsv(report: StatsReport): string {
  const lines = [['table', ...CSV_FIELDS, 'value'].join(',')];
  for (const t of report.tables) {
    for (const row of t.rows) {
      row.cells.forEach((value, i) => {
        const fields: Partial<Record<CsvField, string>> = {};
        t.rowFields.forEach((f, j) => (fields[f] = row.labels[j]));
        fields[t.columnField] = t.columns[i];
        if (t.columnField !== 'measure') fields.measure = 'completed_with_sign';
        lines.push([t.id, ...CSV_FIELDS.map((f) => fields[f] ?? ''), value].map(csvValue).join(','));
      });
    }
  }
  return lines.join('\n') + '\n';
}

function csvValue(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
