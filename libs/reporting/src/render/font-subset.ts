import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import subsetFont from 'subset-font';

/**
 * The CJK font for chart rendering, cut down to the glyphs a chart uses.
 *
 * Why subset at all: resvg-js 2.6 re-reads the whole font file for every
 * glyph it shapes, and CJK fonts are large (WenQuanYi Zen Hei 17 MB, Noto
 * Sans CJK 20 MB), so a chart with a few dozen labels spends most of a second
 * copying the font. A subset of a few KB renders some twenty times faster.
 *
 * The subsetting is HarfBuzz's (`subset-font`, its wasm build), which handles
 * glyf (TrueType) and CFF (OpenType, e.g. Noto Sans CJK) outlines alike and
 * keeps the cmap resvg needs. It reads the first face of a file only, so a
 * face of a collection (.ttc) is first copied out as a font of its own.
 */

export interface ChartFont {
  path: string;
  /** The face of a collection (0 for a single font). */
  index: number;
  /** That face as a standalone sfnt (TrueType or OpenType), read once. */
  face: Buffer;
}

/** One face of a font collection (.ttc) as a standalone font; a single font as it is. */
export function collectionFace(file: Buffer, index: number): Buffer {
  if (file.toString('latin1', 0, 4) !== 'ttcf') {
    if (index !== 0) throw new Error(`not a font collection: no face ${index}`);
    return file;
  }
  const numFonts = file.readUInt32BE(8);
  if (index >= numFonts) throw new Error(`font collection has no face ${index}`);
  const faceOffset = file.readUInt32BE(12 + 4 * index);
  const numTables = file.readUInt16BE(faceOffset + 4);
  const header = Buffer.alloc(12 + 16 * numTables);
  file.copy(header, 0, faceOffset, faceOffset + 12);
  const parts: Buffer[] = [header];
  let offset = header.length;
  for (let i = 0; i < numTables; i++) {
    const record = faceOffset + 12 + 16 * i;
    const tableOffset = file.readUInt32BE(record + 8);
    const length = file.readUInt32BE(record + 12);
    file.copy(header, 12 + 16 * i, record, record + 8); // tag and checksum
    header.writeUInt32BE(offset, 12 + 16 * i + 8);
    header.writeUInt32BE(length, 12 + 16 * i + 12);
    parts.push(file.subarray(tableOffset, tableOffset + length));
    const pad = (4 - (length % 4)) % 4;
    if (pad) parts.push(Buffer.alloc(pad));
    offset += length + pad;
  }
  return Buffer.concat(parts);
}

/** A standalone font holding the glyphs for `text` and printable ASCII. */
export function subsetForText(font: ChartFont, text: string): Promise<Buffer> {
  let ascii = '';
  for (let cp = 0x20; cp < 0x7f; cp++) ascii += String.fromCharCode(cp);
  return subsetFont(font.face, ascii + text, { targetFormat: 'sfnt' });
}

/** Well-known CJK fonts (Simplified Chinese faces), tried after fontconfig's choice. */
const KNOWN_CJK_FONTS: { path: string; index: number }[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', index: 0 },
  { path: '/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc', index: 0 },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', index: 0 },
  // Noto Sans CJK collections: faces JP, KR, SC, TC, HK.
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', index: 2 },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', index: 2 },
  { path: 'C:\\Windows\\Fonts\\simhei.ttf', index: 0 },
];

function fontconfig(args: string[]): string {
  try {
    return execFileSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** Fontconfig's sans-serif face for Simplified Chinese, if it really covers Chinese. */
function fontconfigChoice(): { path: string; index: number }[] {
  const covering = new Set(fontconfig(['fc-list', ':lang=zh-cn', '--format', '%{file}|%{index}\\n']).split('\n').filter(Boolean));
  const best = fontconfig(['fc-match', '--format', '%{file}|%{index}', 'sans-serif:lang=zh-cn']).trim();
  return [best, ...covering]
    .filter((entry) => covering.has(entry) && /\.(ttf|ttc|otf)\|/i.test(entry))
    .map((entry) => {
      const [path, index] = entry.split('|');
      return { path: path as string, index: Number(index) || 0 };
    });
}

let cached: ChartFont | null | undefined;

/** The CJK font the charts use (read once per process), or null: then resvg uses the system fonts. */
export function findCjkFont(): ChartFont | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (const candidate of [...KNOWN_CJK_FONTS.slice(0, 3), ...fontconfigChoice(), ...KNOWN_CJK_FONTS.slice(3)]) {
    try {
      if (!fs.existsSync(candidate.path)) continue;
      cached = { ...candidate, face: collectionFace(fs.readFileSync(candidate.path), candidate.index) };
      return cached;
    } catch {
      // unreadable or damaged: try the next one
    }
  }
  return cached;
}
