import fs from 'node:fs';
import { collectionFace, fontSubsetter } from './font-subset';

/**
 * The chart font subset through HarfBuzz works for TrueType (glyf) and
 * OpenType/CFF collections alike. The fonts are the ones CI installs
 * (fonts-wqy-zenhei, fonts-noto-cjk); a missing one fails the test.
 */
const FONTS = [
  { name: 'WenQuanYi Zen Hei (TrueType collection)', path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', index: 0, signature: 0x00010000 },
  { name: 'Noto Sans CJK SC (CFF collection, face 2)', path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', index: 2, signature: 0x4f54544f },
];

/** Code point → glyph id from a font's format 4 or 12 Unicode cmap. */
function glyphOf(font: Buffer, cp: number): number {
  const numTables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) if (font.toString('latin1', 12 + 16 * i, 16 + 16 * i) === 'cmap') cmap = font.readUInt32BE(20 + 16 * i);
  const count = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < count; i++) {
    const sub = cmap + font.readUInt32BE(cmap + 8 + 8 * i);
    const format = font.readUInt16BE(sub);
    if (format === 12) {
      for (let g = 0; g < font.readUInt32BE(sub + 12); g++) {
        const at = sub + 16 + 12 * g;
        const [start, end] = [font.readUInt32BE(at), font.readUInt32BE(at + 4)];
        if (cp >= start && cp <= end) return font.readUInt32BE(at + 8) + cp - start;
      }
    } else if (format === 4) {
      const segs = font.readUInt16BE(sub + 6) / 2;
      for (let s = 0; s < segs; s++) {
        const end = font.readUInt16BE(sub + 14 + 2 * s);
        const start = font.readUInt16BE(sub + 16 + 2 * segs + 2 * s);
        if (cp < start || cp > end) continue;
        const delta = font.readUInt16BE(sub + 16 + 4 * segs + 2 * s);
        const rangeAt = sub + 16 + 6 * segs + 2 * s;
        const range = font.readUInt16BE(rangeAt);
        if (range === 0) return (cp + delta) & 0xffff;
        const g = font.readUInt16BE(rangeAt + range + 2 * (cp - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
    }
  }
  return 0;
}

describe.each(FONTS)('fontSubsetter: $name', (f) => {
  it('keeps exactly the chart text and ASCII, in a font a fraction of the size', async () => {
    const face = collectionFace(fs.readFileSync(f.path), f.index);
    expect(face.readUInt32BE(0)).toBe(f.signature);
    expect(glyphOf(face, 0x7ea7)).toBeGreaterThan(0); // 级
    const subset = (await fontSubsetter()).subset({ path: f.path, index: f.index, face }, '中央级媒体上稿数（篇）');
    expect(subset.readUInt32BE(0)).toBe(f.signature);
    expect(subset.length).toBeLessThan(face.length / 50);
    for (const ch of '中央级媒体（A1') expect(glyphOf(subset, ch.codePointAt(0)!)).toBeGreaterThan(0);
    expect(glyphOf(subset, '省'.codePointAt(0)!)).toBe(0);
  });
});
