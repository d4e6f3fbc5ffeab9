import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { CellValue, Workbook } from 'exceljs';
import { buildValidLedgerXlsx } from '../../../../test/fixtures/ledgers/make-xlsx';
import { gridCellOf } from './xlsx';
import {
  dateFromExcelSerial,
  detectLedgerFormat,
  fieldOfHeader,
  formatLedgerErrors,
  LedgerRowError,
  ledgerErrorsCsv,
  normaliseDateText,
  ParsedLedger,
  readLedger,
  translateFieldError,
  validateLedgerRows,
} from '.';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'ledgers');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const BOM = '\ufeff';
const readCsv = (text: string) => readLedger(utf8(text), 'csv');

/** The input objects by row number, for compact assertions. */
const inputs = (p: ParsedLedger) => Object.fromEntries(p.rows.map((r) => [r.row, r.input]));

// ---------------------------------------------------------------------------
// A small GB18030 encoder for fixtures: TextEncoder only does UTF-8, so the
// table is built by decoding every two-byte GBK code once.
let gbTable: Map<string, number[]> | null = null;
function encodeGb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(a, b));
        if (ch.length === 1 && ch !== '\ufffd' && !gbTable.has(ch)) gbTable.set(ch, [a, b]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const gb = gbTable.get(ch);
      if (!gb) throw new Error(`no two-byte GB18030 code for ${ch}`);
      bytes.push(...gb);
    }
  }
  return Buffer.from(bytes);
}

