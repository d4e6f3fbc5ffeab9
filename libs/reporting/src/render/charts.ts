import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { renderAsync, type RenderedImage, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { ChartSpec } from '../document/report-document';
import { textWidth } from '@pl/domain';
import { FontSubsetter, findCjkFont, fontSubsetter } from './font-subset';

/**
 * Server-side charts: ECharts 6 renders an SVG string (no DOM, no animation),
 * resvg turns it into a PNG for Word. ECharts escapes the text it writes into
 * the SVG (titles, labels, legend), so data cannot inject markup.
 */

export interface ChartSize {
  width: number;
  height: number;
}

export const DEFAULT_CHART_SIZE: ChartSize = { width: 640, height: 360 };

/** CJK-capable fonts first (Linux servers, Windows, macOS), then the generic family. */
export const CHART_FONT_FAMILY =
  'Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Zen Hei, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif';

/** A sober palette: muted blue, brick, olive, ochre, plum, teal, grey. */
export const CHART_PALETTE = ['#3a5f8f', '#b5523b', '#6b8e4e', '#c99a2e', '#6d5a8a', '#4a8c99', '#8c8c8c', '#a3785c'];

const TEXT_COLOR = '#333333';
const AXIS_COLOR = '#888888';
const GRID_COLOR = '#e3e3e3';

/** Integers as they are, anything else with two decimals (money in 万元, percentages). */
export function formatChartValue(value: number): string {
  if (!Number.isFinite(value)) return '';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function withUnit(value: number, unit: string | undefined): string {
  return `${formatChartValue(value)}${unit ?? ''}`;
}

/** Rough rendered width of a label: wide (CJK) characters one em, narrow ones half an em. */
function estimateTextWidth(text: string, fontSize: number): number {
  return (textWidth(text) * fontSize) / 2;
}

function isEmpty(spec: ChartSpec): boolean {
  if (spec.categories.length === 0 || spec.series.length === 0) return true;
  if (spec.kind === 'pie') return (spec.series[0]?.values ?? []).every((v) => !v);
  return false;
}

/** The ECharts option for a spec; exported for tests and for callers that want to tweak it. */
export function chartOption(spec: ChartSpec, size: ChartSize = DEFAULT_CHART_SIZE): echarts.EChartsCoreOption {
  const unit = spec.unit;
  const base: echarts.EChartsCoreOption = {
    animation: false,
    backgroundColor: '#ffffff',
    color: CHART_PALETTE,
    textStyle: { fontFamily: CHART_FONT_FAMILY, color: TEXT_COLOR },
    title: {
      text: spec.title,
      left: 'center',
      top: 8,
      textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 16, fontWeight: 'bold', color: TEXT_COLOR },
    },
  };

  if (isEmpty(spec)) {
    return {
      ...base,
      graphic: {
        type: 'text',
        left: 'center',
        top: 'middle',
        silent: true,
        style: { text: '暂无数据', fontSize: 14, fill: AXIS_COLOR, fontFamily: CHART_FONT_FAMILY },
      },
    };
  }

  if (spec.kind === 'pie') {
    const values = spec.series[0]?.values ?? [];
    return {
      ...base,
      legend: {
        bottom: 6,
        left: 'center',
        itemWidth: 12,
        itemHeight: 12,
        textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12, color: TEXT_COLOR },
      },
      series: [
        {
          type: 'pie',
          name: spec.series[0]?.name ?? spec.title,
          radius: ['0%', '55%'],
          center: ['50%', '52%'],
          silent: true,
          emphasis: { disabled: true },
          stillShowZeroSum: false,
          percentPrecision: 2,
          itemStyle: { borderColor: '#ffffff', borderWidth: 1 },
          label: {
            show: true,
            fontFamily: CHART_FONT_FAMILY,
            fontSize: 12,
            color: TEXT_COLOR,
            // A function, not a template string: names and units from data are never parsed as templates.
            formatter: (p: { name: string; value: number; percent: number }) =>
              `${p.name}\n${withUnit(p.value, unit)}（${p.percent.toFixed(2)}%）`,
          },
          labelLine: { show: true, length: 10, length2: 10 },
          data: spec.categories.map((name, i) => ({ name, value: values[i] ?? 0 })),
        },
      ],
    };
  }

  if (spec.smallMultiples && spec.series.length > 1) return smallMultiples(spec, size, base);

  // Rotate category labels when they would not fit side by side.
  const band = (size.width - 80) / Math.max(1, spec.categories.length);
  const rotate = spec.categories.some((c) => estimateTextWidth(c, 12) > band - 4) ? 30 : 0;
  const showLegend = spec.series.length > 1;
  // Value labels on every point: always for bars; for lines only with one series (two lines' labels collide).
  const showValues = spec.kind === 'bar' || spec.series.length === 1;
  return {
    ...base,
    legend: showLegend
      ? {
          bottom: 6,
          left: 'center',
          itemWidth: 14,
          itemHeight: 10,
          textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12, color: TEXT_COLOR },
        }
      : undefined,
    grid: { left: 16, right: 24, top: 56, bottom: showLegend ? 40 : 16, containLabel: true },
    xAxis: {
      type: 'category',
      data: spec.categories,
      boundaryGap: true,
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: AXIS_COLOR } },
      axisLabel: {
        interval: 0,
        rotate,
        fontFamily: CHART_FONT_FAMILY,
        fontSize: 12,
        color: TEXT_COLOR,
      },
    },
    yAxis: {
      type: 'value',
      name: unit ?? '',
      nameTextStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12, color: TEXT_COLOR },
      splitNumber: 4,
      // Counts get whole-number ticks (no 0.5 篇).
      minInterval: spec.series.every((s) => s.values.every((v) => Number.isInteger(v))) ? 1 : undefined,
      // Plain numbers like the value labels (no thousands separators).
      axisLabel: {
        fontFamily: CHART_FONT_FAMILY,
        fontSize: 12,
        color: TEXT_COLOR,
        formatter: (v: number) => formatChartValue(v),
      },
      splitLine: { lineStyle: { color: GRID_COLOR } },
    },
    series: spec.series.map((s) => ({
      type: spec.kind,
      name: s.name,
      data: spec.categories.map((_, i) => s.values[i] ?? 0),
      silent: true,
      emphasis: { disabled: true },
      barMaxWidth: 48,
      symbol: 'circle',
      symbolSize: 6,
      lineStyle: { width: 2 },
      label: {
        show: showValues,
        position: 'top',
        fontFamily: CHART_FONT_FAMILY,
        fontSize: 11,
        color: TEXT_COLOR,
        formatter: (p: { value: number }) => formatChartValue(p.value),
      },
    })),
  };
}

