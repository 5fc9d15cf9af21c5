import { cellText, reportLegend } from './report-format.js';
import { ALL, type ReportTable, type StatsReport } from './report.js';
import type { ReportChart } from './report-charts.js';

/** A whole number in a headline tile with thousands separators (37,500), as a funder reads it; anything else as it is. */
function groupDigits(text: string): string {
  return /^\d{4,}$/.test(text) ? Number(text).toLocaleString('en-US') : text;
}

/**
 * The report as one self-contained HTML page: the whole-period figures, the charts (inline SVG,
 * drawn when the page was built), then every table. No script, no font, no image to fetch: it
 * can be mailed, opened offline and printed.
 */
export function formatReportHtml(report: StatsReport, charts: readonly ReportChart[]): string {
  // The headline: the "All" row of the weekly totals (started, completed, completion rate, exits).
  const overall = report.tables.find((t) => t.id === 'weekly_totals')!;
  const all = overall.rows.find((r) => r.id === ALL)!;
  const figures = overall.columns
    .map(
      (c, i) =>
        `<div class="figure"><div class="number">${esc(groupDigits(cellText(all.cells[i]!, c, report.k)))}</div><div>${esc(c.name)}</div></div>`,
    )
    .join('');
  const section = (s: ReportTable['section']) =>
    report.tables
      .filter((t) => t.section === s)
      .map((t) => tableHtml(t, report.k))
      .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Anonymous counts, ${esc(report.span)}</title>
<style>
  body { font-family: system-ui, "DejaVu Sans", Arial, sans-serif; color: #1a202c; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #cbd5e0; }
  .lead { color: #4a5568; margin-top: 0; }
  .figures { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; }
  .figure { background: #ebf4ff; border-radius: 8px; padding: .8rem 1.2rem; min-width: 9rem; }
  .figure .number { font-size: 2rem; font-weight: 700; color: #2b6cb0; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 1.5rem; }
  figure.chart { margin: 0; border: 1px solid #e2e8f0; border-radius: 8px; padding: .8rem; overflow-x: auto; }
  figure.chart svg { max-width: 100%; height: auto; display: block; }
  figure.chart figcaption { color: #4a5568; font-size: .85rem; margin-top: .4rem; }
  table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
  th, td { padding: .25rem .6rem; border-bottom: 1px solid #e2e8f0; text-align: right; }
  th:first-child, td:first-child { text-align: left; } tr.all td { font-weight: 700; }
  td.small, td.complementary { color: #718096; background: #f7fafc; }
  caption { text-align: left; font-weight: 600; padding: .3rem 0; }
  .legend { color: #4a5568; font-size: .85rem; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>Anonymous counts of the self-assessment chat</h1>
<p class="lead">${esc(report.span)} (Hong Kong time). Counts only: no person, no chat, nothing finer than a week. Any count under ${report.k} is shown as "&lt;${report.k}".</p>
<div class="figures">${figures}</div>
<h2>Charts</h2>
<div class="charts">
${charts.map((c) => `<figure class="chart" id="chart-${esc(c.id)}" data-bars="${c.bars.length}">${c.svg}<figcaption>${esc(c.caption)} Pale dashed bars: fewer than ${report.k}, or hidden to protect a small count; the real number is not shown.</figcaption></figure>`).join('\n')}
</div>
<h2>The whole period</h2>
${section('summary')}
<h2>Week by week</h2>
${section('weekly')}
<p class="legend">${esc(reportLegend(report.k).join('\n'))}</p>
</body>
</html>
`;
}

function tableHtml(t: ReportTable, k: number): string {
  const head = `<tr><th>${esc(t.rowKind)}</th>${t.columns.map((c) => `<th>${esc(c.name)}</th>`).join('')}</tr>`;
  const rows = t.rows
    .map(
      (r) =>
        `<tr${r.id === ALL ? ' class="all"' : ''} data-id="${esc(r.id)}"><td>${esc(r.name)}</td>${r.cells
          .map(
            (c, i) =>
              `<td${c.suppressed ? ` class="${c.suppressed}"` : ''}>${esc(cellText(c, t.columns[i]!, k))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table id="table-${esc(t.id)}"><caption>${esc(t.title)}</caption>\n${head}\n${rows}\n</table>`;
}

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
