import type * as ExcelJS from 'exceljs';
import type { CellValue, Workbook, Worksheet } from 'exceljs';
import { dateFromExcelDate, dateFromNumber } from './dates';
import type { GridCell, GridRow } from './grid';
import { checkZip, ImportLimits, ZipReadError, ROWS_ABOVE_HEADER, tooManyCells, tooManyRows } from './limits';

type Scalar = number | string | boolean | Date | null | undefined;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Date);
}

/** The plain text of a string or rich-text value. */
function plainText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isObject(v) && Array.isArray(v.richText)) {
    return (v.richText as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join('');
  }
  if (v === null || v === undefined) return '';
  return String(v);
}

function scalarCell(v: Scalar, date1904: boolean): GridCell {
  if (v === null || v === undefined) return { text: '' };
  if (v instanceof Date) {
    const date = dateFromExcelDate(v) ?? undefined;
    return { text: date ?? '', date };
  }
  if (typeof v === 'number') {
    return { text: String(v), date: dateFromNumber(v, date1904) ?? undefined };
  }
  return { text: String(v) };
}

/**
 * A cell's value as text, link, date or problem: rich text joined, a
 * hyperlink's text and target, a formula's cached result, numbers as digits
 * (and as a date when they can be one), date cells as their calendar date.
 */
export function gridCellOf(value: CellValue, date1904 = false): GridCell {
  if (!isObject(value)) return scalarCell(value as Scalar, date1904);
  if ('error' in value) return { text: '', problem: `单元格是错误值 ${String(value.error)}，请改正后再导入` };
  if ('richText' in value) return { text: plainText(value) };
  if ('hyperlink' in value) {
    const link = typeof value.hyperlink === 'string' ? value.hyperlink.trim() : '';
    return { text: plainText(value.text), ...(link ? { link } : {}) };
  }
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result;
    if (result === undefined) {
      return { text: '', problem: '公式没有计算结果，请在 Excel 中打开并保存后再导入' };
    }
    return gridCellOf(result as CellValue, date1904);
  }
  return { text: plainText(value) };
}

/** The sheet a ledger is on: the first visible one, else the first. */
function ledgerSheet(workbook: Workbook): Worksheet | undefined {
  const sheets = workbook.worksheets;
  return sheets.find((s) => s.state === undefined || s.state === 'visible') ?? sheets[0];
}

export class XlsxReadError extends Error {}

let excel: Promise<typeof ExcelJS> | undefined;
/**
 * ExcelJS, loaded when a workbook first gets past the zip checks: loading it
 * is ~0.5 s of CPU, which a CSV, or a zip bomb refused by checkZip, never
 * needs. (Node's import() of the CommonJS package gives it as `default`.)
 */
function exceljs(): Promise<typeof ExcelJS> {
  excel ??= import('exceljs').then((m: typeof ExcelJS & { default?: typeof ExcelJS }) => m.default ?? m);
  return excel;
}

/** Reads the ledger sheet of an .xlsx file into grid rows keyed by 1-based column number. */
export async function readXlsxGrid(data: Buffer, limits?: ImportLimits): Promise<GridRow[]> {
  if (data.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new XlsxReadError('这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入');
  }
  // ExcelJS inflates the whole workbook: only after its entries are known to stay under the caps.
  if (limits) {
    try {
      await checkZip(data, limits);
    } catch (e) {
      // Entries that do not inflate to the size their headers say: refused as unreadable, not read further.
      if (e instanceof ZipReadError) throw new XlsxReadError('无法读取文件：不是有效的 .xlsx 文件（压缩内容与其声明不符）');
      throw e;
    }
  }
  const workbook = new (await exceljs()).Workbook();
  try {
    // ExcelJS declares its own Buffer type (an ArrayBuffer); at run time it takes Node's Buffer.
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new XlsxReadError('无法读取文件：不是有效的 .xlsx 文件');
  }
  const sheet = ledgerSheet(workbook);
  if (!sheet) throw new XlsxReadError('文件中没有工作表');
  const date1904 = !!workbook.properties?.date1904;
  if (limits && sheet.actualRowCount > limits.maxRows + ROWS_ABOVE_HEADER) throw tooManyRows(limits);
  const rows: GridRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    if (limits && row.actualCellCount > limits.maxCellsPerRow) throw tooManyCells(limits, row.number, row.actualCellCount);
    const cells = new Map<number, GridCell>();
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      cells.set(col, gridCellOf(cell.value, date1904));
    });
    rows.push({ row: row.number, cells });
  });
  return rows;
}