/**
 * One panel per series on its own value axis, in two columns, every point
 * labelled: each tier readable however far apart their sizes are.
 */
function smallMultiples(spec: ChartSpec, size: ChartSize, base: echarts.EChartsCoreOption): echarts.EChartsCoreOption {
  const n = spec.series.length;
  const cols = 2;
  const rows = Math.ceil(n / cols);
  const top = 44;
  const cellW = (size.width - 24) / cols;
  const cellH = (size.height - top - 8) / rows;
  const grids = spec.series.map((_, i) => ({
    left: 12 + (i % cols) * cellW + 8,
    top: top + Math.floor(i / cols) * cellH + 30,
    width: cellW - 24,
    height: cellH - 48,
    containLabel: true,
  }));
  const integers = spec.series.every((s) => s.values.every((v) => Number.isInteger(v)));
  return {
    ...base,
    title: [
      (base as { title: object }).title,
      ...spec.series.map((s, i) => ({
        text: `${s.name}${spec.unit ? `（${spec.unit}）` : ''}`,
        left: grids[i]!.left,
        top: grids[i]!.top - 28,
        textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12, fontWeight: 'bold', color: TEXT_COLOR },
      })),
    ],
    grid: grids,
    xAxis: spec.series.map((_, i) => ({
      type: 'category',
      gridIndex: i,
      data: spec.categories,
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: AXIS_COLOR } },
      axisLabel: { interval: spec.categories.length > 6 ? 1 : 0, fontFamily: CHART_FONT_FAMILY, fontSize: 10, color: TEXT_COLOR },
    })),
    yAxis: spec.series.map((_, i) => ({
      type: 'value',
      gridIndex: i,
      splitNumber: 3,
      minInterval: integers ? 1 : undefined,
      axisLabel: { fontFamily: CHART_FONT_FAMILY, fontSize: 10, color: TEXT_COLOR, formatter: (v: number) => formatChartValue(v) },
      splitLine: { lineStyle: { color: GRID_COLOR } },
    })),
    series: spec.series.map((s, i) => ({
      type: spec.kind === 'pie' ? 'bar' : spec.kind,
      name: s.name,
      xAxisIndex: i,
      yAxisIndex: i,
      data: spec.categories.map((_, j) => s.values[j] ?? 0),
      silent: true,
      emphasis: { disabled: true },
      itemStyle: { color: CHART_PALETTE[i % CHART_PALETTE.length] },
      lineStyle: { width: 2, color: CHART_PALETTE[i % CHART_PALETTE.length] },
      symbol: 'circle',
      symbolSize: 4,
      barMaxWidth: 24,
      label: { show: true, position: 'top', fontFamily: CHART_FONT_FAMILY, fontSize: 9, color: TEXT_COLOR, formatter: (p: { value: number }) => formatChartValue(p.value) },
    })),
  };
}

