import type { ReportDocument } from '../document/report-document';

/** The figures behind the report, pretty-printed: `{ title, subtitle, data }`. */
export function renderJson(doc: ReportDocument): string {
  return `${JSON.stringify({ title: doc.title, subtitle: doc.subtitle ?? null, data: doc.data ?? null }, null, 2)}\n`;
}
