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
  /** Base of generated file names, without extension (ASCII-safe). */
  fileBaseName: string;
  blocks: Block[];
  /** Sheets of the Excel rendering: summary tables first, then e.g. the period's ledger. */
  sheets: Sheet[];
  /** What the JSON rendering returns: the figures behind the text. */
  data: unknown;
}

export type Block = HeadingBlock | ParagraphBlock | ListBlock | TableBlock | ChartBlock;

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
}

export interface Sheet {
  name: string;
  columns: { header: string; width?: number }[];
  rows: (string | number | null)[][];
}