// ---------------------------------------------------------------------------
// xlsx built in the test: rows of cell values, the header in row 1 unless
// told otherwise.
async function xlsx(
  rows: (CellValue[] | null)[],
  setup?: (wb: Workbook) => void,
): Promise<Buffer> {
  const wb = new Workbook();
  const ws = wb.addWorksheet('台账');
  rows.forEach((values, i) => {
    if (values) ws.getRow(i + 1).values = values;
  });
  setup?.(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('detectLedgerFormat', () => {
  const PK = Buffer.from('PK\x03\x04rest-of-zip', 'latin1');
  const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

  it.each([
    ['台账.csv', 'csv'],
    ['LEDGER.CSV', 'csv'],
    ['export.tsv', 'csv'],
    ['export.txt', 'csv'],
    ['2021上稿台账.xlsx', 'xlsx'],
    ['macro.XLSM', 'xlsx'],
    ['old.xls', null],
    ['ledger', null],
    ['ledger.pdf', null],
    ['', null],
  ])('%s → %s by extension', (name, expected) => {
    expect(detectLedgerFormat(name)).toBe(expected);
  });

  it('recognises xlsx by its zip magic whatever the name', () => {
    expect(detectLedgerFormat('upload', PK)).toBe('xlsx');
    expect(detectLedgerFormat('ledger.csv', PK)).toBe('xlsx');
    expect(detectLedgerFormat('ledger.bin', PK)).toBe('xlsx');
  });

  it('refuses old binary .xls by its magic', () => {
    expect(detectLedgerFormat('ledger.xlsx', OLE)).toBeNull();
  });

  it('falls back to the extension when the head is text or too short', () => {
    expect(detectLedgerFormat('ledger.csv', utf8('刊发日期,标题'))).toBe('csv');
    expect(detectLedgerFormat('ledger.xlsx', Buffer.from('PK'))).toBe('xlsx');
  });
});

describe('header mapping', () => {
  it.each([
    ['刊发日期', 'publishedOn'],
    ['发布日期', 'publishedOn'],
    ['日期', 'publishedOn'],
    ['刊发时间', 'publishedOn'],
    ['publishedOn', 'publishedOn'],
    ['date', 'publishedOn'],
    ['标题', 'title'],
    ['稿件标题', 'title'],
    ['题目', 'title'],
    ['title', 'title'],
    ['媒体', 'channel'],
    ['媒体名称', 'channel'],
    ['刊发媒体', 'channel'],
    ['平台', 'channel'],
    ['渠道', 'channel'],
    ['channel', 'channel'],
    ['版面栏目', 'section'],
    ['版面', 'section'],
    ['栏目', 'section'],
    ['section', 'section'],
    ['位置', 'prominence'],
    ['版位', 'prominence'],
    ['prominence', 'prominence'],
    ['体裁', 'genre'],
    ['稿件类型', 'genre'],
    ['genre', 'genre'],
    ['作者', 'authors'],
    ['记者', 'authors'],
    ['authors', 'authors'],
    ['author', 'authors'],
    ['链接', 'url'],
    ['网址', 'url'],
    ['url', 'url'],
    ['link', 'url'],
    ['备注', 'note'],
    ['note', 'note'],
  ])('%s → %s', (header, field) => {
    expect(fieldOfHeader(header)).toBe(field);
  });

  it.each([
    ['  Title  ', 'title'],
    ['TITLE', 'title'],
    ['ＴＩＴＬＥ', 'title'], // full-width
    ['PublishedOn', 'publishedOn'],
    ['published_on', 'publishedOn'],
    ['Published On', 'publishedOn'],
    ['版面/栏目', 'section'],
    ['版面、栏目', 'section'],
    ['刊发日期（必填）', 'publishedOn'],
    ['标题*', 'title'],
    ['标题 / Title', 'title'],
    ['刊发日期\npublishedOn', 'publishedOn'],
    ['\u200b标题', 'title'],
    ['ＵＲＬ', 'url'],
  ])('folds %j → %s', (header, field) => {
    expect(fieldOfHeader(header)).toBe(field);
  });

  it.each(['序号', 'No.', 'NO', '审核人', '字数', '', '日期 / 标题'])('ignores %j', (header) => {
    expect(fieldOfHeader(header)).toBeNull();
  });
});

describe('normaliseDateText', () => {
  it.each([
    ['2021-03-05', '2021-03-05'],
    ['2021-3-5', '2021-03-05'],
    ['2021/3/5', '2021-03-05'],
    ['2021/03/05', '2021-03-05'],
    ['2021.3.5', '2021-03-05'],
    ['2021年3月5日', '2021-03-05'],
    ['2021年03月05日', '2021-03-05'],
    ['2021 年 3 月 5 日', '2021-03-05'],
    ['20210305', '2021-03-05'],
    ['２０２１－０３－０５', '2021-03-05'], // full-width
    ['２０２１年３月５日', '2021-03-05'],
    ['  2021/12/31  ', '2021-12-31'],
    ['2021-03-05 10:30', '2021-03-05'],
    ['2021/3/5 9:05:00', '2021-03-05'],
    ['2021-03-05T23:59:59.000Z', '2021-03-05'],
    ['2020-02-29', '2020-02-29'],
  ])('%j → %s', (raw, iso) => {
    expect(normaliseDateText(raw)).toBe(iso);
  });

  it.each([
    ['2021-02-30', '2021-02-30'],
    ['2021/2/30', '2021/2/30'],
    ['2021年13月1日', '2021年13月1日'],
    ['20210230', '20210230'],
    ['2021-02-29', '2021-02-29'],
    [' 昨天 ', '昨天'],
    ['21-3-5', '21-3-5'],
    ['3/5/2021', '3/5/2021'],
    ['2021-03-05 下午', '2021-03-05 下午'],
  ])('leaves %j as written (%j) for the schema to reject', (raw, written) => {
    expect(normaliseDateText(raw)).toBe(written);
  });

  it.each([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [44197, '2021-01-01'],
    [44260, '2021-03-05'],
    [44260.99, '2021-03-05'],
    [44552, '2021-12-22'],
  ])('Excel serial %d → %s', (serial, iso) => {
    expect(dateFromExcelSerial(serial)).toBe(iso);
  });

  it('handles the 1904 date system and out-of-range serials', () => {
    expect(dateFromExcelSerial(42798, true)).toBe('2021-03-05');
    expect(dateFromExcelSerial(60)).toBeNull();
    expect(dateFromExcelSerial(0)).toBeNull();
    expect(dateFromExcelSerial(-3)).toBeNull();
    expect(dateFromExcelSerial(3_000_000)).toBeNull();
    expect(dateFromExcelSerial(Number.NaN)).toBeNull();
  });
});

describe('readLedger (CSV)', () => {
  it('reads Chinese headers, numbers rows as a spreadsheet does and omits empty cells', async () => {
    const p = await readCsv(
      [
        '序号,刊发日期,标题,媒体,版面栏目,位置,体裁,作者,链接,备注',
        '1,2021-03-05,大祥区推进城市更新项目建设,湖南日报,市州头条,头条,通讯,李明、王芳,,',
        '2,2021/4/12,大祥区开展实践活动,学习强国湖南学习平台,,,,,https://www.xuexi.cn/a.html,',
      ].join('\n'),
    );
    expect(p.errors).toEqual([]);
    expect(p.headerRow).toBe(1);
    expect(p.ignoredColumns).toEqual(['序号']);
    expect(p.columns).toEqual({
      publishedOn: '刊发日期',
      title: '标题',
      channel: '媒体',
      section: '版面栏目',
      prominence: '位置',
      genre: '体裁',
      authors: '作者',
      url: '链接',
      note: '备注',
    });
    expect(p.rows).toEqual([
      {
        row: 2,
        input: {
          publishedOn: '2021-03-05',
          title: '大祥区推进城市更新项目建设',
          channel: '湖南日报',
          section: '市州头条',
          prominence: '头条',
          genre: '通讯',
          authors: '李明、王芳',
        },
      },
      {
        row: 3,
        input: {
          publishedOn: '2021-04-12',
          title: '大祥区开展实践活动',
          channel: '学习强国湖南学习平台',
          url: 'https://www.xuexi.cn/a.html',
        },
      },
    ]);
  });

  it('reads English headers in any case and order', async () => {
    const p = await readCsv(
      'Title,Channel,Date,URL,Genre,Authors,Note,Section,Prominence\r\n' +
        'Daxiang opens a library,红网大祥站,2021-05-01,https://dx.rednet.cn/x.html,news,Zhou Jie,n1,要闻,headline\r\n',
    );
    expect(p.errors).toEqual([]);
    expect(p.columns.publishedOn).toBe('Date');
    expect(p.rows).toEqual([
      {
        row: 2,
        input: {
          publishedOn: '2021-05-01',
          title: 'Daxiang opens a library',
          channel: '红网大祥站',
          section: '要闻',
          prominence: 'headline',
          genre: 'news',
          authors: 'Zhou Jie',
          url: 'https://dx.rednet.cn/x.html',
          note: 'n1',
        },
      },
    ]);
  });

  it('strips a UTF-8 BOM so the first header still matches', async () => {
    const p = await readCsv(BOM + '刊发日期,标题,媒体\n2021-03-05,标题一,邵阳日报\n');
    expect(p.errors).toEqual([]);
    expect(p.columns.publishedOn).toBe('刊发日期');
    expect(inputs(p)).toEqual({ 2: { publishedOn: '2021-03-05', title: '标题一', channel: '邵阳日报' } });
  });

  it('decodes GB18030 (Excel on Chinese Windows) when the bytes are not UTF-8', async () => {
    const text = '刊发日期,标题,媒体,作者\r\n2021年7月20日,大祥区：防汛救灾党员冲在一线,湖南新闻联播,陈刚、赵丽\r\n';
    const bytes = encodeGb18030(text);
    expect(bytes.equals(utf8(text))).toBe(false);
    const p = await readLedger(bytes, 'csv');
    expect(p.errors).toEqual([]);
    expect(p.rows).toEqual([
      {
        row: 2,
        input: {
          publishedOn: '2021-07-20',
          title: '大祥区：防汛救灾党员冲在一线',
          channel: '湖南新闻联播',
          authors: '陈刚、赵丽',
        },
      },
    ]);
  });

  it('reads the committed GB18030 fixture like its UTF-8 twin', async () => {
    const gbk = fixture('valid-gbk.csv');
    expect(gbk.equals(encodeGb18030(fixture('valid.csv').toString('utf8')))).toBe(true);
    expect(await readLedger(gbk, 'csv')).toEqual(await readLedger(fixture('valid.csv'), 'csv'));
  });

  it('reads UTF-16 with a BOM and tab-separated exports (Excel “Unicode text”)', async () => {
    const text = '刊发日期\t标题\t媒体\r\n2021-03-05\t标题, 带逗号\t邵阳日报\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const p = await readLedger(le, 'csv');
    expect(p.errors).toEqual([]);
    expect(inputs(p)).toEqual({ 2: { publishedOn: '2021-03-05', title: '标题, 带逗号', channel: '邵阳日报' } });
    expect(await readLedger(utf8(text), 'csv')).toEqual(p);
  });

  it('skips blank rows silently but keeps the row numbers of those after them', async () => {
    const p = await readCsv(
      ['日期,标题,媒体', '2021-03-05,一,邵阳日报', '', ',,', '  ,  ,  ', '2021-03-06,二,邵阳日报', '', ''].join('\n'),
    );
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => r.row)).toEqual([2, 6]);
  });

  it('treats a row with only ignored columns filled (a pre-numbered 序号) as blank', async () => {
    const p = await readCsv('序号,日期,标题,媒体\n1,2021-03-05,一,邵阳日报\n2,,,\n3,,,\n');
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => r.row)).toEqual([2]);
  });

  it('counts a quoted line break as one row, as Excel shows it', async () => {
    const p = await readCsv('日期,标题,媒体,备注\n2021-03-05,"第一行\n第二行",邵阳日报,"备注\n两行"\n2021-03-06,二,邵阳日报,\n');
    expect(p.rows.map((r) => r.row)).toEqual([2, 3]);
    // A title keeps one line; a note keeps its line break.
    expect(p.rows[0].input).toMatchObject({ title: '第一行 第二行', note: '备注\n两行' });
  });

  it('relaxes the column count and trims cells', async () => {
    const p = await readCsv('日期,标题,媒体,作者\n 2021-03-05 ,  标题一  , 邵阳日报\n2021-03-06,标题二,邵阳日报,张伟,多余,多余\n');
    expect(p.errors).toEqual([]);
    expect(inputs(p)).toEqual({
      2: { publishedOn: '2021-03-05', title: '标题一', channel: '邵阳日报' },
      3: { publishedOn: '2021-03-06', title: '标题二', channel: '邵阳日报', authors: '张伟' },
    });
  });

  it('tolerates stray quotes inside a cell', async () => {
    const p = await readCsv('日期,标题,媒体\n2021-03-05,他说"好"就是好,邵阳日报\n');
    expect(p.errors).toEqual([]);
    expect(p.rows[0].input.title).toBe('他说"好"就是好');
  });

  it('normalises every accepted date form and leaves impossible dates as written', async () => {
    const p = await readCsv(
      [
        '刊发日期,标题,媒体',
        '2021-03-05,a,邵阳日报',
        '2021/3/6,b,邵阳日报',
        '2021.3.7,c,邵阳日报',
        '2021年3月8日,d,邵阳日报',
        '20210309,e,邵阳日报',
        '2021-02-30,f,邵阳日报',
        '三月十日,g,邵阳日报',
      ].join('\n'),
    );
    expect(p.rows.map((r) => r.input.publishedOn)).toEqual([
      '2021-03-05',
      '2021-03-06',
      '2021-03-07',
      '2021-03-08',
      '2021-03-09',
      '2021-02-30',
      '三月十日',
    ]);
  });

  it('ignores unknown columns and prefers the more specific of two headers for one field', async () => {
    const p = await readCsv('平台,审核人,媒体,字数,日期,标题\n人民号,老王,人民日报,800,2021-03-05,标题一\n');
    expect(p.errors).toEqual([]);
    expect(p.columns.channel).toBe('媒体');
    expect(p.ignoredColumns).toEqual(['平台', '审核人', '字数']);
    expect(p.rows[0].input).toEqual({ publishedOn: '2021-03-05', title: '标题一', channel: '人民日报' });
  });

  it('finds the header below a title row and keeps file row numbers', async () => {
    const p = await readCsv('大祥区融媒体中心2021年上稿台账,,\n,,\n刊发日期,标题,媒体\n2021-03-05,标题一,邵阳日报\n');
    expect(p.errors).toEqual([]);
    expect(p.headerRow).toBe(3);
    expect(p.rows).toEqual([{ row: 4, input: { publishedOn: '2021-03-05', title: '标题一', channel: '邵阳日报' } }]);
  });

  it('reports each missing required column in Chinese at row 0 and returns no rows', async () => {
    const p = await readCsv('日期,作者,链接\n2021-03-05,张伟,https://a.cn/\n');
    expect(p.rows).toEqual([]);
    expect(p.errors).toEqual([
      { row: 0, field: 'title', column: '标题', reason: '缺少必需列「标题」(title)' },
      { row: 0, field: 'channel', column: '媒体', reason: '缺少必需列「媒体」(channel)' },
    ]);
  });

  it('reports all three required columns for a file with no known header', async () => {
    const p = await readCsv('a,b,c\n1,2,3\n');
    expect(p.rows).toEqual([]);
    expect(p.errors.map((e) => e.reason)).toEqual([
      '缺少必需列「刊发日期」(publishedOn)',
      '缺少必需列「标题」(title)',
      '缺少必需列「媒体」(channel)',
    ]);
  });

  it('reports an empty file, a header without data and an unclosed quote as file errors', async () => {
    const empty = await readLedger(Buffer.alloc(0), 'csv');
    expect(empty.errors).toEqual([{ row: 0, field: '', column: '', reason: '文件是空的' }]);

    const blank = await readCsv('\n\n,,\n');
    expect(blank.rows).toEqual([]);
    expect(blank.errors[0].reason).toBe('文件是空的，没有找到表头和数据');

    const headerOnly = await readCsv('刊发日期,标题,媒体\n,,\n');
    expect(headerOnly.rows).toEqual([]);
    expect(headerOnly.errors).toEqual([{ row: 0, field: '', column: '', reason: '文件中没有数据行（表头下方是空的）' }]);

    const unclosed = await readCsv('刊发日期,标题,媒体\n2021-03-05,"没有闭合,邵阳日报\n');
    expect(unclosed.rows).toEqual([]);
    expect(unclosed.errors).toHaveLength(1);
    expect(unclosed.errors[0]).toMatchObject({ row: 0, field: '' });
    expect(unclosed.errors[0].reason).toMatch(/^CSV 文件格式错误（第\d+行附近）：引号没有闭合$/);
  });

  it('refuses an xlsx file sent as CSV instead of reading zip bytes as text', async () => {
    const p = await readLedger(await xlsx([['日期', '标题', '媒体']]), 'csv');
    expect(p.rows).toEqual([]);
    expect(p.errors[0].reason).toContain('xlsx');
  });

  it('strips zero-width characters at the edges of cells', async () => {
    const p = await readCsv('日期,标题,媒体\n2021-03-05,\u200b标题一\u200b,\ufeff邵阳日报\n');
    expect(p.rows[0].input).toEqual({ publishedOn: '2021-03-05', title: '标题一', channel: '邵阳日报' });
  });

  it('reads the committed valid.csv fixture: 5 rows from the catalog', async () => {
    const p = await readLedger(fixture('valid.csv'), 'csv');
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6]);
    expect(p.rows.map((r) => r.input.channel)).toEqual([
      '湖南日报',
      '学习强国湖南学习平台',
      '邵阳日报',
      '湖南新闻联播',
      '红网大祥站',
    ]);
    expect(p.rows.map((r) => r.input.publishedOn)).toEqual([
      '2021-03-05',
      '2021-04-12',
      '2021-06-01',
      '2021-07-20',
      '2021-11-01',
    ]);
    expect(p.rows[3].input).toMatchObject({ title: '大祥区：防汛救灾,党员冲在一线', authors: '陈刚,赵丽', note: '湖南卫视播出' });
  });

  it('keeps fixture channels to names the catalog knows', () => {
    const catalog = JSON.parse(
      readFileSync(path.resolve(__dirname, '..', 'catalog', 'catalog.json'), 'utf8'),
    ) as { channels: { name: string; aliases?: string[] }[] };
    const known = new Set(catalog.channels.flatMap((c) => [c.name, ...(c.aliases ?? [])]));
    for (const name of ['valid.csv', 'mixed.csv']) {
      const rows = parse(fixture(name), { bom: true, columns: true, relax_column_count: true }) as Record<string, string>[];
      for (const r of rows) if (r['媒体']) expect(known).toContain(r['媒体']);
    }
  });
});

