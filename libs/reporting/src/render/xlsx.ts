import { Workbook, type CellValue, type Worksheet } from 'exceljs';
import { isFormulaLike, SPREADSHEET_TEXT_NOTE, spreadsheetText, textWidth, todayInShanghai, utcMidnightOf } from '@pl/domain';
import { chineseDate } from '../compose/chinese';
import type { ReportDocument, Sheet, SheetCell, SheetColumnKind, TableBlock } from '../document/report-document';
import { splitLines } from './text';

/**
 * Excel: one worksheet per `doc.sheets` entry (or, when the document has no
 * sheets, one per table block). Header row bold, frozen and filterable;
 * numbers stay numbers; strings are written as strings, never as formulas,
 * and formula-like ones (= + - @, tab, CR first) with a leading apostrophe, so
 * that a copy saved as CSV does not run them either (the sheet's header row
 * says so when it has one).
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
function displayWidth(value: SheetCell): number {
  if (value === null || value === undefined) return 0;
  const text = typeof value === 'number' ? String(value) : value;
  // About 1.1 character units per column: Calibri's digits are a little wider than the unit.
  return Math.max(0, ...splitLines(text).map((line) => textWidth(line) * 1.1));
}

function tableAsSheet(table: TableBlock, index: number): Sheet {
  const split = table.rows.length - (table.totalRows ?? 0);
  return {
    name: table.caption ?? `表${index + 1}`,
    columns: table.columns.map((header) => ({ header })),
    rows: table.rows.slice(0, split),
    totals: table.rows.slice(split),
  };
}

/** Two decimals for columns whose fractional numbers all have at most two decimals (money in 万元). */
function numberFormat(rows: SheetCell[][], column: number): string | undefined {
  let fractional = false;
  for (const row of rows) {
    const v = row[column];
    if (typeof v !== 'number' || Number.isInteger(v)) continue;
    if (Math.abs(Math.round(v * 100) - v * 100) > 1e-6) return undefined;
    fractional = true;
  }
  return fractional ? '0.00' : undefined;
}

/** Rows above the column headers: the title, then 单位 and 制表日期. */
export const SHEET_HEADER_ROW = 3;

const THIN = { style: 'thin' as const, color: { argb: 'FF808080' } };
const BOX = { top: THIN, bottom: THIN, left: THIN, right: THIN };


const NUMBER_FORMATS: Partial<Record<SheetColumnKind, string>> = {
  integer: '0',
  decimal: '0.00',
  date: 'yyyy-mm-dd',
  month: 'yyyy"年"m"月"',
};

function cellValue(v: SheetCell | undefined, kind: SheetColumnKind | undefined): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  // The Date Excel stores for a local date or month: midnight UTC, no time-zone shift.
  if (kind === 'date' || kind === 'month') return (v.length === (kind === 'date' ? 10 : 7) ? utcMidnightOf(v) : null) ?? v;
  // Strings go in as text (ExcelJS writes formulas only from { formula }); a formula-like one neutralised for CSV round trips.
  return spreadsheetText(v);
}

/**
 * One sheet as an office prints it: a title row, 单位 and 制表日期, the
 * column headers (repeated on every printed page, frozen, filterable), the
 * rows with real numbers and dates, totals in bold; A4 landscape, fitted to
 * the page width, page numbers in the footer.
 */
function fillSheet(ws: Worksheet, sheet: Sheet, madeOn: string): void {
  const rows = [...sheet.rows, ...(sheet.totals ?? [])];
  const columnCount = Math.max(sheet.columns.length, ...rows.map((r) => r.length), 1);
  const kinds = Array.from({ length: columnCount }, (_, i) => sheet.columns[i]?.kind);
  ws.columns = Array.from({ length: columnCount }, (_, i) => {
    const column = sheet.columns[i];
    const measured = Math.max(displayWidth(column?.header ?? ''), ...rows.slice(0, 2000).map((row) => displayWidth(row[i] ?? null)));
    const kind = kinds[i];
    const numFmt = (kind && NUMBER_FORMATS[kind]) ?? numberFormat(rows, i);
    return {
      key: `c${i}`,
      width: column?.width ?? Math.min(Math.max(Math.ceil(measured) + 2, 8), 60),
      ...(numFmt ? { style: { numFmt } } : {}),
    };
  });

  const title = ws.getRow(1);
  title.getCell(1).value = spreadsheetText(sheet.title ?? sheet.name);
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  title.height = 28;
  if (columnCount > 1) ws.mergeCells(1, 1, 1, columnCount);
  const info = ws.getRow(2);
  const neutralised = sheet.columns.some((c) => isFormulaLike(c.header)) || rows.some((row) => row.some((v, i) => typeof v === 'string' && kinds[i] !== 'date' && kinds[i] !== 'month' && isFormulaLike(v)));
  const unit = sheet.unit ? `单位：${sheet.unit}` : '';
  info.getCell(1).value = [unit, neutralised ? SPREADSHEET_TEXT_NOTE : ''].filter(Boolean).join('　') || null;
  info.getCell(columnCount).value = `制表日期：${madeOn}`;
  info.getCell(columnCount).alignment = { horizontal: 'right' };

  const header = ws.getRow(SHEET_HEADER_ROW);
  header.values = Array.from({ length: columnCount }, (_, i) => spreadsheetText(sheet.columns[i]?.header ?? ''));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF0F3' } };
    cell.border = BOX;
  });
  for (const row of sheet.rows) ws.addRow(Array.from({ length: columnCount }, (_, i) => cellValue(row[i], kinds[i])));
  for (const row of sheet.totals ?? []) {
    const added = ws.addRow(Array.from({ length: columnCount }, (_, i) => cellValue(row[i], kinds[i])));
    added.font = { bold: true };
    for (let c = 1; c <= columnCount; c++) added.getCell(c).border = { ...BOX, top: { style: 'medium', color: { argb: 'FF404040' } } };
  }

  const last = SHEET_HEADER_ROW + rows.length;
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: SHEET_HEADER_ROW }];
  ws.autoFilter = { from: { row: SHEET_HEADER_ROW, column: 1 }, to: { row: Math.max(SHEET_HEADER_ROW, SHEET_HEADER_ROW + sheet.rows.length), column: columnCount } };
  ws.pageSetup = {
    paperSize: 9, // A4
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0, // as many pages tall as it takes
    horizontalCentered: true,
    printArea: `A1:${ws.getColumn(columnCount).letter}${last}`,
    printTitlesRow: `${SHEET_HEADER_ROW}:${SHEET_HEADER_ROW}`,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.2, footer: 0.25 },
  };
  ws.headerFooter = { oddFooter: '&C第 &P 页，共 &N 页' };
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
  const madeOn = chineseDate(todayInShanghai());
  sheets.forEach((sheet, i) => fillSheet(workbook.addWorksheet(names[i]), sheet, madeOn));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
