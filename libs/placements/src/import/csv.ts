import { parse } from 'csv-parse/sync';
import { decodeText } from '@pl/domain';
import type { GridCell, GridRow } from './grid';
import { ImportLimits, ROWS_ABOVE_HEADER, tooManyCells, tooManyRows } from './limits';

/**
 * Decodes a CSV file's bytes: UTF-8 with or without BOM, UTF-16 with a BOM
 * (Excel's “Unicode text”), else GB18030 — what Excel on Chinese Windows
 * writes when it saves CSV — whenever the bytes are not valid UTF-8. The
 * crawler's decoding (decodeText), without looking for declarations in the
 * text.
 */
export function decodeCsv(data: Uint8Array): string {
  return decodeText(data, { markup: false }).text;
}

/** Comma, unless the first lines have more tabs (a tab-separated export saved as .csv). */
function detectDelimiter(text: string): string {
  const head = text.split(/\r?\n/, 5).join('\n');
  const count = (ch: string) => head.split(ch).length - 1;
  return count('\t') > count(',') ? '\t' : ',';
}

export class CsvReadError extends Error {}

/**
 * Reads CSV text into grid rows, one per record; a record's row number is its
 * position, as Excel shows it (a quoted line break does not start a new row;
 * an empty line is an empty row).
 */
export function readCsvGrid(text: string, limits?: ImportLimits): GridRow[] {
  let records: string[][];
  // With limits, parsing stops one record past the cap: a million-row file is not parsed whole.
  const cap = limits ? limits.maxRows + ROWS_ABOVE_HEADER + 1 : undefined;
  try {
    records = parse(text, {
      ...(cap ? { to: cap } : {}),
      delimiter: detectDelimiter(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
    }) as string[][];
  } catch (e) {
    const err = e as { code?: string; lines?: number; message?: string };
    const where = err.lines ? `（第${err.lines}行附近）` : '';
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new CsvReadError(`CSV 文件格式错误${where}：引号没有闭合`);
    }
    throw new CsvReadError(`CSV 文件格式错误${where}：${err.message ?? String(e)}`);
  }
  if (limits && cap && records.length >= cap) throw tooManyRows(limits);
  if (limits) {
    const wide = records.findIndex((r) => r.length > limits.maxCellsPerRow);
    if (wide >= 0) throw tooManyCells(limits, wide + 1, records[wide].length);
  }
  return records.map((record, i) => {
    const cells = new Map<number, GridCell>();
    record.forEach((text, index) => cells.set(index, { text }));
    return { row: i + 1, cells };
  });
}
