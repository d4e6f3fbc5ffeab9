import { CsvReadError, decodeCsv, readCsvGrid } from './csv';
import { assembleLedger, GridRow } from './grid';
import { ImportLimitError, ImportLimits, tooManyRows } from './limits';
import type { LedgerFormat, ParsedLedger } from './types';
import { readXlsxGrid, XlsxReadError } from './xlsx';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * The format of an uploaded ledger. The content decides when it is known: a
 * zip (PK\x03\x04) is .xlsx whatever its name, an old binary .xls is not
 * supported (null). Otherwise the extension: .xlsx/.xlsm → xlsx,
 * .csv/.tsv/.txt → csv. Null when neither tells.
 */
export function detectLedgerFormat(fileName: string, head?: Buffer): LedgerFormat | null {
  if (head && head.length >= 4) {
    if (head.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
    if (head.subarray(0, 4).equals(OLE_MAGIC)) return null;
  }
  const ext = /\.([^./\\]+)$/.exec(fileName.trim().toLowerCase())?.[1];
  if (ext === 'xlsx' || ext === 'xlsm') return 'xlsx';
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  return null;
}

function unreadable(reason: string): ParsedLedger {
  return { rows: [], errors: [{ row: 0, field: '', column: '', reason }], columns: {}, ignoredColumns: [], headerRow: 0 };
}

/**
 * Reads a ledger file into rows ready for parsePlacementInput: finds the
 * header row, maps Chinese or English headers to fields, skips blank rows,
 * drops empty cells and normalises dates. Does not validate the values
 * otherwise (validateLedgerRows does). Never throws for bad input: problems
 * with the file come back as errors with row 0, except a file over one of
 * the `limits`, which throws ImportLimitError.
 */
export async function readLedger(data: Buffer, format: LedgerFormat, limits?: ImportLimits): Promise<ParsedLedger> {
  if (data.length === 0) return unreadable('文件是空的');
  let grid: GridRow[];
  try {
    if (format === 'xlsx') {
      grid = await readXlsxGrid(data, limits);
    } else {
      if (data.subarray(0, 4).equals(ZIP_MAGIC)) return unreadable('这是 .xlsx 文件，不是 CSV；请按 xlsx 导入');
      grid = readCsvGrid(decodeCsv(data), limits);
    }
  } catch (e) {
    if (e instanceof ImportLimitError) throw e; // the file as a whole is refused (413/400), not read
    if (e instanceof CsvReadError || e instanceof XlsxReadError) return unreadable(e.message);
    return unreadable(`无法读取文件：${e instanceof Error ? e.message : String(e)}`);
  }
  const ledger = assembleLedger(grid);
  // The readers stop early at the cap plus a few title rows; here the data rows are counted exactly.
  if (limits && ledger.rows.length > limits.maxRows) throw tooManyRows(limits);
  return ledger;
}
