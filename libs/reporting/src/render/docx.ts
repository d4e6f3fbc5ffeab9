import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IFontAttributesProperties,
  type ISectionOptions,
} from 'docx';
import { textWidth } from '@pl/domain';
import type { Block, ChartSpec, ReportDocument, TableBlock } from '../document/report-document';
import { renderChartPngs } from './charts';
import { formatCell, itemsCarryMarkers, splitLines } from './text';

/**
 * Word output in the usual layout of Chinese government documents (after
 * GB/T 9704-2012): A4; margins top 37 mm, bottom 35 mm, left 28 mm, right
 * 26 mm (a 156 × 225 mm text block); title 方正小标宋简体 二号 (22 pt) centred;
 * 一、 headings 黑体 三号, （一） headings 楷体 三号, 1、 headings 仿宋 三号 bold;
 * body 仿宋 三号 (16 pt), first-line indent of two characters, fixed line
 * spacing of 28.95 pt (22 lines in the text block); page numbers "— 1 —" in
 * 宋体 四号, outside edge (right on odd pages, left on even).
 *
 * Fonts: a run names one East Asian font; OOXML has no fallback list. Word,
 * WPS and LibreOffice substitute a missing font; to steer that, the font table
 * gives each government font an alternative that every Chinese Windows has
 * (w:altName: 方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体).
 * Latin letters and digits use Times New Roman.
 */

const mm = (value: number) => Math.round((value * 1440) / 25.4);
const pt = (value: number) => Math.round(value * 20);

const A4 = { width: mm(210), height: mm(297) };
const MARGIN = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };
/** Text block width: 156 mm. */
const TEXT_WIDTH_TWIPS = A4.width - MARGIN.left - MARGIN.right;
/** The same in pixels at 96 dpi, the unit docx uses for image sizes. */
const TEXT_WIDTH_PX = Math.floor((TEXT_WIDTH_TWIPS / 1440) * 96);
/** Landscape pages for wide tables: the portrait margins turned with the page (a 225 × 156 mm block). */
const LANDSCAPE_MARGIN = { top: mm(28), bottom: mm(26), left: mm(37), right: mm(35) };
const LANDSCAPE_TEXT_WIDTH_TWIPS = A4.height - LANDSCAPE_MARGIN.left - LANDSCAPE_MARGIN.right;

/** Font sizes in half-points (Word's unit). */
const SIZE = { 二号: 44, 三号: 32, 四号: 28, 小四: 24 };
/** 16 pt characters × 2 = 32 pt = 640 twips. */
const FIRST_LINE_INDENT = pt(16 * 2);
/** 225 mm text block / 22 lines = 28.98 pt; 28.95 pt keeps 22 lines on the page. */
const LINE = Math.floor(mm(225) / 22);

export const DOCX_FONTS = {
  title: '方正小标宋简体',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  heading3: '仿宋_GB2312',
  body: '仿宋_GB2312',
  table: '仿宋_GB2312',
  pageNumber: '宋体',
  latin: 'Times New Roman',
} as const;

function font(eastAsia: string): IFontAttributesProperties {
  // Word falls back to a system font when the East Asian font is not installed; see FONT_TABLE for the alternatives.
  return { eastAsia, ascii: DOCX_FONTS.latin, hAnsi: DOCX_FONTS.latin, cs: DOCX_FONTS.latin, hint: 'eastAsia' };
}