describe('readLedger (xlsx)', () => {
  const HEAD = ['序号', '刊发日期', '标题', '媒体', '链接'];

  it('reads date cells, date-times and serial numbers as the calendar date the sheet shows', async () => {
    const buf = await xlsx(
      [
        HEAD,
        [1, new Date(Date.UTC(2021, 2, 5)), 'a', '邵阳日报'],
        [2, new Date(Date.UTC(2021, 2, 5, 23, 30)), 'b', '邵阳日报'], // late evening stays the same day
        [3, new Date(Date.UTC(2021, 2, 6, 0, 15)), 'c', '邵阳日报'], // just after midnight
        [4, 44260, 'd', '邵阳日报'], // serial typed as a plain number
        [5, 44260.5, 'e', '邵阳日报'],
        [6, 20210307, 'f', '邵阳日报'], // YYYYMMDD typed as a number
        [7, '2021年3月8日', 'g', '邵阳日报'],
        [8, '2021-02-30', 'h', '邵阳日报'],
        [9, 20210230, 'i', '邵阳日报'],
        [10, 12, 'j', '邵阳日报'], // not a date: left for the schema to reject
      ],
      (wb) => {
        wb.worksheets[0].getCell('B3').numFmt = 'yyyy-mm-dd hh:mm';
      },
    );
    const p = await readLedger(buf, 'xlsx');
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => [r.row, r.input.publishedOn])).toEqual([
      [2, '2021-03-05'],
      [3, '2021-03-05'],
      [4, '2021-03-06'],
      [5, '2021-03-05'],
      [6, '2021-03-05'],
      [7, '2021-03-07'],
      [8, '2021-03-08'],
      [9, '2021-02-30'],
      [10, '20210230'],
      [11, '12'],
    ]);
    const { errors } = validateLedgerRows(p.rows, p.columns);
    expect(errors.map((e) => [e.row, e.reason])).toEqual([
      [9, '刊发日期不是有效日期（应为 YYYY-MM-DD）'],
      [10, '刊发日期不是有效日期（应为 YYYY-MM-DD）'],
      [11, '刊发日期不是有效日期（应为 YYYY-MM-DD）'],
    ]);
  });

  it('honours the 1904 date system for serial numbers', async () => {
    const buf = await xlsx([HEAD, [1, 42798, 'a', '邵阳日报']], (wb) => {
      wb.properties.date1904 = true;
    });
    const p = await readLedger(buf, 'xlsx');
    expect(p.rows[0].input.publishedOn).toBe('2021-03-05');
  });

  it('takes a hyperlink’s text for the title and its target for the link', async () => {
    const buf = await xlsx([
      HEAD,
      [1, '2021-03-05', { text: '带链接的标题', hyperlink: 'https://a.cn/1.html' }, '邵阳日报', null],
      [2, '2021-03-05', '标题二', '邵阳日报', { text: '点击查看', hyperlink: 'https://b.cn/2.html' }],
      [3, '2021-03-05', { text: '标题三', hyperlink: 'https://c.cn/title.html' }, '邵阳日报', 'https://c.cn/link.html'],
      [4, '2021-03-05', { text: '标题四', hyperlink: 'mailto:ed@dx.cn' }, '邵阳日报', { text: 'https://d.cn/4.html', hyperlink: '#Sheet2!A1' }],
      [5, '2021-03-05', { text: { richText: [{ text: '富文本' }, { text: '链接' }] }, hyperlink: 'https://e.cn/5' } as unknown as CellValue, '邵阳日报'],
    ]);
    const p = await readLedger(buf, 'xlsx');
    expect(p.errors).toEqual([]);
    expect(inputs(p)).toEqual({
      // No link cell: the hyperlinked title carries the link.
      2: { publishedOn: '2021-03-05', title: '带链接的标题', channel: '邵阳日报', url: 'https://a.cn/1.html' },
      // A link cell that is a hyperlink: its target, not its text.
      3: { publishedOn: '2021-03-05', title: '标题二', channel: '邵阳日报', url: 'https://b.cn/2.html' },
      // The link column wins over the title's hyperlink.
      4: { publishedOn: '2021-03-05', title: '标题三', channel: '邵阳日报', url: 'https://c.cn/link.html' },
      // Non-web targets are not links: a mailto title adds none, an in-sheet target falls back to the text.
      5: { publishedOn: '2021-03-05', title: '标题四', channel: '邵阳日报', url: 'https://d.cn/4.html' },
      6: { publishedOn: '2021-03-05', title: '富文本链接', channel: '邵阳日报', url: 'https://e.cn/5' },
    });
  });

  it('joins rich text, takes formula results and turns numbers and booleans into strings', async () => {
    const buf = await xlsx([
      ['刊发日期', '标题', '媒体', '版面栏目', '作者', '备注'],
      [
        new Date(Date.UTC(2021, 2, 5)),
        { richText: [{ text: '大祥区' }, { text: '重点', font: { bold: true } }, { text: '项目' }] },
        { formula: 'A1', result: '邵阳日报' },
        12,
        { formula: '"张"&"伟"', result: '张伟' },
        true,
      ],
      [{ formula: 'DATE(2021,3,6)', result: new Date(Date.UTC(2021, 2, 6)) }, 2021, 110, 3.5, null, null],
    ]);
    const p = await readLedger(buf, 'xlsx');
    expect(p.errors).toEqual([]);
    expect(inputs(p)).toEqual({
      2: { publishedOn: '2021-03-05', title: '大祥区重点项目', channel: '邵阳日报', section: '12', authors: '张伟', note: 'true' },
      3: { publishedOn: '2021-03-06', title: '2021', channel: '110', section: '3.5' },
    });
  });

  it('maps each kind of ExcelJS cell value to text, link, date or problem', () => {
    expect(gridCellOf(null)).toEqual({ text: '' });
    expect(gridCellOf(undefined)).toEqual({ text: '' });
    expect(gridCellOf('文字')).toEqual({ text: '文字' });
    expect(gridCellOf(false)).toEqual({ text: 'false' });
    // Small numbers are not read as dates in 1900: a stray 12 in the date column stays 12 and is reported.
    expect(gridCellOf(12.5)).toEqual({ text: '12.5' });
    expect(gridCellOf(18263)).toEqual({ text: '18263' });
    expect(gridCellOf(44260)).toEqual({ text: '44260', date: '2021-03-05' });
    expect(gridCellOf(new Date(Date.UTC(2021, 2, 5, 23, 59)))).toEqual({ text: '2021-03-05', date: '2021-03-05' });
    expect(gridCellOf(new Date(Number.NaN))).toEqual({ text: '' });
    expect(gridCellOf({ richText: [{ text: 'a' }, { text: 'b' }] })).toEqual({ text: 'ab' });
    expect(gridCellOf({ text: 't', hyperlink: ' https://a.cn/ ' })).toEqual({ text: 't', link: 'https://a.cn/' });
    expect(gridCellOf({ sharedFormula: 'E2', result: '张伟' } as unknown as CellValue)).toEqual({ text: '张伟' });
    expect(gridCellOf({ formula: 'TODAY()', result: new Date(Date.UTC(2021, 11, 22)) })).toEqual({
      text: '2021-12-22',
      date: '2021-12-22',
    });
    expect(gridCellOf({ formula: '1/0', result: { error: '#DIV/0!' } }).problem).toBe('单元格是错误值 #DIV/0!，请改正后再导入');
    expect(gridCellOf({ formula: 'A1' }).problem).toBe('公式没有计算结果，请在 Excel 中打开并保存后再导入');
  });

  it('reports Excel error values and uncalculated formulas by row and column, and drops those rows', async () => {
    const buf = await xlsx([
      ['刊发日期', '稿件标题', '媒体'],
      ['2021-03-05', { error: '#N/A' }, '邵阳日报'],
      ['2021-03-05', '好的行', '邵阳日报'],
      ['2021-03-05', '公式行', { formula: 'VLOOKUP(A1,B:C,2,0)' }],
    ]);
    const p = await readLedger(buf, 'xlsx');
    expect(p.rows.map((r) => r.row)).toEqual([3]);
    expect(p.errors).toEqual([
      { row: 2, field: 'title', column: '稿件标题', reason: '单元格是错误值 #N/A，请改正后再导入' },
      { row: 4, field: 'channel', column: '媒体', reason: '公式没有计算结果，请在 Excel 中打开并保存后再导入' },
    ]);
  });

  it('skips blank rows, numbers rows as the sheet does and fills merged cells from their first cell', async () => {
    const buf = await xlsx(
      [
        HEAD,
        [1, new Date(Date.UTC(2021, 6, 20)), '一', '湖南新闻联播'],
        [2, null, '二', '湖南经视'],
        null,
        [null, null, null, null, null],
        [3, '2021-07-21', '三', '邵阳日报'],
        [4, null, null, null, null],
      ],
      (wb) => wb.worksheets[0].mergeCells('B2:B3'),
    );
    const p = await readLedger(buf, 'xlsx');
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => [r.row, r.input.publishedOn, r.input.title])).toEqual([
      [2, '2021-07-20', '一'],
      [3, '2021-07-20', '二'],
      [6, '2021-07-21', '三'],
    ]);
  });

  it('finds the header below a merged title row', async () => {
    const buf = await xlsx(
      [['2021年上稿台账'], ['刊发日期', '标题', '媒体'], ['2021-03-05', '标题一', '邵阳日报']],
      (wb) => wb.worksheets[0].mergeCells('A1:C1'),
    );
    const p = await readLedger(buf, 'xlsx');
    expect(p.headerRow).toBe(2);
    expect(p.rows).toEqual([{ row: 3, input: { publishedOn: '2021-03-05', title: '标题一', channel: '邵阳日报' } }]);
  });

  it('reads the first visible worksheet', async () => {
    const buf = await xlsx([['说明'], ['本文件为台账']], (wb) => {
      wb.worksheets[0].state = 'hidden';
      const ws = wb.addWorksheet('上稿台账');
      ws.addRow(['title', 'channel', 'publishedOn']);
      ws.addRow(['可见表', '邵阳日报', '2021-03-05']);
    });
    const p = await readLedger(buf, 'xlsx');
    expect(p.errors).toEqual([]);
    expect(p.rows[0].input).toEqual({ publishedOn: '2021-03-05', title: '可见表', channel: '邵阳日报' });
  });

  it('reports missing required columns in an xlsx like in a CSV', async () => {
    const p = await readLedger(await xlsx([['序号', '标题', '作者'], [1, 'a', 'b']]), 'xlsx');
    expect(p.rows).toEqual([]);
    expect(p.errors.map((e) => e.reason)).toEqual(['缺少必需列「刊发日期」(publishedOn)', '缺少必需列「媒体」(channel)']);
  });

  it('reports unreadable and old-format files without throwing', async () => {
    const garbage = await readLedger(utf8('this is not a spreadsheet'), 'xlsx');
    expect(garbage.errors).toEqual([{ row: 0, field: '', column: '', reason: '无法读取文件：不是有效的 .xlsx 文件' }]);
    const truncated = await readLedger((await xlsx([['日期', '标题', '媒体']])).subarray(0, 200), 'xlsx');
    expect(truncated.errors[0].reason).toBe('无法读取文件：不是有效的 .xlsx 文件');
    const xls = await readLedger(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'xlsx');
    expect(xls.errors[0].reason).toContain('.xls');
  });

  it('reads the committed valid.xlsx fixture', async () => {
    const committed = await readLedger(fixture('valid.xlsx'), 'xlsx');
    expect(committed.errors).toEqual([]);
    expect(committed.headerRow).toBe(2);
    expect(committed.ignoredColumns).toEqual(['序号']);
    expect(inputs(committed)).toEqual({
      3: {
        publishedOn: '2021-03-05',
        title: '大祥区推进城市更新项目建设',
        channel: '湖南日报',
        section: '市州头条',
        prominence: '头条',
        genre: '通讯',
        authors: '李明、王芳',
        url: 'https://hnrb.voc.com.cn/hnrb_epaper/html/2021-03/05/content_1.htm',
      },
      4: {
        publishedOn: '2021-04-12',
        title: '大祥区开展“我为群众办实事”实践活动',
        channel: '学习强国湖南学习平台',
        genre: '消息',
        authors: '张伟',
        url: 'https://www.xuexi.cn/lgpage/detail/index.html?id=1234567890',
      },
      6: {
        publishedOn: '2021-06-01',
        title: '大祥区儿童福利院迎来特殊的节日',
        channel: '邵阳日报',
        section: '县区版',
        prominence: '头条',
        genre: '图片',
        authors: '刘洋',
      },
      7: {
        publishedOn: '2021-07-20',
        title: '大祥区：防汛救灾，党员冲在一线',
        channel: '湖南新闻联播',
        genre: '视频',
        authors: '陈刚，赵丽',
        note: '湖南卫视播出',
      },
      8: { publishedOn: '2021-07-20', title: '大祥区抗洪抢险一线见闻', channel: '湖南经视', genre: '通讯', authors: '赵丽' },
      9: {
        publishedOn: '2021-11-01',
        title: '大祥区召开全区经济工作务虚会',
        channel: '红网大祥站',
        section: '要闻',
        genre: 'news',
        authors: '周杰',
        url: 'https://dx.rednet.cn/content/2021/11/01/10234567.html',
      },
    });
    // The committed file is what make-xlsx.ts writes today.
    expect(await readLedger(await buildValidLedgerXlsx(), 'xlsx')).toEqual(committed);
  });
});

