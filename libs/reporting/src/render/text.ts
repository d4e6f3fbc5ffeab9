import type { ChartSpec, ListBlock } from '../document/report-document';

/** Shared helpers of the renderers: how cells are written, list markers, chart data as a table. */

/** A table cell as text: integers as they are, other numbers without floating-point noise. */
export function formatCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  }
  return value;
}

/** Items that start with their own marker: （1） (1) 1、 1. 一、 ① and bullets. */
const OWN_MARKER = /^\s*(（[0-9０-９一二三四五六七八九十]+）|\([0-9]+\)|[0-9０-９]+[、.．)）]|[一二三四五六七八九十]+、|[\u2460-\u2473]|[•·●▪\-–—*])/u;

export function itemsCarryMarkers(list: ListBlock): boolean {
  return list.items.length > 0 && list.items.every((item) => OWN_MARKER.test(item));
}

/**
 * Shares in percent with two decimals that add up to exactly 100.00 (largest
 * remainder), the way the pie chart labels them. All-zero input gives zeros.
 */
export function percentShares(values: number[]): number[] {
  const safe = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const total = safe.reduce((a, b) => a + b, 0);
  if (total <= 0) return safe.map(() => 0);
  const scaled = safe.map((v) => (v / total) * 10000);
  const floors = scaled.map((v) => Math.floor(v));
  let remaining = 10000 - floors.reduce((a, b) => a + b, 0);
  const order = scaled.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (remaining <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    remaining--;
  }
  return floors.map((v) => v / 100);
}

/** A chart's figures as a table (for Markdown, which has no images). */
export function chartAsTable(chart: ChartSpec): { columns: string[]; rows: string[][] } {
  const unit = chart.unit ? `（${chart.unit}）` : '';
  if (chart.kind === 'pie') {
    const series = chart.series[0];
    const values = chart.categories.map((_, i) => series?.values[i] ?? 0);
    const shares = percentShares(values);
    return {
      columns: ['类别', `${series?.name ?? '数值'}${unit}`, '占比'],
      rows: chart.categories.map((c, i) => [c, formatCell(values[i]), `${(shares[i] ?? 0).toFixed(2)}%`]),
    };
  }
  return {
    columns: ['类别', ...chart.series.map((s) => `${s.name}${unit}`)],
    rows: chart.categories.map((c, i) => [c, ...chart.series.map((s) => formatCell(s.values[i] ?? 0))]),
  };
}

/** Line breaks in data: \r\n, \r and \n alike. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
