import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * Turning fetched bytes into text. Chinese outlets serve UTF-8, GBK/GB2312
 * and GB18030, declared in the Content-Type header, in a `<meta>` anywhere in
 * the head (often after kilobytes of scripts), or not at all — and sometimes
 * declared wrongly. The order:
 *
 *  1. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE) wins outright;
 *  2. the Content-Type charset;
 *  3. for HTML, `<meta charset>` or `<meta http-equiv content="…charset=…">`
 *     anywhere in the head (the first 64 KB are scanned as latin1 up to
 *     `</head>`, comments, scripts and styles skipped), then an XML
 *     declaration; for XML documents (feeds: `<?xml …?>` and no `<html>`)
 *     the XML declaration first, then meta;
 *  4. detection: valid UTF-8 → utf-8, otherwise GB18030.
 *
 * Labels: gb2312, gbk, x-gbk, gb_2312-80, cp936… decode as GB18030 (a
 * superset); iso-8859-1, latin1 and us-ascii as windows-1252 (as browsers
 * do); utf-16 in a `<meta>` means utf-8 (as browsers do). Unknown labels are
 * ignored and the next step decides.
 *
 * Mislabelled pages, the rule: a declared legacy encoding (GBK, Big5,
 * windows-1252…) is overruled when the bytes contain non-ASCII and are
 * entirely valid UTF-8 — real GBK text is practically never valid UTF-8,
 * while UTF-8 pages behind a stale `gb2312` meta are common. (Checking for
 * replacement characters after decoding as GBK is not enough: GB18030
 * accepts almost any pair of high bytes, so UTF-8 Chinese often decodes as
 * clean-looking mojibake.) Conversely, a declared UTF-8 is overruled by
 * GB18030 when the bytes are not valid UTF-8 and decode as GB18030 without a
 * single replacement character.
 */

export type EncodingSource = 'bom' | 'content-type' | 'meta' | 'xml-declaration' | 'detected' | 'mislabelled';

export interface DecodedBody {
  text: string;
  /** The encoding the text was decoded from: utf-8, gb18030, utf-16le, big5, windows-1252… */
  encoding: string;
  /** How the encoding was chosen. */
  source: EncodingSource;
}

const ALIASES: Record<string, string> = {};
function alias(target: string, labels: string[]): void {
  for (const l of labels) ALIASES[l] = target;
}
alias('utf-8', ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);
alias('gb18030', [
  'gb18030', 'gbk', 'gb2312', 'x-gbk', 'gb_2312-80', 'gb_2312', 'gb-2312', 'cp936', 'ms936', 'windows-936',
  'chinese', 'csgb2312', 'iso-ir-58', 'euc-cn', 'x-euc-cn', 'hz-gb-2312',
]);
alias('big5', ['big5', 'big5-hkscs', 'cn-big5', 'csbig5', 'x-x-big5']);
alias('windows-1252', [
  'windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'iso88591', 'latin1', 'l1',
  'cp819', 'ibm819', 'us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso-ir-100', 'csisolatin1', 'x-user-defined',
]);
alias('utf-16le', ['utf-16', 'utf-16le', 'unicode', 'ucs-2', 'csunicode', 'iso-10646-ucs-2', 'unicodefeff']);
alias('utf-16be', ['utf-16be', 'unicodefffe']);
alias('shift_jis', ['shift_jis', 'shift-jis', 'sjis', 'ms_kanji', 'x-sjis', 'windows-31j', 'csshiftjis', 'ms932']);
alias('euc-kr', ['euc-kr', 'ks_c_5601-1987', 'korean', 'windows-949', 'cseuckr']);

/**
 * The canonical name of an encoding label (what decodeBody reports), or null
 * when the label is unknown or cannot be decoded.
 */
