// A report as an XLSX workbook (exceljs), one sheet per table. Text cells that a spreadsheet would run as a
// formula (starting with = + - @, tab or CR) are written with a leading apostrophe: data from residents or
// providers must never become a formula (CSV/XLSX injection).
import ExcelJS from 'exceljs';
import { escapeFormula } from '../csv-table.ts';
import type { TableReport } from './table-report.ts';

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique within the workbook. */
function sheetName(title: string, used: Set<string>): string {
  const base =
    title
      .replace(/[:\\/?*[\]]/g, ' ')
      .slice(0, 28)
      .trim() || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base} ${i}`;
  used.add(name);
  return name;
}

export async function reportToXlsx(report: TableReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Community Brain';
  book.created = new Date(0);
  const used = new Set<string>();
  for (const table of report.tables) {
    const sheet = book.addWorksheet(sheetName(table.title, used));
    sheet.addRow([escapeFormula(report.title)]).font = { bold: true, size: 14 };
    for (const line of report.subtitle) sheet.addRow([escapeFormula(line)]);
    sheet.addRow([escapeFormula(table.title)]).font = { bold: true };
    sheet.addRow(table.columns.map(escapeFormula)).font = { bold: true };
    for (const row of table.rows)
      sheet.addRow(row.map((v) => (typeof v === 'string' ? escapeFormula(v) : v)));
    table.columns.forEach((_, i) => {
      sheet.getColumn(i + 1).width = i === 0 ? 24 : 14;
    });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
