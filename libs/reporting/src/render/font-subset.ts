import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * A minimal TrueType subsetter for chart rendering.
 *
 * Why: resvg-js 2.6 re-reads the whole font file from disk for every glyph it
 * shapes. CJK fonts are large (WenQuanYi Zen Hei is 17 MB), so a chart with a
 * few dozen labels spends most of a second copying the font. Giving resvg a
 * font that holds only the glyphs the chart uses (a few hundred KB) makes PNG
 * rendering some twenty times faster.
 *
 * How: glyph ids are kept as they are (no renumbering), so cmap and hmtx are
 * copied unchanged; glyf keeps only the glyphs used (plus the components of
 * composite glyphs) and loca is rebuilt. Layout tables (GSUB, GPOS, kern),
 * hinting and bitmaps are dropped: chart labels need none of them. Only
 * glyf-outlined faces are supported; for CFF fonts (e.g. Noto Sans CJK .otf)
 * {@link findSubsettableCjkFont} returns null and callers use system fonts.
 */

interface TableRecord {
  offset: number;
  length: number;
}

export interface SubsettableFont {
  path: string;
  index: number;
  /** The face's tables that the subset copies, read once. */
  tables: Map<string, Buffer>;
  glyfOffset: number;
  /** Glyph offsets into glyf (numGlyphs + 1 entries). */
  loca: Uint32Array;
  numGlyphs: number;
  lookup: (codePoint: number) => number;
}

const COPIED_TABLES = ['cmap', 'head', 'hhea', 'hmtx', 'maxp', 'name', 'OS/2', 'post'];

function readTableDirectory(fd: number, faceIndex: number): Map<string, TableRecord> {
  const header = Buffer.alloc(12);
  fs.readSync(fd, header, 0, 12, 0);
  let faceOffset = 0;
  if (header.toString('latin1', 0, 4) === 'ttcf') {
    const numFonts = header.readUInt32BE(8);
    if (faceIndex >= numFonts) throw new Error(`font collection has no face ${faceIndex}`);
    const entry = Buffer.alloc(4);
    fs.readSync(fd, entry, 0, 4, 12 + 4 * faceIndex);
    faceOffset = entry.readUInt32BE(0);
  }
  const sfnt = Buffer.alloc(12);
  fs.readSync(fd, sfnt, 0, 12, faceOffset);
  const numTables = sfnt.readUInt16BE(4);
  const records = Buffer.alloc(16 * numTables);
  fs.readSync(fd, records, 0, records.length, faceOffset + 12);
  const tables = new Map<string, TableRecord>();
  for (let i = 0; i < numTables; i++) {
    const r = 16 * i;
    tables.set(records.toString('latin1', r, r + 4), {
      offset: records.readUInt32BE(r + 8),
      length: records.readUInt32BE(r + 12),
    });
  }
  return tables;
}

function readRange(fd: number, record: TableRecord): Buffer {
  const out = Buffer.alloc(record.length);
  fs.readSync(fd, out, 0, record.length, record.offset);
  return out;
}

