import { Workbook, type Worksheet } from 'exceljs';
import { textWidth } from '@pl/domain';
import type { ReportDocument, Sheet, TableBlock } from '../document/report-document';
import { splitLines } from './text';

/**
 * Excel: one worksheet per `doc.sheets` entry (or, when the document has no
 * sheets, one per table block). Header row bold, frozen and filterable;
 * numbers stay numbers; strings are written as strings, never as formulas.
 */

const FORBIDDEN_IN_SHEET_NAME = /[\\/?*[\]:]/g;
const MAX_SHEET_NAME = 31;

/**
 * Sheet names as Excel accepts them: no \ / ? * [ ] :, not empty, not
 * beginning or ending with an apostrophe, at most 31 characters, unique
 * regardless of case, and not the reserved name History.
 */
export function sheetNames(wanted: string[]): string[] {
  const used = new Set<string>();
  return wanted.map((raw, index) => {
    let base = Array.from(raw ?? '', (ch) => ((ch.codePointAt(0) ?? 0) < 0x20 ? ' ' : ch))
      .join('')
      .replace(FORBIDDEN_IN_SHEET_NAME, '_')
      .trim()
      .replace(/^'+|'+$/g, '')
      .trim();
    if (!base || base.toLowerCase() === 'history') base = base ? `${base}_` : `Sheet${index + 1}`;
    base = Array.from(base).slice(0, MAX_SHEET_NAME).join('').replace(/'+$/, '');
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = `(${n})`;
      name = Array.from(base).slice(0, MAX_SHEET_NAME - suffix.length).join('') + suffix;
    }
    used.add(name.toLowerCase());
    return name;
  });
}

/** Display width of a value in Excel's character units (CJK characters count about two). */
function displayWidth(value: string | number | null): number {
  if (value === null || value === undefined) return 0;
  const text = typeof value === 'number' ? String(value) : value;
  // About 1.1 character units per column: Calibri's digits are a little wider than the unit.
  return Math.max(0, ...splitLines(text).map((line) => textWidth(line) * 1.1));
}

function tableAsSheet(table: TableBlock, index: number): Sheet {
  return {
    name: table.caption ?? `表${index + 1}`,
    columns: table.columns.map((header) => ({ header })),
    rows: table.rows,
  };
}

/** Two decimals for columns whose fractional numbers all have at most two decimals (money in 万元). */
function numberFormat(rows: (string | number | null)[][], column: number): string | undefined {
  let fractional = false;
  for (const row of rows) {
    const v = row[column];
    if (typeof v !== 'number' || Number.isInteger(v)) continue;
    if (Math.abs(Math.round(v * 100) - v * 100) > 1e-6) return undefined;
    fractional = true;
  }
  return fractional ? '0.00' : undefined;
}

function fillSheet(ws: Worksheet, sheet: Sheet): void {
  const columnCount = Math.max(sheet.columns.length, ...sheet.rows.map((r) => r.length), 0);
  ws.columns = Array.from({ length: columnCount }, (_, i) => {
    const column = sheet.columns[i];
    const measured = Math.max(
      displayWidth(column?.header ?? ''),
      ...sheet.rows.slice(0, 2000).map((row) => displayWidth(row[i] ?? null)),
    );
    const numFmt = numberFormat(sheet.rows, i);
    return {
      header: column?.header ?? '',
      key: `c${i}`,
      width: column?.width ?? Math.min(Math.max(Math.ceil(measured) + 2, 8), 60),
      ...(numFmt ? { style: { numFmt } } : {}),
    };
  });
  for (const row of sheet.rows) {
    ws.addRow(
      Array.from({ length: columnCount }, (_, i) => {
        const v = row[i];
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return Number.isFinite(v) ? v : null;
        // Strings go in as text (a leading "=" stays text; ExcelJS writes formulas only from { formula }).
        return v;
      }),
    );
  }
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF0F3' } };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF9A9A9A' } } };
  });
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 1 }];
  if (columnCount > 0) {
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, sheet.rows.length + 1), column: columnCount } };
  }
}

export async function renderXlsx(doc: ReportDocument): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'Placement Ledger';
  workbook.title = doc.title;
  workbook.subject = doc.subtitle ?? '';

  let sheets = doc.sheets;
  if (sheets.length === 0) {
    sheets = doc.blocks
      .filter((b): b is TableBlock => b.type === 'table')
      .map((table, i) => tableAsSheet(table, i));
  }
  if (sheets.length === 0) {
    // A workbook needs a sheet: say what the report is.
    sheets = [{ name: '报告', columns: [{ header: doc.title }], rows: doc.subtitle ? [[doc.subtitle]] : [] }];
  }

  const names = sheetNames(sheets.map((s) => s.name));
  sheets.forEach((sheet, i) => fillSheet(workbook.addWorksheet(names[i]), sheet));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
