import { isUtf8 } from 'node:buffer';
import { ResultType, Sniffer } from 'encoding-sniffer/sniffer';
import iconv from 'iconv-lite';

/**
 * Turning bytes into text, for fetched pages and feeds as for uploaded CSV
 * ledgers: one function, decodeText. Chinese outlets serve UTF-8, GBK/GB2312
 * and GB18030, declared in the Content-Type header, in a `<meta>` anywhere in
 * the head (often after kilobytes of scripts), or not at all — and sometimes
 * declared wrongly; Excel on Chinese Windows saves CSV as GB18030 without a
 * word. The order:
 *
 *  1. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE) wins outright;
 *  2. the Content-Type charset;
 *  3. with `markup` (pages, feeds): for HTML, `<meta charset>` or
 *     `<meta http-equiv content="…charset=…">` in the head (the first 64 KB,
 *     up to `</head>`, comments, scripts and styles skipped), then an XML
 *     declaration; for XML documents (feeds: `<?xml …?>` and no `<html>`)
 *     the XML declaration first, then meta;
 *  4. detection: valid UTF-8 → utf-8, otherwise GB18030.
 *
 * Labels are read as the WHATWG Encoding Standard reads them, and
 * declarations are found by the HTML standard's prescan — both by
 * encoding-sniffer (cheerio's own sniffer). Ours are only the region it
 * scans (the whole head, not its first 1024 bytes: Chinese portals put
 * kilobytes of scripts before the meta, and a `<meta>` inside a script or
 * comment does not count) and these rules on top:
 *  - the GBK family (gb2312, gbk, cp936…) decodes as GB18030, its superset;
 *  - iconv-lite's own names (cp936…) count where WHATWG has none;
 *  - the mislabelled rule: a declared legacy encoding (GBK, Big5,
 *    windows-1252…) is overruled when the bytes contain non-ASCII and are
 *    entirely valid UTF-8 — real GBK text is practically never valid UTF-8,
 *    while UTF-8 pages behind a stale `gb2312` meta are common. (Checking
 *    for replacement characters after decoding as GBK is not enough:
 *    GB18030 accepts almost any pair of high bytes, so UTF-8 Chinese often
 *    decodes as clean-looking mojibake.) Conversely, a declared UTF-8 is
 *    overruled by GB18030 when the bytes are not valid UTF-8 and decode as
 *    GB18030 without a single replacement character.
 * Unknown labels are ignored and the next step decides.
 */

export type EncodingSource = 'bom' | 'content-type' | 'meta' | 'xml-declaration' | 'detected' | 'mislabelled';

export interface DecodedText {
  text: string;
  /** The encoding the text was decoded from: utf-8, gb18030, utf-16le, big5, windows-1252… */
  encoding: string;
  /** How the encoding was chosen. */
  source: EncodingSource;
}

export interface DecodeOptions {
  /** A Content-Type header: its charset parameter is a declaration. */
  contentType?: string;
  /** Look for declarations in the markup (`<meta>`, XML declaration): pages and feeds, not CSV. Default true. */
  markup?: boolean;
}

/** The GBK family, by the names WHATWG and iconv-lite give it: decoded as GB18030, its superset. */
const GB_FAMILY = new Set(['gbk', 'gb18030', 'gb2312', 'cp936', 'ms936', 'windows-936', 'euc-cn', 'x-gbk']);

/** An encoding name (WHATWG's or iconv-lite's) as decodeText reports and decodes it, or null when it cannot decode it. */
function decodable(name: string): string | null {
  const n = name.toLowerCase();
  if (GB_FAMILY.has(n)) return 'gb18030';
  if (n === 'x-user-defined') return 'windows-1252'; // as browsers read it in a <meta>
  return n !== 'replacement' && iconv.encodingExists(n) ? n : null;
}

/**
 * The canonical name of an encoding label (what decodeText reports), or null
 * when the label is unknown or cannot be decoded.
 */
export function normaliseEncodingLabel(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label.trim().replace(/^["']|["']$/g, '').trim();
  if (!l) return null;
  const sniffer = new Sniffer({ transportLayerEncodingLabel: l });
  if (sniffer.resultType === ResultType.PASSED) return decodable(sniffer.encoding);
  return iconv.encodingExists(l) ? decodable(l) : null;
}

/** The charset parameter of a Content-Type header, as written. */
export function contentTypeCharset(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(contentType);
  if (!m) return null;
  return (m[2] ?? m[1]).trim() || null;
}

const SCAN_BYTES = 64 * 1024;

function head(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, SCAN_BYTES)).toString('latin1');
}

