import ExcelJS from 'exceljs';
import { CSV_COLUMNS, reportLegend, reportLines, suppressedText } from './report-format.js';
import type { StatsReport } from './report.js';

/**
 * The report as an .xlsx workbook (exceljs): a "data" sheet with the CSV's lines, numbers stored
 * as numbers, then one sheet per table as the text shows it. In a table sheet a suppressed cell
 * is empty and grey, with its reason in a note; spreadsheet sums skip it, never count it as 0.
 */
export async function reportWorkbook(report: StatsReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'npm run stats';

  const about = book.addWorksheet('about');
  about.addRows([[`Anonymous counts, ${report.span}`], [], ...reportLegend(report.k).map((l) => [l])]);
  about.getColumn(1).width = 110;

  const data = book.addWorksheet('data');
  data.addRow([...CSV_COLUMNS]);
  // Numbers stay numbers; an empty reason is an empty cell.
  for (const l of reportLines(report)) data.addRow(l.map((v) => (v === '' ? null : v)));
  data.getRow(1).font = { bold: true };
  data.views = [{ state: 'frozen', ySplit: 1 }];
  data.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: CSV_COLUMNS.length } };
  [24, 22, 40, 20, 30, 9, 10, 14].forEach((w, i) => (data.getColumn(i + 1).width = w));

  for (const t of report.tables) {
    // Sheet names: at most 31 characters, unique (the table ids are).
    const sheet = book.addWorksheet(t.id.slice(0, 31));
    sheet.addRow([t.title]).font = { bold: true };
    sheet.addRow([t.rowKind, ...t.columns.map((c) => c.name)]).font = { bold: true };
    for (const r of t.rows) {
      const row = sheet.addRow([r.name, ...r.cells.map((c) => c.value)]);
      r.cells.forEach((c, i) => {
        const x = row.getCell(i + 2);
        if (t.columns[i]!.unit === 'percent') x.numFmt = '0.0';
        if (c.value === null) {
          x.fill = { type: 'pattern', pattern: 'lightGray', fgColor: { argb: 'FFBBBBBB' } };
          x.note =
            suppressedText(c, report.k) === 'complementary'
              ? `hidden (at least ${report.k}) to protect a count under ${report.k}`
              : `fewer than ${report.k}`;
        }
      });
    }
    sheet.getColumn(1).width = 46;
    sheet.views = [{ state: 'frozen', xSplit: 1, ySplit: 2 }];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