describe('validateLedgerRows', () => {
  it('parses every row of the valid fixtures', async () => {
    for (const [name, format] of [
      ['valid.csv', 'csv'],
      ['valid-gbk.csv', 'csv'],
      ['valid.xlsx', 'xlsx'],
    ] as const) {
      const p = await readLedger(fixture(name), format);
      const { valid, errors } = validateLedgerRows(p.rows, p.columns);
      expect(errors).toEqual([]);
      expect(valid.map((v) => v.row)).toEqual(p.rows.map((r) => r.row));
    }
  });

  it('returns parsed values: genres, prominence and authors normalised by the domain schema', async () => {
    const p = await readLedger(fixture('valid.csv'), 'csv');
    const { valid } = validateLedgerRows(p.rows, p.columns);
    expect(valid[0]).toEqual({
      row: 2,
      value: {
        channel: '湖南日报',
        title: '大祥区推进城市更新项目建设',
        publishedOn: '2021-03-05',
        url: null,
        section: '市州头条',
        prominence: 'headline',
        genre: 'feature',
        authors: ['李明', '王芳'],
        note: null,
      },
    });
    expect(valid[3].value).toMatchObject({ genre: 'video', prominence: 'normal', authors: ['陈刚', '赵丽'] });
  });

  it('reports the mixed fixture’s bad rows in Chinese with their row numbers', async () => {
    const p = await readLedger(fixture('mixed.csv'), 'csv');
    expect(p.errors).toEqual([]);
    const { valid, errors } = validateLedgerRows(p.rows, p.columns);
    expect(valid.map((v) => v.row)).toEqual([2, 7]);
    expect(errors).toEqual([
      { row: 3, field: 'title', column: '标题', reason: '标题不能为空' },
      { row: 4, field: 'publishedOn', column: '刊发日期', reason: '刊发日期不是有效日期（应为 YYYY-MM-DD）' },
      { row: 5, field: 'genre', column: '体裁', reason: '体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）' },
    ]);
    expect(formatLedgerErrors(errors)).toBe(
      [
        '第3行 「标题」：标题不能为空',
        '第4行 「刊发日期」：刊发日期不是有效日期（应为 YYYY-MM-DD）',
        '第5行 「体裁」：体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）',
      ].join('\n'),
    );
  });

  it('names columns as the file writes them, else by their Chinese label', async () => {
    const p = await readCsv('Title,Channel,Date,Genre\n,邵阳日报,2021-02-30,poem\n');
    const own = validateLedgerRows(p.rows, p.columns).errors;
    expect(own).toEqual([
      { row: 2, field: 'title', column: 'Title', reason: '标题不能为空' },
      { row: 2, field: 'publishedOn', column: 'Date', reason: '刊发日期不是有效日期（应为 YYYY-MM-DD）' },
      { row: 2, field: 'genre', column: 'Genre', reason: '体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）' },
    ]);
    const labelled = validateLedgerRows(p.rows).errors;
    expect(labelled.map((e) => e.column)).toEqual(['标题', '刊发日期', '体裁']);
  });

  it('reports every bad field of a row and leaves good rows alone', () => {
    const { valid, errors } = validateLedgerRows([
      {
        row: 12,
        input: {
          publishedOn: '2021-03-05',
          title: '长'.repeat(501),
          channel: '邵阳日报',
          url: 'www.example.com/no-scheme',
          prominence: '中间',
          section: '版'.repeat(101),
        },
      },
      { row: 13, input: { publishedOn: '2021-03-05', title: '好', channel: '邵阳日报' } },
      { row: 14, input: { title: '缺日期和媒体' } },
    ]);
    expect(valid.map((v) => v.row)).toEqual([13]);
    expect(errors).toEqual([
      { row: 12, field: 'title', column: '标题', reason: '标题超过500个字符' },
      { row: 12, field: 'url', column: '链接', reason: '链接不是有效的 http(s) 地址' },
      { row: 12, field: 'section', column: '版面栏目', reason: '版面栏目超过100个字符' },
      { row: 12, field: 'prominence', column: '位置', reason: '位置无法识别（可填 头条、头版头条 或留空）' },
      { row: 14, field: 'channel', column: '媒体', reason: '媒体不能为空' },
      { row: 14, field: 'publishedOn', column: '刊发日期', reason: '刊发日期不能为空' },
    ]);
  });
});

