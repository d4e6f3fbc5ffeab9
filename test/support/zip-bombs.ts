import { createDeflateRaw, crc32 } from 'node:zlib';

/**
 * Zip bombs shaped like .xlsx files, made in memory by the test (nothing
 * huge is committed): a few hundred KB that inflate to hundreds of MB.
 */

interface Entry {
  name: string;
  /** Deflated bytes. */
  data: Buffer;
  crc: number;
  /** Inflated size as the headers declare it (a lying bomb declares less than it holds). */
  declaredSize: number;
}

/** Deflates `total` bytes of a repeated chunk without holding them: the bomb's payload. */
async function deflateRepeated(chunk: Buffer, total: number): Promise<{ data: Buffer; crc: number }> {
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  for (let written = 0; written < total; written += chunk.length) {
    const piece = written + chunk.length <= total ? chunk : chunk.subarray(0, total - written);
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { data: Buffer.concat(parts), crc };
}

function small(name: string, text: string): Promise<Entry> {
  const bytes = Buffer.from(text, 'utf8');
  return deflateRepeated(bytes, bytes.length).then(({ data, crc }) => ({ name, data, crc, declaredSize: bytes.length }));
}

function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const ROW = Buffer.from('<row><c t="inlineStr"><is><t>大祥区融媒体中心上稿台账</t></is></c></row>'.repeat(1000), 'utf8');

/** An .xlsx whose sheet inflates to `bytes`, its headers honest about it. */
export async function honestBomb(bytes = 300 * 1024 * 1024): Promise<Buffer> {
  const sheet = await deflateRepeated(ROW, bytes);
  return zip([await small('[Content_Types].xml', CONTENT_TYPES), { name: 'xl/worksheets/sheet1.xml', ...sheet, declaredSize: bytes }]);
}

/** The same, its headers claiming the sheet is 1 KB (what a reader trusting them would let through). */
export async function lyingBomb(bytes = 300 * 1024 * 1024): Promise<Buffer> {
  const sheet = await deflateRepeated(ROW, bytes);
  return zip([await small('[Content_Types].xml', CONTENT_TYPES), { name: 'xl/worksheets/sheet1.xml', ...sheet, declaredSize: 1024 }]);
}

/** An .xlsx of `count` tiny entries (a central directory to choke a reader). */
export async function manyEntries(count = 20_000): Promise<Buffer> {
  const entry = await small('x', 'x');
  return zip([await small('[Content_Types].xml', CONTENT_TYPES), ...Array.from({ length: count }, (_, i) => ({ ...entry, name: `xl/media/${i}.xml` }))]);
}
