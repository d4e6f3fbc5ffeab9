/**
 * The ledger's columns: which placement field each header names, the Chinese
 * label reports use for it, and which columns a ledger must have.
 */

/** The placement-input fields a ledger column can fill. */
export const LEDGER_FIELDS = [
  'publishedOn',
  'title',
  'channel',
  'section',
  'prominence',
  'genre',
  'authors',
  'url',
  'note',
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

/** Columns without which a ledger cannot be imported. */
export const REQUIRED_LEDGER_FIELDS: readonly LedgerField[] = ['publishedOn', 'title', 'channel'];

/** The Chinese column label of each field, as reports and error messages name it. */
export const LEDGER_FIELD_LABELS: Record<LedgerField, string> = {
  publishedOn: '刊发日期',
  title: '标题',
  channel: '媒体',
  section: '版面栏目',
  prominence: '位置',
  genre: '体裁',
  authors: '作者',
  url: '链接',
  note: '备注',
};

/**
 * Header names accepted for each field, most specific first: when a file has
 * two columns for one field (媒体 and 平台), the one listed earlier here wins,
 * whatever their order in the file. Matching folds case, full-width forms,
 * spaces and punctuation, so 版面/栏目, Published On and published_on match.
 */
export const LEDGER_HEADER_ALIASES: Record<LedgerField, readonly string[]> = {
  publishedOn: [
    '刊发日期', '发布日期', '刊播日期', '播出日期', '上稿日期', '发稿日期', '发表日期', '刊发时间',
    '发布时间', '播出时间', '日期', 'publishedOn', 'published', 'publishDate', 'date',
  ],
  title: ['标题', '稿件标题', '新闻标题', '文章标题', '作品标题', '稿件名称', '题目', 'title', 'headline'],
  channel: [
    '媒体', '媒体名称', '刊发媒体', '刊播媒体', '发布媒体', '上稿媒体', '媒体平台', '刊发平台', '发布平台',
    '平台', '渠道', 'channel', 'media', 'outlet',
  ],
  section: ['版面栏目', '版面', '栏目', '版次', 'section', 'column'],
  prominence: ['位置', '版位', '刊发位置', 'prominence', 'position'],
  genre: ['体裁', '稿件类型', '稿件体裁', '类型', 'genre'],
  authors: ['作者', '记者', '作者记者', '撰稿人', '署名', 'authors', 'author', 'byline'],
  url: ['链接', '网址', '链接地址', '原文链接', '网页链接', 'url', 'link', 'href'],
  note: ['备注', '说明', 'note', 'notes', 'remark', 'remarks', 'comment'],
};

/**
 * Folds a header for matching: NFKC (full-width → half-width), lower case, a
 * trailing note in brackets (刊发日期（必填）) and required-markers dropped,
 * then every space, punctuation mark, symbol and invisible format character
 * removed.
 */
export function foldHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Cf}]/gu, '')
    .trim()
    .replace(/\s*[([【][^()[\]【】]*[)\]】]\s*$/u, '')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

interface AliasRank {
  field: LedgerField;
  rank: number;
}

const ALIAS_INDEX: ReadonlyMap<string, AliasRank> = (() => {
  const index = new Map<string, AliasRank>();
  for (const field of LEDGER_FIELDS) {
    LEDGER_HEADER_ALIASES[field].forEach((alias, rank) => {
      const key = foldHeader(alias);
      if (!index.has(key)) index.set(key, { field, rank });
    });
  }
  return index;
})();

/**
 * The alias a header matches: the whole header folded, else its parts (a
 * bilingual header such as 标题 / Title or 刊发日期(publishedOn)) when they all
 * name the same field.
 */
function matchHeader(header: string): AliasRank | null {
  const whole = ALIAS_INDEX.get(foldHeader(header));
  if (whole) return whole;
  const parts = header
    .normalize('NFKC')
    .split(/[\s/|\\()[\]【】,;:、，；：]+/u)
    .map((p) => ALIAS_INDEX.get(foldHeader(p)))
    .filter((hit): hit is AliasRank => hit !== undefined);
  if (parts.length === 0 || parts.some((hit) => hit.field !== parts[0].field)) return null;
  return parts.reduce((a, b) => (b.rank < a.rank ? b : a));
}

/** The field a header names, or null for a column the import ignores (序号, No., …). */
export function fieldOfHeader(header: string): LedgerField | null {
  return matchHeader(header)?.field ?? null;
}

/** Where a field's column is in the file and how its header is written there. */
export interface ColumnBinding {
  /** 0-based index among the row's cells (CSV) or 1-based column number (xlsx): the caller's choice. */
  index: number;
  /** The header as written in the file, trimmed. */
  header: string;
}

/**
 * Binds fields to columns from a header row. Unknown headers are ignored; of
 * two headers naming one field the more specific alias wins, then the
 * leftmost.
 */
export function bindColumns(headers: readonly { index: number; text: string }[]): Map<LedgerField, ColumnBinding> {
  const best = new Map<LedgerField, ColumnBinding & { rank: number }>();
  for (const { index, text } of headers) {
    const hit = matchHeader(text);
    if (!hit) continue;
    const current = best.get(hit.field);
    if (!current || hit.rank < current.rank) {
      best.set(hit.field, { index, header: text.trim(), rank: hit.rank });
    }
  }
  const bound = new Map<LedgerField, ColumnBinding>();
  for (const field of LEDGER_FIELDS) {
    const b = best.get(field);
    if (b) bound.set(field, { index: b.index, header: b.header });
  }
  return bound;
}