/** Code point → glyph id using the best Unicode cmap subtable (format 12, else format 4). */
function cmapLookup(cmap: Buffer): (codePoint: number) => number {
  const count = cmap.readUInt16BE(2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < count; i++) {
    const platform = cmap.readUInt16BE(4 + 8 * i);
    const encoding = cmap.readUInt16BE(6 + 8 * i);
    const offset = cmap.readUInt32BE(8 + 8 * i);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = cmap.readUInt16BE(offset);
    if (format === 12 && format12 < 0) format12 = offset;
    if (format === 4 && format4 < 0) format4 = offset;
  }
  if (format12 >= 0) {
    const groups = cmap.readUInt32BE(format12 + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = format12 + 16 + 12 * mid;
        const start = cmap.readUInt32BE(g);
        const end = cmap.readUInt32BE(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return cmap.readUInt32BE(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 >= 0) {
    const t = format4;
    const segCount = cmap.readUInt16BE(t + 6) / 2;
    const endCodes = t + 14;
    const startCodes = endCodes + 2 * segCount + 2;
    const idDeltas = startCodes + 2 * segCount;
    const idRangeOffsets = idDeltas + 2 * segCount;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let i = 0; i < segCount; i++) {
        if (cmap.readUInt16BE(endCodes + 2 * i) < cp) continue;
        const start = cmap.readUInt16BE(startCodes + 2 * i);
        if (start > cp) return 0;
        const delta = cmap.readUInt16BE(idDeltas + 2 * i);
        const rangeOffset = cmap.readUInt16BE(idRangeOffsets + 2 * i);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = cmap.readUInt16BE(idRangeOffsets + 2 * i + rangeOffset + 2 * (cp - start));
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error('font has no Unicode cmap');
}

/** Loads what subsetting needs from one face of a .ttf/.ttc; throws if it is not glyf-outlined. */
export function loadSubsettableFont(path: string, index = 0): SubsettableFont {
  const fd = fs.openSync(path, 'r');
  try {
    const directory = readTableDirectory(fd, index);
    const glyf = directory.get('glyf');
    const locaRecord = directory.get('loca');
    if (!glyf || !locaRecord) throw new Error(`${path}: not a TrueType-outlined font`);
    const tables = new Map<string, Buffer>();
    for (const tag of COPIED_TABLES) {
      const record = directory.get(tag);
      if (record) tables.set(tag, readRange(fd, record));
    }
    const head = tables.get('head');
    const maxp = tables.get('maxp');
    const cmap = tables.get('cmap');
    if (!head || !maxp || !cmap || !tables.has('hhea') || !tables.has('hmtx') || !tables.has('name')) {
      throw new Error(`${path}: required tables missing`);
    }
    const numGlyphs = maxp.readUInt16BE(4);
    const longLoca = head.readInt16BE(50) === 1;
    const locaBytes = readRange(fd, locaRecord);
    const loca = new Uint32Array(numGlyphs + 1);
    for (let i = 0; i <= numGlyphs; i++) {
      loca[i] = longLoca ? locaBytes.readUInt32BE(4 * i) : locaBytes.readUInt16BE(2 * i) * 2;
    }
    return { path, index, tables, glyfOffset: glyf.offset, loca, numGlyphs, lookup: cmapLookup(cmap) };
  } finally {
    fs.closeSync(fd);
  }
}

function checksum(data: Buffer): number {
  let sum = 0;
  const padded = data.length % 4 === 0 ? data : Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** A standalone .ttf holding the glyphs for `text` (and for printable ASCII). */
export function subsetFont(font: SubsettableFont, text: string): Buffer {
  const wanted = new Set<number>([0]);
  const addChar = (cp: number) => {
    const gid = font.lookup(cp);
    if (gid > 0 && gid < font.numGlyphs) wanted.add(gid);
  };
  for (let cp = 0x20; cp < 0x7f; cp++) addChar(cp);
  for (const ch of text) addChar(ch.codePointAt(0) ?? 0);

  const fd = fs.openSync(font.path, 'r');
  const glyphs = new Map<number, Buffer>();
  try {
    const queue = [...wanted];
    while (queue.length > 0) {
      const gid = queue.pop() as number;
      if (glyphs.has(gid)) continue;
      const start = font.loca[gid] ?? 0;
      const end = font.loca[gid + 1] ?? start;
      const data = Buffer.alloc(Math.max(0, end - start));
      if (data.length > 0) fs.readSync(fd, data, 0, data.length, font.glyfOffset + start);
      glyphs.set(gid, data);
      if (data.length >= 10 && data.readInt16BE(0) < 0) {
        // Composite glyph: keep its components too.
        let p = 10;
        for (;;) {
          const flags = data.readUInt16BE(p);
          const component = data.readUInt16BE(p + 2);
          if (component < font.numGlyphs && !glyphs.has(component)) queue.push(component);
          p += 4 + (flags & 0x0001 ? 4 : 2);
          if (flags & 0x0008) p += 2;
          else if (flags & 0x0040) p += 4;
          else if (flags & 0x0080) p += 8;
          if (!(flags & 0x0020) || p + 4 > data.length) break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }

  const loca = Buffer.alloc(4 * (font.numGlyphs + 1));
  const parts: Buffer[] = [];
  let offset = 0;
  for (let gid = 0; gid < font.numGlyphs; gid++) {
    loca.writeUInt32BE(offset, 4 * gid);
    const data = glyphs.get(gid);
    if (data && data.length > 0) {
      parts.push(data);
      offset += data.length;
      if (data.length % 4 !== 0) {
        const pad = 4 - (data.length % 4);
        parts.push(Buffer.alloc(pad));
        offset += pad;
      }
    }
  }
  loca.writeUInt32BE(offset, 4 * font.numGlyphs);

  const head = Buffer.from(font.tables.get('head') as Buffer);
  head.writeUInt32BE(0, 8); // checkSumAdjustment: not verified by renderers
  head.writeInt16BE(1, 50); // indexToLocFormat: long
  const out = new Map<string, Buffer>();
  for (const [tag, data] of font.tables) out.set(tag, data);
  out.set('head', head);
  const post = font.tables.get('post');
  if (post) {
    // Format 3: no glyph names (format 2 names are half a megabyte in CJK fonts).
    const post3 = Buffer.from(post.subarray(0, 32));
    post3.writeUInt32BE(0x00030000, 0);
    out.set('post', post3);
  }
  out.set('glyf', Buffer.concat(parts));
  out.set('loca', loca);
  return assembleSfnt(out);
}

function assembleSfnt(tables: Map<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const numTables = tags.length;
  let power = 1;
  let log2 = 0;
  while (power * 2 <= numTables) {
    power *= 2;
    log2++;
  }
  const header = Buffer.alloc(12 + 16 * numTables);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(log2, 8);
  header.writeUInt16BE(numTables * 16 - power * 16, 10);
  const body: Buffer[] = [];
  let offset = header.length;
  tags.forEach((tag, i) => {
    const data = tables.get(tag) as Buffer;
    const r = 12 + 16 * i;
    header.write(tag.padEnd(4, ' '), r, 4, 'latin1');
    header.writeUInt32BE(checksum(data), r + 4);
    header.writeUInt32BE(offset, r + 8);
    header.writeUInt32BE(data.length, r + 12);
    body.push(data);
    const pad = (4 - (data.length % 4)) % 4;
    if (pad) body.push(Buffer.alloc(pad));
    offset += data.length + pad;
  });
  return Buffer.concat([header, ...body]);
}

/** Well-known glyf-outlined CJK fonts, tried before asking fontconfig. */
const KNOWN_CJK_FONTS: { path: string; index: number }[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', index: 0 },
  { path: '/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc', index: 0 },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', index: 0 },
  { path: '/usr/share/fonts/wqy-microhei/wqy-microhei.ttc', index: 0 },
  { path: 'C:\\Windows\\Fonts\\simhei.ttf', index: 0 },
];

function fontconfigCandidates(): { path: string; index: number }[] {
  try {
    const out = execFileSync('fc-list', [':lang=zh', '--format', '%{file}|%{index}\\n'], {
      encoding: 'utf8',
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out
      .split('\n')
      .map((line) => line.split('|'))
      .filter(([path]) => path && /\.(ttf|ttc)$/i.test(path))
      .map(([path, index]) => ({ path: path as string, index: Number(index) || 0 }));
  } catch {
    return [];
  }
}

let cached: SubsettableFont | null | undefined;

/** The first installed CJK font that can be subset, or null (then render with system fonts). */
export function findSubsettableCjkFont(): SubsettableFont | null {
  if (cached !== undefined) return cached;
  cached = null;
  const usable = (candidates: { path: string; index: number }[]): SubsettableFont | null => {
    for (const candidate of candidates) {
      if (!fs.existsSync(candidate.path)) continue;
      try {
        const font = loadSubsettableFont(candidate.path, candidate.index);
        if (font.lookup(0x4e2d) !== 0) return font; // has 中: a CJK font
      } catch {
        // not usable (CFF outlines, damaged file): try the next one
      }
    }
    return null;
  };
  cached = usable(KNOWN_CJK_FONTS) ?? usable(fontconfigCandidates());
  return cached;
}
