import { FieldError, GENRE_LABELS, GENRES, parsePlacementInput, PlacementInput, spreadsheetText } from '@pl/domain';
import { LEDGER_FIELD_LABELS, LedgerField } from './columns';
import type { LedgerRow, LedgerRowError } from './types';

const GENRE_CHOICES = GENRES.map((g) => GENRE_LABELS[g]).join('、');

const isLedgerField = (f: string): f is LedgerField => Object.prototype.hasOwnProperty.call(LEDGER_FIELD_LABELS, f);

/** The Chinese label of an English field name (the first segment of a dotted path); the name itself when unknown. */
export function ledgerColumnLabel(field: string): string {
  const base = field.split('.')[0];
  return isLedgerField(base) ? LEDGER_FIELD_LABELS[base] : field;
}

/** Reasons that depend on the field, matched on the English message placement-input gives. */
function specificReason(base: string, label: string, message: string): string | null {
  switch (base) {
    case 'publishedOn':
      if (/is required/.test(message)) return `${label}不能为空`;
      return `${label}不是有效日期（应为 YYYY-MM-DD）`;
    case 'channel': {
      const unknown = /unknown channel:\s*(.*)$/is.exec(message);
      if (unknown) return `未知媒体「${unknown[1].trim()}」，请检查媒体名称或别名`;
      if (/channel id, name or alias|must not be empty|is required/.test(message)) return `${label}不能为空`;
      return null;
    }
    case 'url':
      if (/http\(s\) link/.test(message)) return `${label}不是有效的 http(s) 地址`;
      return null;
    case 'prominence':
      if (/must be one of/.test(message)) return `${label}无法识别（可填 头条、头版头条 或留空）`;
      return null;
    case 'genre':
      if (/must be one of/.test(message)) return `${label}无法识别（可填 ${GENRE_CHOICES}）`;
      return null;
    case 'authors':
      if (/at most (\d+) names/.test(message)) return `${label}最多填写${/at most (\d+) names/.exec(message)![1]}人`;
      if (/each author must be at most (\d+)/.test(message)) {
        return `每位${label}的姓名不能超过${/at most (\d+)/.exec(message)![1]}个字符`;
      }
      if (/list of names or a string/.test(message)) return `${label}格式不正确（多人请用顿号、逗号或空格分隔）`;
      return null;
    default:
      return null;
  }
}

/** Reasons that read the same for any field. */
function genericReason(label: string, message: string): string | null {
  if (/must not be empty|is required/.test(message)) return `${label}不能为空`;
  const max = /must be at most (\d+) characters/.exec(message);
  if (max) return `${label}超过${max[1]}个字符`;
  if (/control characters/.test(message)) return `${label}包含不可见的控制字符，请删除后重试`;
  if (/must be a string/.test(message)) return `${label}格式不正确（应为文字）`;
  const unknownField = /^unknown fields?: (.*)$/.exec(message);
  if (unknownField) return `不支持的字段：${unknownField[1]}`;
  return null;
}

/**
 * Translates a placement-input field error for a ledger user: the Chinese
 * column label (标题 for title) and a Chinese reason (标题不能为空). A message
 * it does not know keeps its English text.
 */
export function translateFieldError(e: FieldError): { column: string; reason: string } {
  const base = e.field.split('.')[0];
  const column = ledgerColumnLabel(e.field);
  const reason = specificReason(base, column, e.message) ?? genericReason(column, e.message) ?? e.message;
  return { column, reason };
}

/**
 * Runs each ledger row through parsePlacementInput. Valid rows come back with
 * their parsed value; each field error of the others becomes a row error with
 * a Chinese reason. `columns` (ParsedLedger.columns) names each column as
 * the file writes it; without it errors use the Chinese labels.
 */
export function validateLedgerRows(
  rows: LedgerRow[],
  columns: Partial<Record<LedgerField, string>> = {},
): { valid: { row: number; value: PlacementInput }[]; errors: LedgerRowError[] } {
  const valid: { row: number; value: PlacementInput }[] = [];
  const errors: LedgerRowError[] = [];
  for (const { row, input } of rows) {
    const parsed = parsePlacementInput(input);
    if (parsed.ok) {
      valid.push({ row, value: parsed.value });
      continue;
    }
    // One line per problem: the schema can raise one message twice (url has two http(s) checks).
    const seen = new Set<string>();
    for (const fe of parsed.errors) {
      const { column, reason } = translateFieldError(fe);
      const base = fe.field.split('.')[0];
      const key = `${base}\u0000${reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const written = isLedgerField(base) ? columns[base] : undefined;
      errors.push({ row, field: base, column: written ?? column, reason });
    }
  }
  return { valid, errors };
}

const byRow = (errors: readonly LedgerRowError[]) =>
  errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.row - b.e.row || a.i - b.i)
    .map(({ e }) => e);

/**
 * A Chinese plain-text report, one line per error, file-level problems first,
 * then by row: `第12行 「标题」：标题不能为空`, `文件：缺少必需列「标题」(title)`.
 */
export function formatLedgerErrors(errors: LedgerRowError[]): string {
  return byRow(errors)
    .map((e) => {
      const where = e.row > 0 ? `第${e.row}行` : '文件';
      if (e.row === 0) return `${where}：${e.reason}`;
      return e.column ? `${where} 「${e.column}」：${e.reason}` : `${where}：${e.reason}`;
    })
    .join('\n');
}

function csvCell(value: string | number): string {
  // Formula-like text neutralised, then quoted where it needs to be.
  const guarded = typeof value === 'number' ? String(value) : spreadsheetText(value);
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/**
 * The errors as a CSV file Excel opens in Chinese (UTF-8 with BOM, CRLF):
 * header 行号,列,字段,原因; file-level problems have 行号 0; `omitted`
 * errors past the kept ones are counted on a last line.
 */
export function ledgerErrorsCsv(errors: LedgerRowError[], omitted = 0): string {
  const lines: (string | number)[][] = [['行号', '列', '字段', '原因'], ...byRow(errors).map((e) => [e.row, e.column, e.field, e.reason])];
  // Only the first errors are kept in full (IMPORT_MAX_ERRORS): the rest are counted on a last line.
  if (omitted > 0) lines.push(['', '', '', `另有 ${omitted} 条错误未列出（只保留前 ${errors.length} 条）`]);
  return '\ufeff' + lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
