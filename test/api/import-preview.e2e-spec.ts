import { Workbook } from 'exceljs';
import { startApi, tableCounts, TestApi } from '../support/harness';

/**
 * The import's dry run (POST /api/orgs/:org/imports/preview) and the blank
 * ledger template (GET /api/imports/template): what the 导入 page shows
 * before anything is queued.
 */
describe('import preview and template', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ withWorker: false });
  });
  afterAll(async () => {
    await api.close();
  });

  const csv = [
    '序号,刊发日期,标题,媒体,作者',
    '1,2021-03-05,大祥区召开经济工作会议,湖南日报,李明',
    '2,2021-02-30,日期不存在的一行,红网,王芳',
    '3,2021-04-01,媒体写错的一行,湖南日服,',
  ].join('\n');
  const preview = (body: string | Buffer, name = 'ledger.csv') =>
    api.http().post('/api/orgs/daxiang/imports/preview').attach('file', Buffer.from(body), { filename: name });

  it('shows the column mapping, every row error and the rows it would write, queuing nothing', async () => {
    const before = await tableCounts(api.dataSource);
    const res = await preview(csv).expect(200);
    expect(res.body).toMatchObject({ fileName: 'ledger.csv', received: 3, accepted: 1 });
    expect(res.body.columns).toEqual([
      { column: '刊发日期', field: 'publishedOn' },
      { column: '标题', field: 'title' },
      { column: '媒体', field: 'channel' },
      { column: '作者', field: 'authors' },
      { column: '序号', field: null },
    ]);
    expect(res.body.errors).toEqual([
      { row: 3, field: 'publishedOn', column: '刊发日期', reason: '刊发日期不是有效日期（应为 YYYY-MM-DD）' },
      expect.objectContaining({ row: 4, field: 'channel', column: '媒体', reason: '未知媒体「湖南日服」，请检查媒体名称或别名' }),
    ]);
    // The unknown medium comes with the catalog's nearest names.
    expect(res.body.errors[1].suggestions[0]).toBe('湖南日报');
    expect(res.body.sample).toEqual([
      expect.objectContaining({ row: 2, title: '大祥区召开经济工作会议', publishedOn: '2021-03-05', channel: '湖南日报', authors: ['李明'] }),
    ]);
    expect(await tableCounts(api.dataSource)).toEqual(before);
  });

  it('refuses what the import refuses: no file, an unsupported type, a ledger without its required columns', async () => {
    const none = await api.http().post('/api/orgs/daxiang/imports/preview').field('x', '1').expect(400);
    expect(none.body.errors[0].field).toBe('file');
    const pdf = await preview('%PDF-1.4', 'ledger.pdf').expect(400);
    expect(pdf.body.errors[0].field).toBe('file');
    const headless = await preview('名称,金额\n甲,1\n').expect(400);
    expect(headless.body.errors[0].field).toBe('file');
    await api.http().post('/api/orgs/nowhere/imports/preview').attach('file', Buffer.from(csv), { filename: 'a.csv' }).expect(404);
  });

  it('hands out a blank template, as .xlsx and .csv, which the import reads once a row is filled in', async () => {
    const xlsx = await api
      .http()
      .get('/api/imports/template')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(xlsx.headers['content-disposition']).toContain(encodeURIComponent('上稿台账模板.xlsx'));
    const wb = new Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect((wb.worksheets[0].getRow(1).values as string[]).filter(Boolean)).toEqual([
      '刊发日期（必填）', '标题（必填）', '媒体（必填）', '版面栏目', '位置', '体裁', '作者', '链接', '备注',
    ]);
    // Blank, it is an empty ledger (the import refuses it, naming the file).
    const blank = await preview(xlsx.body as Buffer, 'template.xlsx').expect(400);
    expect(blank.body.errors[0]).toMatchObject({ field: 'file', message: '文件中没有数据行（表头下方是空的）' });
    wb.worksheets[0].addRow(['2021-05-12', '“一件事一次办”跑出便民加速度', '央视', '', '头条', '通讯', '李明、王芳', '', '']);
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    const back = await preview(filled, 'template.xlsx').expect(200);
    expect(back.body).toMatchObject({ received: 1, accepted: 1, errors: [] });
    expect(back.body.sample[0]).toMatchObject({ channel: '中央电视台', prominence: 'headline', genre: 'feature', authors: ['李明', '王芳'] });
    expect(back.body.columns.map((c: { field: string }) => c.field)).toEqual([
      'publishedOn', 'title', 'channel', 'section', 'prominence', 'genre', 'authors', 'url', 'note',
    ]);

    const csvTemplate = await api.http().get('/api/imports/template?format=csv').expect(200);
    expect(csvTemplate.headers['content-type']).toMatch(/^text\/csv/);
    const csvBack = await preview(`${csvTemplate.text}2021-05-12,大祥区新闻,红网,,,,,,\r\n`, 'template.csv').expect(200);
    expect(csvBack.body).toMatchObject({ received: 1, accepted: 1, errors: [] });
    expect(csvBack.body.columns).toHaveLength(9);
    await api.http().get('/api/imports/template?format=pdf').expect(400);
  });
});