describe('translateFieldError', () => {
  it.each([
    ['title', 'title is required', '标题', '标题不能为空'],
    ['title', 'title must not be empty', '标题', '标题不能为空'],
    ['title', 'title must be at most 500 characters', '标题', '标题超过500个字符'],
    ['title', 'title must not contain control characters', '标题', '标题包含不可见的控制字符，请删除后重试'],
    ['publishedOn', 'publishedOn is required', '刊发日期', '刊发日期不能为空'],
    ['publishedOn', 'publishedOn must be a real calendar date written YYYY-MM-DD', '刊发日期', '刊发日期不是有效日期（应为 YYYY-MM-DD）'],
    ['publishedOn', 'publishedOn must be a date string YYYY-MM-DD', '刊发日期', '刊发日期不是有效日期（应为 YYYY-MM-DD）'],
    ['channel', 'channel must not be empty', '媒体', '媒体不能为空'],
    ['channel', 'channel must be a channel id, name or alias', '媒体', '媒体不能为空'],
    ['channel', 'channel must be at most 200 characters', '媒体', '媒体超过200个字符'],
    ['channel', 'unknown channel: 邵阳晚报社', '媒体', '未知媒体「邵阳晚报社」，请检查媒体名称或别名'],
    ['channel', 'unknown channel:  大祥 融媒 ', '媒体', '未知媒体「大祥 融媒」，请检查媒体名称或别名'],
    ['url', 'url must be an http(s) link', '链接', '链接不是有效的 http(s) 地址'],
    ['url', 'url must be at most 2048 characters', '链接', '链接超过2048个字符'],
    ['section', 'section must be at most 100 characters', '版面栏目', '版面栏目超过100个字符'],
    ['prominence', 'prominence must be one of headline, normal (or 头条, 头版头条, 普通)', '位置', '位置无法识别（可填 头条、头版头条 或留空）'],
    ['genre', 'genre must be one of news, feature, commentary, photo, video, other (or 消息, 通讯, 评论, 图片, 视频)', '体裁', '体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）'],
    ['authors', 'authors must list at most 30 names', '作者', '作者最多填写30人'],
    ['authors', 'each author must be at most 100 characters', '作者', '每位作者的姓名不能超过100个字符'],
    ['authors', 'authors must be at most 1000 characters', '作者', '作者超过1000个字符'],
    ['authors.2', 'authors must be at most 100 characters', '作者', '作者超过100个字符'],
    ['note', 'note must be at most 2000 characters', '备注', '备注超过2000个字符'],
    ['note', 'note must be a string', '备注', '备注格式不正确（应为文字）'],
    ['source', 'unknown field: source', 'source', '不支持的字段：source'],
  ])('%s: %s', (field, message, column, reason) => {
    expect(translateFieldError({ field, message })).toEqual({ column, reason });
  });

  it('keeps the English message it does not know', () => {
    expect(translateFieldError({ field: 'title', message: 'something new went wrong' })).toEqual({
      column: '标题',
      reason: 'something new went wrong',
    });
    expect(translateFieldError({ field: '(body)', message: 'expected object' })).toEqual({
      column: '(body)',
      reason: 'expected object',
    });
  });
});

