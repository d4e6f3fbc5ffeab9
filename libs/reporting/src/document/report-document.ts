/**
 * A report as content, independent of its file format: headings, paragraphs,
 * lists, tables and charts, plus the sheets an Excel file carries and the
 * data a JSON file carries. Composers (annual report, monthly bulletin)
 * build it; renderers (Markdown, HTML, Word, Excel, JSON) only lay it out.
 * All text is final, user-facing Chinese; renderers escape it.
 */
export interface ReportDocument {
  /** The title line, e.g. 2021年邵阳市大祥区融媒体中心部门整体支出绩效评价报告. */
  title: string;
  /** A line under the title (organization, period, as-of date). */
  subtitle?: string;
  /** 发文字号 of an official document, set above the title. */
  docNumber?: string;
  /** Base of generated file names, without extension (ASCII-safe). */
  fileBaseName: string;
  blocks: Block[];
  /** Sheets of the Excel rendering: summary tables first, then e.g. the period's ledger. */
  sheets: Sheet[];
  /** What the JSON rendering returns: the figures behind the text. */
  data: unknown;
}

export type Block = HeadingBlock | ParagraphBlock | ListBlock | TableBlock | ChartBlock | SignatureBlock;

export interface HeadingBlock {
  type: 'heading';
  /** 1: 一、 sections; 2: （一） subsections; 3: 1、 items. */
  level: 1 | 2 | 3;
  text: string;
}

export interface ParagraphBlock {
  type: 'paragraph';
  text: string;
}

export interface ListBlock {
  type: 'list';
  /** Items already carry their markers when the report's style wants its own (（1）…). */
  items: string[];
}

export interface TableBlock {
  type: 'table';
  caption?: string;
  columns: string[];
  rows: (string | number)[][];
  /** A wide table: Word sets it on landscape pages of its own. */
  landscape?: boolean;
  /** Rows at the end that sum up the others (合计): set apart in print. */
  totalRows?: number;
}

/** 落款: the issuing organization and the date, set flush right at the end of a document. */
export interface SignatureBlock {
  type: 'signature';
  lines: string[];
}

export interface ChartBlock {
  type: 'chart';
  chart: ChartSpec;
}

export interface ChartSpec {
  kind: 'bar' | 'line' | 'pie';
  title: string;
  categories: string[];
  series: { name: string; values: number[] }[];
  /** Unit shown with values, e.g. 篇 or 万元. */
  unit?: string;
  /**
   * One small panel per series, each on its own scale (2 × 2 for four
   * tiers), so that a series of tens is not flattened beside one of
   * thousands. Default: all series on one axis.
   */
  smallMultiples?: boolean;
  /** The figures are already in a table of the document: Markdown (charts as tables) leaves the chart out. */
  tabulated?: boolean;
}

export interface Sheet {
  name: string;
  /** The title row above the table (default: the sheet's name). */
  title?: string;
  /** 单位 stated under the title, e.g. 篇 or 万元. */
  unit?: string;
  columns: { header: string; width?: number; kind?: SheetColumnKind }[];
  rows: SheetCell[][];
  /** Rows appended after the data that sum it up (合计), in bold. */
  totals?: SheetCell[][];
}

/** How a column is written: text (default), a whole number, money or a figure with two decimals, a date, a month. */
export type SheetColumnKind = 'text' | 'integer' | 'decimal' | 'date' | 'month';

/** A cell: text, a number, or a local date / month written YYYY-MM-DD / YYYY-MM (Excel gets a real date). */
export type SheetCell = string | number | null;
