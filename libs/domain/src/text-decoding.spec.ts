import iconv from 'iconv-lite';
import { decodeText, normaliseEncodingLabel, sniffMetaCharset, type EncodingSource } from './text-decoding';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);

/** 中文 in GBK, written out so the test does not rely on the decoder's own encoder. */
const ZHONGWEN_GBK = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]);
/** 大祥区 in GBK. */
const DAXIANG_GBK = Buffer.from([0xb4, 0xf3, 0xcf, 0xe9, 0xc7, 0xf8]);
/** 𠀀 (U+20000) and 㐀 (U+3400) in GB18030: four-byte sequences GBK does not have. */
const GB18030_4BYTE = Buffer.from([0x95, 0x32, 0x82, 0x36, 0x81, 0x39, 0xee, 0x39]);

const scripts2k = `<script>var filler = "${'x'.repeat(2200)}"; /* <meta charset="utf-8"> in a script does not count */</script>`;

interface Case {
  name: string;
  body: Buffer;
  contentType?: string;
  text: string;
  encoding: string;
  source: EncodingSource;
}

const CASES: Case[] = [
  {
    name: 'UTF-8 without any declaration',
    body: utf8('<html><head><title>大祥区融媒体中心</title></head><body>新闻</body></html>'),
    text: '<html><head><title>大祥区融媒体中心</title></head><body>新闻</body></html>',
    encoding: 'utf-8',
    source: 'detected',
  },
  {
    name: 'UTF-8 with a BOM (BOM stripped, wins over a wrong header)',
    body: cat(Buffer.from([0xef, 0xbb, 0xbf]), utf8('<p>邵阳</p>')),
    contentType: 'text/html; charset=gbk',
    text: '<p>邵阳</p>',
    encoding: 'utf-8',
    source: 'bom',
  },
  {
    name: 'UTF-16LE with a BOM',
    body: cat(Buffer.from([0xff, 0xfe]), Buffer.from('<p>邵阳 𠀀</p>', 'utf16le')),
    text: '<p>邵阳 𠀀</p>',
    encoding: 'utf-16le',
    source: 'bom',
  },
  {
    name: 'UTF-16BE with a BOM',
    body: cat(Buffer.from([0xfe, 0xff]), Buffer.from('<p>邵阳</p>', 'utf16le').swap16()),
    text: '<p>邵阳</p>',
    encoding: 'utf-16be',
    source: 'bom',
  },
  {
    name: 'GBK declared by Content-Type',
    body: cat(latin1('<title>'), ZHONGWEN_GBK, latin1('</title>')),
    contentType: 'text/html; charset=GBK',
    text: '<title>中文</title>',
    encoding: 'gb18030',
    source: 'content-type',
  },
  {
    name: 'quoted gb2312 in Content-Type',
    body: cat(latin1('<p>'), DAXIANG_GBK, latin1('</p>')),
    contentType: 'text/html;charset="gb2312"',
    text: '<p>大祥区</p>',
    encoding: 'gb18030',
    source: 'content-type',
  },
  {
    name: 'GB2312 <meta charset> late in the head, after 2 KB of scripts',
    body: cat(latin1(`<html><head>${scripts2k}<!-- <meta charset="big5"> --><meta charset="gb2312"><title>`), DAXIANG_GBK, latin1('</title></head><body></body></html>')),
    text: `<html><head>${scripts2k}<!-- <meta charset="big5"> --><meta charset="gb2312"><title>大祥区</title></head><body></body></html>`,
    encoding: 'gb18030',
    source: 'meta',
  },
  {
    name: 'http-equiv Content-Type meta (attributes in any order)',
    body: cat(latin1(`<head>${scripts2k}<meta content="text/html; charset=x-gbk" http-equiv="Content-Type"></head><body>`), ZHONGWEN_GBK),
    text: `<head>${scripts2k}<meta content="text/html; charset=x-gbk" http-equiv="Content-Type"></head><body>中文`,
    encoding: 'gb18030',
    source: 'meta',
  },
  {
    name: 'GB18030 four-byte characters declared by meta',
    body: cat(latin1('<meta charset="gb18030"><p>'), GB18030_4BYTE, ZHONGWEN_GBK, latin1('</p>')),
    text: '<meta charset="gb18030"><p>𠀀㐀中文</p>',
    encoding: 'gb18030',
    source: 'meta',
  },
  {
    name: 'GB18030 four-byte characters without a declaration (detected)',
    body: cat(latin1('<p>'), GB18030_4BYTE, DAXIANG_GBK, latin1('</p>')),
    text: '<p>𠀀㐀大祥区</p>',
    encoding: 'gb18030',
    source: 'detected',
  },
  {
    name: 'a meta after </head> does not count',
    body: cat(latin1('<head><title>x</title></head><body><meta charset="big5">'), ZHONGWEN_GBK),
    text: '<head><title>x</title></head><body><meta charset="big5">中文',
    encoding: 'gb18030',
    source: 'detected',
  },
  {
    name: 'an unknown label falls back to detection',
    body: cat(latin1('<meta charset="x-klingon"><p>'), DAXIANG_GBK, latin1('</p>')),
    text: '<meta charset="x-klingon"><p>大祥区</p>',
    encoding: 'gb18030',
    source: 'detected',
  },
  {
    name: 'mislabelled: meta says gb2312, bytes are UTF-8 (and would decode as clean-looking GBK mojibake)',
    body: utf8('<meta charset="gb2312"><title>中文新闻</title>'),
    text: '<meta charset="gb2312"><title>中文新闻</title>',
    encoding: 'utf-8',
    source: 'mislabelled',
  },
  {
    name: 'mislabelled: Content-Type says gbk, bytes are UTF-8',
    body: utf8('<p>邵阳市大祥区</p>'),
    contentType: 'text/html; charset=gbk',
    text: '<p>邵阳市大祥区</p>',
    encoding: 'utf-8',
    source: 'mislabelled',
  },
  {
    name: 'mislabelled: meta says utf-8, bytes are GBK',
    body: cat(latin1('<meta charset="utf-8"><title>'), DAXIANG_GBK, ZHONGWEN_GBK, latin1('</title>')),
    text: '<meta charset="utf-8"><title>大祥区中文</title>',
    encoding: 'gb18030',
    source: 'mislabelled',
  },
  {
    name: 'the header wins over the meta',
    body: utf8('<meta charset="gbk"><p>中文</p>'),
    contentType: 'text/html; charset=utf-8',
    text: '<meta charset="gbk"><p>中文</p>',
    encoding: 'utf-8',
    source: 'content-type',
  },
  {
    name: 'an RSS feed declaring gb2312 in its XML declaration (a meta inside CDATA is ignored)',
    body: cat(latin1('<?xml version="1.0" encoding="gb2312"?><rss><channel><item><title>'), DAXIANG_GBK, latin1('</title><description><![CDATA[<meta charset="utf-8">]]></description></item></channel></rss>')),
    contentType: 'application/rss+xml',
    text: '<?xml version="1.0" encoding="gb2312"?><rss><channel><item><title>大祥区</title><description><![CDATA[<meta charset="utf-8">]]></description></item></channel></rss>',
    encoding: 'gb18030',
    source: 'xml-declaration',
  },
  {
    name: 'ISO-8859-1 decodes as windows-1252',
    body: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]),
    contentType: 'text/plain; charset=ISO-8859-1',
    text: 'café €',
    encoding: 'windows-1252',
    source: 'content-type',
  },
  {
    name: 'Big5 declared by Content-Type',
    body: iconv.encode('<p>臺灣</p>', 'big5'),
    contentType: 'text/html; charset=big5',
    text: '<p>臺灣</p>',
    encoding: 'big5',
    source: 'content-type',
  },
  {
    name: 'pure ASCII',
    body: latin1('<p>hello</p>'),
    text: '<p>hello</p>',
    encoding: 'utf-8',
    source: 'detected',
  },
];