export function normaliseEncodingLabel(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label.trim().replace(/^["']|["']$/g, '').trim().toLowerCase();
  if (!l) return null;
  if (ALIASES[l]) return ALIASES[l];
  return iconv.encodingExists(l) ? l : null;
}

/** The charset parameter of a Content-Type header, as written. */
export function contentTypeCharset(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(contentType);
  if (!m) return null;
  return (m[2] ?? m[1]).trim() || null;
}

const SCAN_BYTES = 64 * 1024;

function head(body: Buffer): string {
  return body.subarray(0, SCAN_BYTES).toString('latin1');
}

/**
 * The charset a `<meta>` in the head declares, as written, or null. Scans
 * the first 64 KB (latin1) up to `</head>`, skipping comments, scripts and
 * styles.
 */
export function sniffMetaCharset(body: Buffer): string | null {
  let text = head(body)
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<script\b[\s\S]*?(<\/script\s*>|$)/gi, ' ')
    .replace(/<style\b[\s\S]*?(<\/style\s*>|$)/gi, ' ');
  const end = text.search(/<\/head\s*>|<body\b/i);
  if (end >= 0) text = text.slice(0, end);
  const m = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(text);
  return m ? m[1] : null;
}

/** The encoding an XML declaration (`<?xml version="1.0" encoding="gb2312"?>`) names, or null. */
export function sniffXmlEncoding(body: Buffer): string | null {
  const m = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']/.exec(head(body).slice(0, 512));
  return m ? m[1] : null;
}

function looksLikeXmlDocument(body: Buffer): boolean {
  const text = head(body);
  return /^\s*<\?xml\b/.test(text) && !/<(!doctype\s+html|html)\b/i.test(text);
}

function bomEncoding(body: Buffer): { encoding: string; length: number } | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

function hasNonAscii(body: Buffer): boolean {
  for (let i = 0; i < body.length; i++) if (body[i] >= 0x80) return true;
  return false;
}

const utf8Decoder = new TextDecoder('utf-8');

function decodeAs(body: Buffer, encoding: string): string {
  if (encoding === 'utf-8') return utf8Decoder.decode(body);
  return iconv.decode(body, encoding);
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

const UNICODE = new Set(['utf-8', 'utf-16le', 'utf-16be']);

/** Apply the mislabelling rule to a declared encoding. */
function checkDeclared(body: Buffer, declared: string, source: EncodingSource): DecodedBody {
  if (!UNICODE.has(declared) && hasNonAscii(body) && isUtf8(body)) {
    return { text: decodeAs(body, 'utf-8'), encoding: 'utf-8', source: 'mislabelled' };
  }
  if (declared === 'utf-8' && !isUtf8(body)) {
    const gb = decodeAs(body, 'gb18030');
    if (countReplacements(gb) === 0) return { text: gb, encoding: 'gb18030', source: 'mislabelled' };
  }
  return { text: decodeAs(body, declared), encoding: declared, source };
}

/** Decode a fetched body; see the module comment for the order and the rules. */
export function decodeBody(body: Buffer, contentType?: string): DecodedBody {
  const bom = bomEncoding(body);
  if (bom) return { text: decodeAs(body.subarray(bom.length), bom.encoding), encoding: bom.encoding, source: 'bom' };

  const fromHeader = normaliseEncodingLabel(contentTypeCharset(contentType));
  if (fromHeader) return checkDeclared(body, fromHeader, 'content-type');

  const xmlFirst = looksLikeXmlDocument(body);
  const fromMeta = (): DecodedBody | null => {
    let label = normaliseEncodingLabel(sniffMetaCharset(body));
    if (label === 'utf-16le' || label === 'utf-16be') label = 'utf-8';
    return label ? checkDeclared(body, label, 'meta') : null;
  };
  const fromXml = (): DecodedBody | null => {
    const label = normaliseEncodingLabel(sniffXmlEncoding(body));
    return label ? checkDeclared(body, label, 'xml-declaration') : null;
  };
  const declared = xmlFirst ? (fromXml() ?? fromMeta()) : (fromMeta() ?? fromXml());
  if (declared) return declared;

  if (isUtf8(body)) return { text: decodeAs(body, 'utf-8'), encoding: 'utf-8', source: 'detected' };
  return { text: decodeAs(body, 'gb18030'), encoding: 'gb18030', source: 'detected' };
}
