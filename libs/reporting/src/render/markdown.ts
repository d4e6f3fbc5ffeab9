import type { Block, ReportDocument, TableBlock } from '../document/report-document';
import { chartAsTable, formatCell, itemsCarryMarkers, splitLines } from './text';

/**
 * Markdown (CommonMark + GFM tables). Every piece of text from the document is
 * escaped: Markdown punctuation with a backslash, `<` `>` and entity-like `&`
 * as HTML entities, so data can neither format the page nor inject HTML.
 * Chinese text needs no escaping and stays readable.
 */

/** Escapes text for use inside a Markdown line (paragraph, heading, list item, table cell). */
export function escapeMarkdownInline(text: string): string {
  return text
    .replace(/&(?=#?[a-zA-Z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~]/g, '\\$&');
}

/** Escapes one line that begins a block: also neutralises list, heading-underline and code-block starts. */
function escapeLineStart(line: string): string {
  const escaped = escapeMarkdownInline(line.replace(/^[ \t]+/, ''));
  return escaped.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A paragraph of possibly several lines; lines end with a hard break. */
function paragraph(text: string): string {
  return splitLines(text)
    .map(escapeLineStart)
    .filter((line, i, lines) => line.length > 0 || (i > 0 && i < lines.length - 1))
    .join('  \n');
}

function oneLine(text: string): string {
  return escapeMarkdownInline(splitLines(text).join(' ').trim());
}

function cell(value: string | number | null | undefined): string {
  const text = formatCell(value);
  return splitLines(text)
    .map((line) => escapeMarkdownInline(line.trim()))
    .join('<br>');
}

function gfmTable(columns: string[], rows: (string | number | null)[][], numericColumns?: boolean[]): string {
  if (columns.length === 0) return '';
  const header = `| ${columns.map(cell).join(' | ')} |`;
  const rule = `| ${columns.map((_, i) => (numericColumns?.[i] ? '---:' : '---')).join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((_, i) => cell(row[i])).join(' | ')} |`);
  if (rows.length === 0) body.push(`| ${columns.map((_, i) => (i === 0 ? '（无数据）' : '')).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

function numericColumns(table: TableBlock): boolean[] {
  return table.columns.map(
    (_, i) => table.rows.length > 0 && table.rows.every((row) => typeof row[i] === 'number'),
  );
}

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `${'#'.repeat(b.level + 1)} ${oneLine(b.text)}`;
    case 'paragraph':
      return paragraph(b.text);
    case 'list': {
      if (b.items.length === 0) return '';
      if (itemsCarryMarkers(b)) {
        // The items number themselves (（1）…): one line each, escaped so "1." does not start a Markdown list.
        return b.items.map((item) => splitLines(item).map(escapeLineStart).join(' ')).join('  \n');
      }
      return b.items.map((item, i) => `${i + 1}. ${oneLine(item)}`).join('\n');
    }
    case 'table': {
      const parts: string[] = [];
      if (b.caption) parts.push(`**${oneLine(b.caption)}**`);
      parts.push(gfmTable(b.columns, b.rows, numericColumns(b)));
      return parts.join('\n\n');
    }
    case 'signature':
      return b.lines.map(escapeLineStart).join('  \n');
    case 'chart': {
      // Markdown has no images: a chart is a table, unless a table already states its figures.
      if (b.chart.tabulated) return '';
      const t = chartAsTable(b.chart);
      return [`**${oneLine(b.chart.title)}**`, gfmTable(t.columns, t.rows, t.columns.map((_, i) => i > 0))].join(
        '\n\n',
      );
    }
  }
}

export function renderMarkdown(doc: ReportDocument): string {
  const parts: string[] = [];
  if (doc.docNumber) parts.push(paragraph(doc.docNumber));
  parts.push(`# ${oneLine(doc.title)}`);
  if (doc.subtitle) parts.push(paragraph(doc.subtitle));
  for (const b of doc.blocks) {
    const text = block(b);
    if (text) parts.push(text);
  }
  return `${parts.join('\n\n')}\n`;
}