describe('decodeText (pages and feeds)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(decodeText(c.body, { contentType: c.contentType })).toEqual({ text: c.text, encoding: c.encoding, source: c.source });
  });

  it('finds a meta charset beyond the first 1024 bytes, where cheerio stops looking', () => {
    const page = cat(latin1(`<html><head>${'<link rel="x">'.repeat(400)}<meta charset="gbk"><title>`), ZHONGWEN_GBK, latin1('</title></head>'));
    expect(page.indexOf('charset')).toBeGreaterThan(1024);
    expect(sniffMetaCharset(page)).toBe('gbk');
    expect(decodeText(page).text).toContain('<title>中文</title>');
  });

  it('overrules a gb2312 label on UTF-8 bytes even when GBK decoding shows no replacement character', () => {
    const body = utf8('<meta charset="gb2312"><title>中文新闻</title>');
    const asGbk = iconv.decode(body, 'gb18030');
    expect(asGbk).not.toContain('\ufffd'); // mojibake that looks clean: "replacement chars" alone would miss it
    expect(asGbk).not.toContain('中文');
    expect(decodeText(body).text).toContain('中文新闻');
  });

  it('normalises labels: the gb2312 family decodes as GB18030', () => {
    for (const label of ['gb2312', 'GBK', 'x-gbk', 'gb_2312-80', 'cp936', 'GB18030', ' "gb2312" ']) {
      expect(normaliseEncodingLabel(label)).toBe('gb18030');
    }
    expect(normaliseEncodingLabel('UTF8')).toBe('utf-8');
    expect(normaliseEncodingLabel('latin1')).toBe('windows-1252');
    expect(normaliseEncodingLabel('x-klingon')).toBeNull();
    expect(normaliseEncodingLabel('')).toBeNull();
  });
});

describe('decodeText without markup (CSV ledgers)', () => {
  const csv = (s: string) => Buffer.from(s, 'utf8');

  it('reads UTF-8, with or without a BOM', () => {
    expect(decodeText(csv('刊发日期,标题\n2021-05-12,大祥区\n'), { markup: false })).toEqual({ text: '刊发日期,标题\n2021-05-12,大祥区\n', encoding: 'utf-8', source: 'detected' });
    expect(decodeText(cat(Buffer.from([0xef, 0xbb, 0xbf]), csv('标题\n')), { markup: false })).toEqual({ text: '标题\n', encoding: 'utf-8', source: 'bom' });
  });

  it('reads UTF-16 with a BOM (Excel’s “Unicode text”)', () => {
    const le = cat(Buffer.from([0xff, 0xfe]), Buffer.from('标题\t媒体\n', 'utf16le'));
    expect(decodeText(le, { markup: false })).toMatchObject({ text: '标题\t媒体\n', encoding: 'utf-16le' });
  });

  it('reads what Excel on Chinese Windows saves (GB18030, no BOM, no declaration)', () => {
    const gbk = cat(latin1('"'), DAXIANG_GBK, latin1('",2021-05-12\n'));
    expect(decodeText(gbk, { markup: false })).toEqual({ text: '"大祥区",2021-05-12\n', encoding: 'gb18030', source: 'detected' });
  });

  it('never takes text in a cell for a declaration', () => {
    const body = cat(latin1('note\n<meta charset="big5">'), DAXIANG_GBK, latin1('\n'));
    expect(decodeText(body, { markup: false }).text).toBe('note\n<meta charset="big5">大祥区\n');
    expect(decodeText(body).encoding).toBe('big5'); // as a page, the meta would count
  });
});
