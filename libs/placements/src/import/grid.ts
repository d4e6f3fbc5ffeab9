import {
  bindColumns,
  ColumnBinding,
  LEDGER_FIELD_LABELS,
  LEDGER_FIELDS,
  LedgerField,
  REQUIRED_LEDGER_FIELDS,
} from './columns';
import { normaliseDateText } from './dates';
import type { LedgerRowError, ParsedLedger } from './types';

/**
 * A cell as read from either format, before it is mapped to a field. The
 * readers fill what they know; the assembler decides what each field takes.
 */
export interface GridCell {
  /** The text the cell shows (a hyperlink's text, a formula's result, a number as digits). */
  text: string;
  /** A hyperlink's target. */
  link?: string;
  /** The cell's date when its value is a date or a number read as one (xlsx only). */
  date?: string;
  /** Why the cell has no usable value, in Chinese (an Excel error value, a formula never calculated). */
  problem?: string;
}

export interface GridRow {
  /** 1-based row number as the spreadsheet shows it. */
  row: number;
  /** Cells by column key (0-based for CSV, 1-based column number for xlsx). */
  cells: ReadonlyMap<number, GridCell>;
}

/** How many rows from the top the header may sit below a title row or two. */
const HEADER_SEARCH_ROWS = 10;

const INVISIBLE_EDGES = /^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g;

function clean(text: string): string {
  return text.replace(INVISIBLE_EDGES, '');
}

const isBlankRow = (row: GridRow) => [...row.cells.values()].every((c) => clean(c.text) === '' && !c.problem);

const isHttp = (s: string | undefined): s is string => !!s && /^https?:\/\//i.test(s.trim());

/** The value a field takes from its cell, or '' for none. */
function fieldValue(field: LedgerField, cell: GridCell): string {
  switch (field) {
    case 'publishedOn':
      return cell.date ?? normaliseDateText(clean(cell.text));
    case 'url':
      // A link cell that is a web hyperlink: its target is the link, whatever text it shows.
      return clean(isHttp(cell.link) ? cell.link : cell.text).replace(/\s*[\r\n]+\s*/g, '');
    case 'note':
    case 'authors':
      // Line breaks separate authors (the schema splits on white space) and are kept in notes.
      return clean(cell.text);
    default:
      // Alt+Enter line breaks inside a title or name: one space.
      return clean(cell.text).replace(/\s*[\r\n]+\s*/g, ' ');
  }
}

function fileError(reason: string, field = '', column = ''): LedgerRowError {
  return { row: 0, field, column, reason };
}

/** Picks the header row: the first of the top rows naming at least two known columns, else the first non-blank row. */
function findHeader(rows: readonly GridRow[]): { index: number; bound: Map<LedgerField, ColumnBinding> } | null {
  let first: { index: number; bound: Map<LedgerField, ColumnBinding> } | null = null;
  let seen = 0;
  for (let i = 0; i < rows.length && seen < HEADER_SEARCH_ROWS; i++) {
    if (isBlankRow(rows[i])) continue;
    seen++;
    const bound = bindColumns([...rows[i].cells].map(([index, c]) => ({ index, text: clean(c.text) })));
    if (bound.size >= 2) return { index: i, bound };
    first ??= { index: i, bound };
  }
  return first;
}

/** Turns a grid read from either format into ledger rows: finds the header, maps columns, skips blank rows. */
export function assembleLedger(rows: readonly GridRow[]): ParsedLedger {
  const parsed: ParsedLedger = { rows: [], errors: [], columns: {}, ignoredColumns: [], headerRow: 0 };
  const header = findHeader(rows);
  if (!header) {
    parsed.errors.push(fileError('文件是空的，没有找到表头和数据'));
    return parsed;
  }
  const headerRow = rows[header.index];
  parsed.headerRow = headerRow.row;
  const boundIndexes = new Set([...header.bound.values()].map((b) => b.index));
  for (const [index, cell] of headerRow.cells) {
    const text = clean(cell.text);
    if (text && !boundIndexes.has(index)) parsed.ignoredColumns.push(text);
  }
  for (const [field, binding] of header.bound) parsed.columns[field] = binding.header;

  const missing = REQUIRED_LEDGER_FIELDS.filter((f) => !header.bound.has(f));
  if (missing.length) {
    for (const field of missing) {
      const label = LEDGER_FIELD_LABELS[field];
      parsed.errors.push(fileError(`缺少必需列「${label}」(${field})`, field, label));
    }
    return parsed;
  }

  for (const gridRow of rows.slice(header.index + 1)) {
    const input: Record<string, unknown> = {};
    const problems: LedgerRowError[] = [];
    for (const field of LEDGER_FIELDS) {
      const binding = header.bound.get(field);
      const cell = binding && gridRow.cells.get(binding.index);
      if (!binding || !cell) continue;
      if (cell.problem) {
        problems.push({ row: gridRow.row, field, column: binding.header, reason: cell.problem });
        continue;
      }
      const value = fieldValue(field, cell);
      if (value !== '') input[field] = value;
    }
    if (problems.length) {
      parsed.errors.push(...problems);
      continue;
    }
    // Only cells of ignored columns (a pre-numbered 序号) filled: a blank row.
    if (Object.keys(input).length === 0) continue;
    if (input.url === undefined) {
      // A hyperlinked title carries the article's link when the link column is empty or absent.
      const titleBinding = header.bound.get('title');
      const link = titleBinding && gridRow.cells.get(titleBinding.index)?.link;
      if (isHttp(link)) input.url = link.trim();
    }
    parsed.rows.push({ row: gridRow.row, input });
  }
  if (parsed.rows.length === 0 && parsed.errors.length === 0) {
    parsed.errors.push(fileError('文件中没有数据行（表头下方是空的）'));
  }
  return parsed;
}