/** word/fontTable.xml with the alternatives Word uses when a font is missing. */
const FONT_TABLE = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="仿宋"><w:altName w:val="FangSong"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="楷体"><w:altName w:val="KaiTi"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="fixed"/></w:font>
</w:fonts>`;

const BODY_PARAGRAPH = {
  spacing: { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
  indent: { firstLine: FIRST_LINE_INDENT },
  alignment: AlignmentType.JUSTIFIED,
};

// 小标宋, 黑体 and 楷体 are display faces: the title and the 一、 and （一） headings carry no bold at
// all (not even w:b="false", which some readers take for bold), so no reader fakes a bold of them.
const STYLES = {
  default: {
    document: {
      run: { font: font(DOCX_FONTS.body), size: SIZE.三号, language: { value: 'en-US', eastAsia: 'zh-CN' } },
      paragraph: BODY_PARAGRAPH,
    },
    title: {
      run: { font: font(DOCX_FONTS.title), size: SIZE.二号, color: '000000' },
      paragraph: {
        alignment: AlignmentType.CENTER,
        indent: { firstLine: 0 },
        spacing: { line: pt(36), lineRule: LineRuleType.EXACT, before: 0, after: LINE },
        keepNext: true,
      },
    },
    heading1: {
      run: { font: font(DOCX_FONTS.heading1), size: SIZE.三号, color: '000000' },
      paragraph: { ...BODY_PARAGRAPH, keepNext: true, keepLines: true, outlineLevel: 0 },
    },
    heading2: {
      run: { font: font(DOCX_FONTS.heading2), size: SIZE.三号, color: '000000' },
      paragraph: { ...BODY_PARAGRAPH, keepNext: true, keepLines: true, outlineLevel: 1 },
    },
    heading3: {
      run: { font: font(DOCX_FONTS.heading3), size: SIZE.三号, bold: true, color: '000000' },
      paragraph: { ...BODY_PARAGRAPH, keepNext: true, keepLines: true, outlineLevel: 2 },
    },
  },
  paragraphStyles: [
    {
      id: 'ReportSubtitle',
      name: 'Report Subtitle',
      basedOn: 'Normal',
      next: 'Normal',
      run: { font: font(DOCX_FONTS.heading2), size: SIZE.三号 },
      paragraph: { alignment: AlignmentType.CENTER, indent: { firstLine: 0 }, spacing: { after: LINE } },
    },
    {
      id: 'TableText',
      name: 'Table Text',
      basedOn: 'Normal',
      run: { font: font(DOCX_FONTS.table), size: SIZE.小四 },
      paragraph: {
        indent: { firstLine: 0 },
        spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
        alignment: AlignmentType.LEFT,
      },
    },
    {
      id: 'TableCaption',
      name: 'Table Caption',
      basedOn: 'Normal',
      next: 'Normal',
      run: { font: font(DOCX_FONTS.heading1), size: SIZE.四号 },
      paragraph: {
        alignment: AlignmentType.CENTER,
        indent: { firstLine: 0 },
        spacing: { line: LINE, lineRule: LineRuleType.EXACT, before: pt(6) },
        keepNext: true,
      },
    },
    {
      id: 'Figure',
      name: 'Figure',
      basedOn: 'Normal',
      next: 'Normal',
      // Single spacing: a fixed line height would clip the image to one line.
      paragraph: {
        alignment: AlignmentType.CENTER,
        indent: { firstLine: 0 },
        spacing: { line: 240, lineRule: LineRuleType.AUTO, before: pt(6), after: pt(6) },
        keepLines: true,
      },
    },
    {
      id: 'Signature',
      name: 'Signature Line',
      basedOn: 'Normal',
      // GB/T 9704: 落款 flush right, about four characters in from the right margin.
      paragraph: { alignment: AlignmentType.RIGHT, indent: { firstLine: 0, right: pt(16 * 4) } },
    },
    {
      id: 'PageNumber',
      name: 'Page Number Line',
      basedOn: 'Normal',
      // Half-width Arabic numerals in 宋体 too (GB/T 9704), not Times New Roman.
      run: {
        font: { eastAsia: DOCX_FONTS.pageNumber, ascii: DOCX_FONTS.pageNumber, hAnsi: DOCX_FONTS.pageNumber },
        size: SIZE.四号,
      },
      paragraph: { indent: { firstLine: 0 }, spacing: { line: 240, lineRule: LineRuleType.AUTO } },
    },
  ],
};

function runs(text: string, options: { bold?: boolean } = {}): TextRun[] {
  return splitLines(text).map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : undefined, ...options }));
}

const HEADING = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

const CELL_BORDER = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

/** Column widths proportional to the widest line of each column (CJK counts double), summing to the text width. */
function columnWidths(b: TableBlock, textWidth_: number): number[] {
  const weight = (s: string) => Math.max(0, ...splitLines(s).map(textWidth));
  const raw = b.columns.map((c, i) => {
    let longest = weight(c);
    for (const row of b.rows) longest = Math.max(longest, weight(formatCell(row[i])));
    return Math.min(Math.max(longest, 5), 40);
  });
  const total = raw.reduce((a, c) => a + c, 0) || 1;
  const widths = raw.map((w) => Math.floor((w / total) * textWidth_));
  widths[widths.length - 1] = (widths[widths.length - 1] ?? 0) + textWidth_ - widths.reduce((a, c) => a + c, 0);
  return widths;
}

function table(b: TableBlock): (Paragraph | Table)[] {
  if (b.columns.length === 0) return [];
  const width = b.landscape ? LANDSCAPE_TEXT_WIDTH_TWIPS : TEXT_WIDTH_TWIPS;
  const widths = columnWidths(b, width);
  const firstTotal = b.rows.length - (b.totalRows ?? 0);
  const numeric = b.columns.map((_, i) => b.rows.length > 0 && b.rows.every((row) => typeof row[i] === 'number'));
  const cell = (text: string, i: number, header: boolean, span = 1, bold = header) =>
    new TableCell({
      width: { size: widths[i] ?? 0, type: WidthType.DXA },
      columnSpan: span > 1 ? span : undefined,
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      children: [
        new Paragraph({
          style: 'TableText',
          alignment: header ? AlignmentType.CENTER : numeric[i] ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: runs(text, bold ? { bold: true } : {}),
        }),
      ],
    });
  const rows = [
    new TableRow({ tableHeader: true, cantSplit: true, children: b.columns.map((c, i) => cell(c, i, true)) }),
    ...(b.rows.length === 0
      ? [new TableRow({ children: [cell('（无数据）', 0, false, b.columns.length)] })]
      : b.rows.map(
          (row, r) =>
            new TableRow({ cantSplit: true, children: b.columns.map((_, i) => cell(formatCell(row[i]), i, false, 1, r >= firstTotal)) }),
        )),
  ];
  const out: (Paragraph | Table)[] = [];
  if (b.caption) out.push(new Paragraph({ style: 'TableCaption', children: runs(b.caption) }));
  out.push(
    new Table({
      rows,
      width: { size: width, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      alignment: AlignmentType.CENTER,
      borders: {
        top: CELL_BORDER,
        bottom: CELL_BORDER,
        left: CELL_BORDER,
        right: CELL_BORDER,
        insideHorizontal: CELL_BORDER,
        insideVertical: CELL_BORDER,
      },
    }),
  );
  // An empty paragraph after the table keeps the next one from sticking to it.
  out.push(new Paragraph({ style: 'TableText', children: [] }));
  return out;
}

/** Charts render at 640 × 360 (2× for print) and are placed at the full text width. */
const CHART = { width: 640, height: 360 };

function chartParagraph(spec: ChartSpec, png: Buffer): Paragraph {
  const width = TEXT_WIDTH_PX;
  const height = Math.round((width * CHART.height) / CHART.width);
  return new Paragraph({
    style: 'Figure',
    children: [
      new ImageRun({
        type: 'png',
        data: png,
        transformation: { width, height },
        altText: { name: spec.title.slice(0, 200), title: spec.title, description: spec.title },
      }),
    ],
  });
}

/** Document content; charts are left as their specs and placed once their images are ready. */
function block(b: Block): (Paragraph | Table | ChartSpec)[] {
  switch (b.type) {
    case 'heading':
      return [new Paragraph({ heading: HEADING[b.level], children: runs(b.text) })];
    case 'paragraph':
      return [new Paragraph({ children: runs(b.text) })];
    case 'list': {
      const marked = itemsCarryMarkers(b);
      return b.items.map((item, i) => new Paragraph({ children: runs(marked ? item : `（${i + 1}）${item}`) }));
    }
    case 'table':
      return table(b);
    case 'chart':
      return [b.chart];
    case 'signature':
      // 落款: flush right, a blank line above, the date under the organization.
      return [
        new Paragraph({ style: 'Signature', children: [] }),
        ...b.lines.map((line) => new Paragraph({ style: 'Signature', children: runs(line) })),
      ];
  }
}

/** A landscape section holds one wide table: content is split into runs of portrait and landscape blocks. */
type Part = { landscape: boolean; items: (Paragraph | Table | ChartSpec)[] };

function pageNumberFooter(alignment: 'left' | 'right'): Footer {
  // GB/T 9704: 4号 宋体 Arabic numerals between em dashes, one character in from the outside edge.
  return new Footer({
    children: [
      new Paragraph({
        style: 'PageNumber',
        alignment: alignment === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: alignment === 'right' ? { right: pt(14) } : { left: pt(14) },
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'] })],
      }),
    ],
  });
}

export async function renderDocx(doc: ReportDocument): Promise<Buffer> {
  // Start the charts first: they rasterise on the thread pool while the text is laid out here.
  const chartSpecs = doc.blocks.filter((b) => b.type === 'chart').map((b) => b.chart);
  const pending = renderChartPngs(chartSpecs, { ...CHART, scale: 2 });

  const parts: Part[] = [{ landscape: false, items: [] }];
  // 发文字号: centred above the title (GB/T 9704 puts it in the 版头, over the title).
  if (doc.docNumber) parts[0]!.items.push(new Paragraph({ style: 'ReportSubtitle', children: runs(doc.docNumber) }));
  parts[0]!.items.push(new Paragraph({ heading: HeadingLevel.TITLE, children: runs(doc.title) }));
  if (doc.subtitle) parts[0]!.items.push(new Paragraph({ style: 'ReportSubtitle', children: runs(doc.subtitle) }));
  for (const b of doc.blocks) {
    const landscape = b.type === 'table' && b.landscape === true;
    if (landscape !== parts[parts.length - 1]!.landscape) parts.push({ landscape, items: [] });
    parts[parts.length - 1]!.items.push(...block(b));
  }

  const pngs = await pending;
  const charts = new Map(chartSpecs.map((spec, i) => [spec, pngs[i] as Buffer]));
  const sections: ISectionOptions[] = parts.map((part) => ({
    properties: {
      page: part.landscape
        ? { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: { ...LANDSCAPE_MARGIN, header: mm(15), footer: mm(16) } }
        : // Footer line 7 mm below the text block: 35 mm − 7 mm − about 5 mm for the 14 pt line.
          { size: A4, margin: { ...MARGIN, header: mm(15), footer: mm(23) } },
    },
    footers: { default: pageNumberFooter('right'), even: pageNumberFooter('left') },
    children: part.items.map((item) =>
      item instanceof Paragraph || item instanceof Table ? item : chartParagraph(item, charts.get(item) as Buffer),
    ),
  }));

  const document = new Document({
    title: doc.title,
    creator: 'Placement Ledger',
    description: doc.subtitle ?? '',
    evenAndOddHeaderAndFooters: true,
    styles: STYLES,
    sections,
  });
  return Packer.toBuffer(document, false, [{ path: 'word/fontTable.xml', data: FONT_TABLE }]);
}