describe('error reports', () => {
  const errors: LedgerRowError[] = [
    { row: 12, field: 'title', column: '标题', reason: '标题不能为空' },
    { row: 3, field: 'url', column: 'Link, 原文', reason: '链接不是有效的 http(s) 地址' },
    { row: 0, field: 'channel', column: '媒体', reason: '缺少必需列「媒体」(channel)' },
    { row: 12, field: 'genre', column: '体裁', reason: '体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）' },
    { row: 5, field: '', column: '', reason: '说"明"' },
  ];

  it('formats one Chinese line per error, file problems first, then by row keeping order within a row', () => {
    expect(formatLedgerErrors(errors)).toBe(
      [
        '文件：缺少必需列「媒体」(channel)',
        '第3行 「Link, 原文」：链接不是有效的 http(s) 地址',
        '第5行：说"明"',
        '第12行 「标题」：标题不能为空',
        '第12行 「体裁」：体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）',
      ].join('\n'),
    );
    expect(formatLedgerErrors([])).toBe('');
  });

  it('writes a CSV with BOM and header 行号,列,字段,原因 that round-trips through a CSV parser', () => {
    const csv = ledgerErrorsCsv(errors);
    expect(csv.startsWith('\ufeff行号,列,字段,原因\r\n')).toBe(true);
    expect(csv).toContain('12,标题,title,标题不能为空\r\n');
    const back = parse(csv, { bom: true }) as string[][];
    expect(back).toEqual([
      ['行号', '列', '字段', '原因'],
      ['0', '媒体', 'channel', '缺少必需列「媒体」(channel)'],
      ['3', 'Link, 原文', 'url', '链接不是有效的 http(s) 地址'],
      ['5', '', '', '说"明"'],
      ['12', '标题', 'title', '标题不能为空'],
      ['12', '体裁', 'genre', '体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）'],
    ]);
    expect(ledgerErrorsCsv([])).toBe('\ufeff行号,列,字段,原因\r\n');
  });

  it('keeps a header that looks like a formula from running in Excel', () => {
    const csv = ledgerErrorsCsv([{ row: 2, field: 'title', column: '=HYPERLINK("x")', reason: '标题不能为空' }]);
    const back = parse(csv, { bom: true }) as string[][];
    expect(back[1][1]).toBe('\'=HYPERLINK("x")');
  });

  it('reads, validates and reports a whole file end to end', async () => {
    const csv = BOM + ['序号,刊发日期,标题,媒体,体裁', '1,2021-03-05,好稿,邵阳日报,消息', '2,2021-13-01,,邵阳日报,消息'].join('\r\n');
    const parsed = await readLedger(utf8(csv), 'csv');
    const { valid, errors } = validateLedgerRows(parsed.rows, parsed.columns);
    expect(valid).toHaveLength(1);
    expect(formatLedgerErrors([...parsed.errors, ...errors])).toBe(
      '第3行 「标题」：标题不能为空\n第3行 「刊发日期」：刊发日期不是有效日期（应为 YYYY-MM-DD）',
    );
  });
});