/** Renders a chart as a standalone SVG document (UTF-8 string, xmlns set, no scripts, no external references). */
export function renderChartSvg(spec: ChartSpec, size: ChartSize = DEFAULT_CHART_SIZE): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(chartOption(spec, size));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export interface ChartPngOptions extends Partial<ChartSize> {
  /** Pixel density relative to the SVG size; 2 gives print-quality images at the chart's nominal size. */
  scale?: number;
}

function baseResvgOptions(width: number, scale: number): ResvgRenderOptions {
  return {
    background: '#ffffff',
    fitTo: { mode: 'width', value: Math.round(width * scale) },
    logLevel: 'off',
  };
}

let tempCounter = 0;

/**
 * Starts rendering `svg` with resvg options whose fonts cover it: a temporary
 * subset of the installed CJK font (fast), else all system fonts (correct,
 * but resvg re-reads the large font file for every glyph). The subset is cut
 * at once, on this thread, so that rasterising starts before the next chart's
 * SVG is laid out.
 */
function startRender(svg: string, base: ResvgRenderOptions, subsetter: FontSubsetter | null): Promise<RenderedImage> {
  const font = findCjkFont();
  if (font && subsetter) {
    const file = path.join(os.tmpdir(), `placement-ledger-chart-font-${process.pid}-${++tempCounter}.ttf`);
    let written = false;
    try {
      fs.writeFileSync(file, subsetter.subset(font, svg));
      written = true;
    } catch {
      fs.rmSync(file, { force: true }); // e.g. a full temp directory or a font HarfBuzz refuses: render with the system fonts instead
    }
    if (written) {
      return renderAsync(svg, { ...base, font: { loadSystemFonts: false, fontFiles: [file] } }).finally(() => fs.rmSync(file, { force: true }));
    }
  }
  return renderAsync(svg, {
    ...base,
    font: {
      loadSystemFonts: true,
      // Used when none of the SVG's families is installed; CI installs fonts-wqy-zenhei.
      defaultFontFamily: 'WenQuanYi Zen Hei',
      sansSerifFamily: 'WenQuanYi Zen Hei',
    },
  });
}

/**
 * Renders a chart as PNG (white background, `scale` × the chart size in
 * pixels). Rasterising runs on the libuv thread pool.
 */
export async function renderChartPng(spec: ChartSpec, opts: ChartPngOptions = {}): Promise<Buffer> {
  const [png] = await renderChartPngs([spec], opts);
  return png as Buffer;
}

/**
 * Renders a document's charts as PNGs, in order, all of one size: each
 * chart's SVG and font subset on this thread, then its rasterising on the
 * thread pool while the next chart is laid out.
 */
export async function renderChartPngs(specs: ChartSpec[], opts: ChartPngOptions = {}): Promise<Buffer[]> {
  if (specs.length === 0) return [];
  const width = opts.width ?? DEFAULT_CHART_SIZE.width;
  const height = opts.height ?? DEFAULT_CHART_SIZE.height;
  const base = baseResvgOptions(width, opts.scale ?? 2);
  const subsetter = findCjkFont() ? await fontSubsetter().catch(() => null) : null;
  const images = specs.map((spec) => startRender(renderChartSvg(spec, { width, height }), base, subsetter));
  return Promise.all(images.map((image) => image.then((i) => encodePng(i.pixels, i.width, i.height))));
}

const deflate = promisify(zlib.deflate);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * PNG from resvg's RGBA pixels, compressed on the thread pool (resvg's own
 * asPng() encodes on the main thread and takes longer). The pixels are
 * premultiplied, which equals straight alpha here: the background is opaque.
 */
async function encodePng(pixels: Buffer, width: number, height: number): Promise<Buffer> {
  const stride = width * 4;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride); // filter byte 0
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', await deflate(raw, { level: 6 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
