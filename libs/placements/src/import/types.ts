import type { LedgerField } from './columns';

export type LedgerFormat = 'csv' | 'xlsx';

/** One data row of a ledger, mapped to the placement-input fields it fills. */
export interface LedgerRow {
  /** 1-based row number as a spreadsheet user sees it (the header is row 1 when it is the first row). */
  row: number;
  /**
   * The object to pass to parsePlacementInput: keys channel, title,
   * publishedOn, url, section, prominence, genre, authors, note — only those
   * whose cell is not empty. Values are strings; dates already YYYY-MM-DD
   * when they could be read as one.
   */
  input: Record<string, unknown>;
}

/** One problem with a ledger: a cell of a row, or (row 0) the file as a whole. */
export interface LedgerRowError {
  /** 1-based row number; 0 for a problem with the file (missing column, unreadable file). */
  row: number;
  /** English field name, e.g. 'title'; '' when the problem is not about one field. */
  field: string;
  /** The header as written in the file, e.g. '标题', or the Chinese label when the file lacks the column; '' when not about one column. */
  column: string;
  /** Chinese, e.g. '标题不能为空'. */
  reason: string;
}

export interface ParsedLedger {
  rows: LedgerRow[];
  /** File-level problems (row 0) and cells that cannot be read at all (Excel error values). */
  errors: LedgerRowError[];
  /** The header as written in the file for each field it has a column for. */
  columns: Partial<Record<LedgerField, string>>;
  /** Headers the import ignored (序号, 审核人, …), as written. */
  ignoredColumns: string[];
  /** The row the headers were read from (1 unless a title row sits above them); 0 when none was found. */
  headerRow: number;
}
