import type { ReportDocument } from '../document/report-document';
import { renderDocx } from './docx';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import { renderXlsx } from './xlsx';

export { renderChartPng, renderChartPngs, renderChartSvg } from './charts';
export { renderDocx } from './docx';
export { renderHtml } from './html';
export { renderJson } from './json';
export { renderMarkdown } from './markdown';
export { renderXlsx } from './xlsx';

export const REPORT_FORMATS = ['md', 'html', 'docx', 'xlsx', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  fileName: string;
}

export async function renderReport(doc: ReportDocument, format: ReportFormat): Promise<RenderedReport> {
  let body: Buffer;
  switch (format) {
    case 'md':
      body = Buffer.from(renderMarkdown(doc), 'utf8');
      break;
    case 'html':
      body = Buffer.from(renderHtml(doc), 'utf8');
      break;
    case 'docx':
      body = await renderDocx(doc);
      break;
    case 'xlsx':
      body = await renderXlsx(doc);
      break;
    case 'json':
      body = Buffer.from(renderJson(doc), 'utf8');
      break;
    default:
      throw new Error(`unknown report format: ${String(format)}`);
  }
  return { body, contentType: REPORT_CONTENT_TYPES[format], fileName: `${doc.fileBaseName}.${format}` };
}
