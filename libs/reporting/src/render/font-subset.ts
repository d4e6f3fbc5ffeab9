import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * The CJK font for chart rendering, cut down to the glyphs a chart uses.
 *
 * Why subset at all: resvg-js 2.6 re-reads the whole font file for every
 * glyph it shapes, and CJK fonts are large (WenQuanYi Zen Hei 17 MB, Noto
 * Sans CJK 20 MB), so a chart with a few dozen labels spends most of a second
 * copying the font. A subset of a few KB renders some twenty times faster.
 *
 * The subsetting is HarfBuzz's (hb-subset, the wasm build of `harfbuzzjs`,
 * called as `subset-font` calls it but on a face loaded once), which handles
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

/** The part of HarfBuzz's wasm build (harfbuzzjs) that subsetting calls. */
interface HarfBuzz {
  memory: { buffer: ArrayBuffer };
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_set_invert(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;

let harfbuzz: Promise<HarfBuzz> | undefined;

function loadHarfBuzz(): Promise<HarfBuzz> {
  harfbuzz ??= (async () => {
    const wasm = await fs.promises.readFile(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm'));
    // Node's WebAssembly global (the build's type libraries leave out its declarations).
    const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: { instantiate(bytes: Buffer): Promise<{ instance: { exports: unknown } }> } };
    const { instance } = await webAssembly.instantiate(wasm);
    const hb = instance.exports as unknown as HarfBuzz;
    hb._initialize();
    return hb;
  })();
  return harfbuzz;
}

/** Each font's face in HarfBuzz's memory, loaded once and kept (the chart font is one per process). */
const faces = new WeakMap<Buffer, number>();

function faceOf(hb: HarfBuzz, font: ChartFont): number {
  let face = faces.get(font.face);
  if (face === undefined) {
    const data = hb.malloc(font.face.length);
    new Uint8Array(hb.memory.buffer).set(font.face, data);
    const blob = hb.hb_blob_create(data, font.face.length, HB_MEMORY_MODE_WRITABLE, 0, 0);
    face = hb.hb_face_create(blob, 0);
    hb.hb_blob_destroy(blob);
    faces.set(font.face, face);
  }
  return face;
}

let ascii = '';
for (let cp = 0x20; cp < 0x7f; cp++) ascii += String.fromCharCode(cp);

/**
 * Subsets with HarfBuzz as subset-font does (every layout feature kept, the
 * same bytes), but on a face loaded once: subset-font copies the whole font
 * (12 MB for WenQuanYi Zen Hei) into HarfBuzz and parses it for every call,
 * some 20 ms of the main thread and as much short-lived external memory,
 * which in a large heap brings full collections. Synchronous once loaded.
 */
export interface FontSubsetter {
  /** A standalone font holding the glyphs for `text` and printable ASCII. */
  subset(font: ChartFont, text: string): Buffer;
}

export async function fontSubsetter(): Promise<FontSubsetter> {
  const hb = await loadHarfBuzz();
  return {
    subset(font, text) {
      const face = faceOf(hb, font);
      const input = hb.hb_subset_input_create_or_fail();
      if (input === 0) throw new Error('HarfBuzz could not create a subset input');
      let subset = 0;
      try {
        // Every layout feature, as subset-font keeps by default.
        const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
        hb.hb_set_clear(features);
        hb.hb_set_invert(features);
        const unicodes = hb.hb_subset_input_unicode_set(input);
        for (const ch of ascii + text) hb.hb_set_add(unicodes, ch.codePointAt(0)!);
        subset = hb.hb_subset_or_fail(face, input);
      } finally {
        hb.hb_subset_input_destroy(input);
      }
      if (subset === 0) throw new Error(`HarfBuzz could not subset ${font.path}`);
      const blob = hb.hb_face_reference_blob(subset);
      try {
        const at = hb.hb_blob_get_data(blob, 0);
        const length = hb.hb_blob_get_length(blob);
        if (length === 0) throw new Error(`HarfBuzz gave an empty subset of ${font.path}`);
        return Buffer.from(new Uint8Array(hb.memory.buffer).subarray(at, at + length));
      } finally {
        hb.hb_blob_destroy(blob);
        hb.hb_face_destroy(subset);
      }
    },
  };
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