/** What the HTML prescan finds in `text` (latin1), if it is of the wanted kind. */
function prescan(text: string, kind: ResultType.META_TAG | ResultType.XML_ENCODING): string | null {
  const sniffer = new Sniffer({ maxBytes: SCAN_BYTES });
  sniffer.write(Buffer.from(text, 'latin1'));
  return sniffer.resultType === kind ? sniffer.encoding.toLowerCase() : null;
}

/**
 * The encoding a `<meta>` in the head declares (its WHATWG name, lower
 * case), or null. Scans the first 64 KB up to `</head>`, skipping comments,
 * scripts and styles.
 */
export function sniffMetaCharset(body: Uint8Array): string | null {
  let text = head(body)
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<script\b[\s\S]*?(<\/script\s*>|$)/gi, ' ')
    .replace(/<style\b[\s\S]*?(<\/style\s*>|$)/gi, ' ')
    .replace(/^\s*<\?xml\b[^>]*>/, ' '); // an XML declaration is not a meta
  const end = text.search(/<\/head\s*>|<body\b/i);
  if (end >= 0) text = text.slice(0, end);
  return prescan(text, ResultType.META_TAG);
}

/** The encoding an XML declaration (`<?xml version="1.0" encoding="gb2312"?>`) names (WHATWG name, lower case), or null. */
export function sniffXmlEncoding(body: Uint8Array): string | null {
  return prescan(head(body).slice(0, 512), ResultType.XML_ENCODING);
}

function looksLikeXmlDocument(body: Uint8Array): boolean {
  const text = head(body);
  return /^\s*<\?xml\b/.test(text) && !/<(!doctype\s+html|html)\b/i.test(text);
}

function bomEncoding(body: Uint8Array): { encoding: string; length: number } | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

function hasNonAscii(body: Uint8Array): boolean {
  for (let i = 0; i < body.length; i++) if (body[i] >= 0x80) return true;
  return false;
}

const utf8Decoder = new TextDecoder('utf-8');

function decodeAs(body: Uint8Array, encoding: string): string {
  if (encoding === 'utf-8') return utf8Decoder.decode(body);
  return iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.length), encoding);
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

const UNICODE = new Set(['utf-8', 'utf-16le', 'utf-16be']);

/** Apply the mislabelling rule to a declared encoding. */
function checkDeclared(body: Uint8Array, declared: string, source: EncodingSource): DecodedText {
  if (!UNICODE.has(declared) && hasNonAscii(body) && isUtf8(body)) {
    return { text: decodeAs(body, 'utf-8'), encoding: 'utf-8', source: 'mislabelled' };
  }
  if (declared === 'utf-8' && !isUtf8(body)) {
    const gb = decodeAs(body, 'gb18030');
    if (countReplacements(gb) === 0) return { text: gb, encoding: 'gb18030', source: 'mislabelled' };
  }
  return { text: decodeAs(body, declared), encoding: declared, source };
}

/** Decodes bytes to text; see the module comment for the order and the rules. */
export function decodeText(body: Uint8Array, options: DecodeOptions = {}): DecodedText {
  const bom = bomEncoding(body);
  if (bom) return { text: decodeAs(body.subarray(bom.length), bom.encoding), encoding: bom.encoding, source: 'bom' };

  const fromHeader = normaliseEncodingLabel(contentTypeCharset(options.contentType));
  if (fromHeader) return checkDeclared(body, fromHeader, 'content-type');

  if (options.markup ?? true) {
    const fromMeta = (): DecodedText | null => {
      let label = normaliseEncodingLabel(sniffMetaCharset(body));
      if (label === 'utf-16le' || label === 'utf-16be') label = 'utf-8';
      return label ? checkDeclared(body, label, 'meta') : null;
    };
    const fromXml = (): DecodedText | null => {
      const label = normaliseEncodingLabel(sniffXmlEncoding(body));
      return label ? checkDeclared(body, label, 'xml-declaration') : null;
    };
    const declared = looksLikeXmlDocument(body) ? (fromXml() ?? fromMeta()) : (fromMeta() ?? fromXml());
    if (declared) return declared;
  }

  if (isUtf8(body)) return { text: decodeAs(body, 'utf-8'), encoding: 'utf-8', source: 'detected' };
  return { text: decodeAs(body, 'gb18030'), encoding: 'gb18030', source: 'detected' };
}
