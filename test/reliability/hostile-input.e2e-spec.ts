import type { Test } from 'supertest';
import { startApi, tableCounts, TestApi, waitForIngestion } from '../support/harness';
import { honestBomb, lyingBomb, manyEntries } from '../support/zip-bombs';

/**
 * Hostile input at the API's edge (issue 13), on SQLite and, under
 * `npm run test:pg`, on PostgreSQL: each case answers the status it must,
 * its error names the field at fault, and no table gains a row.
 */

const PLACEMENTS = '/api/orgs/daxiang/placements';
const IMPORTS = '/api/orgs/daxiang/imports';
const PUBLIC_URL = 'https://ledger.example.org';
const valid = { channel: '湖南日报', title: '大祥区：敌意输入测试的基准稿件', publishedOn: '2021-05-12' };
const BUDGET = {
  unit: '万元',
  total: '150.36',
  basic: { total: '91.58', personnel: '37.38', public: '26.69', capital: '27.51' },
  projects: [{ name: '融媒体能力建设', amount: '58.78' }],
};
const post = (api: TestApi, body: unknown) => api.http().post(PLACEMENTS).send(body as object);
const csv = Buffer.from('\ufeff刊发日期,标题,媒体\r\n2021-05-13,大祥区：跨站导入的稿件,湖南日报\r\n', 'utf8');

/** The import's caps, small here so that small files reach them (the defaults are tested by heavy-uploads). */
const LIMITS = { IMPORT_MAX_DECOMPRESSED_BYTES: String(1024 * 1024), IMPORT_MAX_ZIP_ENTRIES: '50', IMPORT_MAX_ROWS: '50', IMPORT_MAX_CELLS_PER_ROW: '30', IMPORT_MAX_ERRORS: '5' };
const rowsCsv = (n: number, row = (i: number) => `2021-05-12,大祥区：超限第${i}篇,湖南日报`) =>
  Buffer.from(`刊发日期,标题,媒体\n${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`, 'utf8');
const bombs: Record<string, Buffer> = {};

interface Case {
  send: (api: TestApi) => Test;
  status: number;
  field: string;
}

const CASES: [string, Case][] = [
  // Point 4: only JSON (and multipart on the imports) reaches the routes; foreign pages cannot write.
  [
    'a form-encoded POST (channel=央视&title=…)',
    {
      send: (api) => api.http().post(PLACEMENTS).set('Content-Type', 'application/x-www-form-urlencoded').send('channel=央视&title=表单稿件&publishedOn=2021-05-12'),
      status: 415,
      field: 'content-type',
    },
  ],
  [
    'a multipart import from a foreign Origin',
    { send: (api) => api.http().post(IMPORTS).set('Origin', 'https://evil.example').attach('file', csv, '台账.csv'), status: 403, field: 'origin' },
  ],
  [
    'a JSON POST from a foreign Origin',
    { send: (api) => api.http().post(PLACEMENTS).set('Origin', 'https://evil.example').send(valid), status: 403, field: 'origin' },
  ],
  [
    'a POST from the opaque origin "null" (a sandboxed frame, a file:// page)',
    { send: (api) => api.http().post(PLACEMENTS).set('Origin', 'null').send(valid), status: 403, field: 'origin' },
  ],
  [
    'a POST without Origin whose Referer is foreign',
    { send: (api) => api.http().post(PLACEMENTS).set('Referer', 'http://evil.example/page.html').send(valid), status: 403, field: 'referer' },
  ],
  [
    'a PATCH from a look-alike of PUBLIC_URL',
    { send: (api) => api.http().patch(`${PLACEMENTS}/1`).set('Origin', 'https://ledger.example.org.evil.example').send({ status: 'confirmed' }), status: 403, field: 'origin' },
  ],
  [
    'a DELETE from a foreign Origin',
    { send: (api) => api.http().delete('/api/crawl/sources/1').set('Origin', 'https://evil.example'), status: 403, field: 'origin' },
  ],
  [
    'a __proto__ key',
    { send: (api) => api.http().post(PLACEMENTS).set('Content-Type', 'application/json').send('{"__proto__": {"admin": true}, "title": "x"}'), status: 400, field: '__proto__' },
  ],
  [
    'a body nested 10,000 levels (it overflowed the stack of the body checks into a 500)',
    { send: (api) => api.http().post(PLACEMENTS).set('Content-Type', 'application/json').send('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)), status: 400, field: 'body' },
  ],
  [
    'a constructor key',
    { send: (api) => api.http().post(PLACEMENTS).send({ ...valid, constructor: { prototype: { admin: true } } }), status: 400, field: 'constructor' },
  ],
  // Point 2: text that can never be stored is refused at the edge, naming the field.
  ['a NUL in the actor header (percent-encoded)', { send: (api) => post(api, valid).set('X-Actor', '%E5%BC%A0%00%E4%B8%89'), status: 400, field: 'x-actor' }],
  ['an ANSI escape in the actor header', { send: (api) => post(api, valid).set('X-Actor', '%1B%5B31m%E5%BC%A0%E4%B8%89'), status: 400, field: 'x-actor' }],
  ['a NUL in a title', { send: (api) => post(api, { ...valid, title: '大祥\u0000区' }), status: 400, field: 'title' }],
  ['a lone surrogate in a title', { send: (api) => post(api, { ...valid, title: '大祥\ud800区' }), status: 400, field: 'title' }],
  ['a C1 control (CSI) in a section', { send: (api) => post(api, { ...valid, section: '要闻\u009b31m' }), status: 400, field: 'section' }],
  ['a NUL in a note', { send: (api) => post(api, { ...valid, note: '备注\u0000' }), status: 400, field: 'note' }],
  ['a NUL in an author', { send: (api) => post(api, { ...valid, authors: ['张三', '李\u0000四'] }), status: 400, field: 'authors.1' }],
  [
    'a NUL in one entry of a bulk',
    { send: (api) => api.http().post(`${PLACEMENTS}/bulk`).send({ placements: [valid, { ...valid, title: '批量\u0000' }] }), status: 400, field: 'placements.1.title' },
  ],
  ['a NUL in a search query', { send: (api) => api.http().get(PLACEMENTS).query({ q: '大祥\u0000' }), status: 400, field: 'q' }],
  ['a NUL in a path parameter', { send: (api) => api.http().post('/api/orgs/da%00xiang/placements').send(valid), status: 400, field: 'org' }],
  [
    'a NUL in an organization’s name',
    { send: (api) => api.http().post('/api/orgs').send({ slug: 'nul-org', name: '融媒体\u0000中心', region: '邵阳市', foundedOn: '2019-01-01', keywords: [] }), status: 400, field: 'name' },
  ],
  [
    'a lone surrogate in a budget project name',
    { send: (api) => api.http().put('/api/orgs/daxiang/budgets/2021').send({ ...BUDGET, projects: [{ name: '融媒体\udc00', amount: '58.78' }] }), status: 400, field: 'projects.0.name' },
  ],
  [
    'a NUL in a budget description',
    { send: (api) => api.http().put('/api/orgs/daxiang/budgets/2021').send({ ...BUDGET, description: '说明\u0000' }), status: 400, field: 'description' },
  ],
  [
    'a NUL in a profile paragraph',
    { send: (api) => api.http().put('/api/orgs/daxiang/profile').send({ shortName: '区融媒体中心', establishment: { authorized: 10, actual: 9 }, duties: ['职责\u0000'] }), status: 400, field: 'duties.0' },
  ],
  // Point 1: uploads over a cap are refused as a whole, naming the limit.
  ['an .xlsx zip bomb (honest headers)', { send: (api) => api.http().post(IMPORTS).attach('file', bombs.honest, '炸弹.xlsx'), status: 413, field: 'file' }],
  ['an .xlsx zip bomb whose headers lie about its sizes', { send: (api) => api.http().post(IMPORTS).attach('file', bombs.lying, '炸弹.xlsx'), status: 400, field: 'file' }],
  ['an .xlsx of too many zip entries', { send: (api) => api.http().post(IMPORTS).attach('file', bombs.entries, '炸弹.xlsx'), status: 413, field: 'file' }],
  ['a CSV of more rows than IMPORT_MAX_ROWS', { send: (api) => api.http().post(IMPORTS).attach('file', rowsCsv(51), '台账.csv'), status: 413, field: 'file' }],
  ['a dry run of more rows than IMPORT_MAX_ROWS', { send: (api) => api.http().post(`${IMPORTS}/preview`).attach('file', rowsCsv(51), '台账.csv'), status: 413, field: 'file' }],
  [
    'a CSV row of more cells than IMPORT_MAX_CELLS_PER_ROW',
    { send: (api) => api.http().post(IMPORTS).attach('file', rowsCsv(3, (i) => `2021-05-12,大祥区：宽行${i},湖南日报${',x'.repeat(40)}`), '台账.csv'), status: 400, field: 'file' },
  ],
  ['a NUL in a key of a body', { send: (api) => post(api, { ...valid, ['no\u0000te']: 'x' }), status: 400, field: 'no\u0000te' }],
];

describe('hostile input', () => {
  let api: TestApi;
  let before: Record<string, number>;

  beforeAll(async () => {
    Object.assign(bombs, { honest: await honestBomb(20 * 1024 * 1024), lying: await lyingBomb(20 * 1024 * 1024), entries: await manyEntries(100) });
    api = await startApi({ env: { PUBLIC_URL, ...LIMITS } });
    const res = await api.http().post(PLACEMENTS).send(valid).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    before = await tableCounts(api.dataSource);
  });
  afterAll(async () => {
    await api.close();
  });

  describe.each(CASES)('%s', (_name, c) => {
    it(`answers ${c.status} naming the field, and writes nothing`, async () => {
      const res = await c.send(api);
      expect(res.status).toBe(c.status);
      expect(res.body).toMatchObject({ statusCode: c.status, message: expect.any(String) });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(c.field);
      if (c.status === 413) expect(res.body.errors[0].message).toMatch(/IMPORT_MAX_[A-Z_]+/);
      // Nothing queued, nothing written: give a wrongly accepted write time to land first.
      await new Promise((r) => setTimeout(r, 100));
      expect(await tableCounts(api.dataSource)).toEqual(before);
    });
  });

  describe('line breaks: folded in one-line fields, kept in notes and profile text', () => {
    it('a title with tabs and line breaks is stored on one line; a note keeps its line breaks (Excel’s Alt+Enter)', async () => {
      const res = await post(api, { ...valid, title: '大祥区：\t换行\r\n的标题\n', note: '第一行\n第二行' }).expect(202);
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1 });
      const found = await api.http().get(PLACEMENTS).query({ q: '换行' }).expect(200);
      expect(found.body.items.map((p: { title: string }) => p.title)).toEqual(['大祥区： 换行 的标题']);
      const one = await api.http().get(`${PLACEMENTS}/${found.body.items[0].id}`).expect(200);
      expect(one.body.note).toBe('第一行\n第二行');
    });

    it('a profile paragraph keeps its line breaks', async () => {
      const profile = { shortName: '区融媒体中心', establishment: { authorized: 10, actual: 9 }, duties: ['负责新闻采编；\n负责平台运营。'] };
      const put = await api.http().put('/api/orgs/daxiang/profile').send(profile);
      expect([200, 201]).toContain(put.status);
      const stored = await api.http().get('/api/orgs/daxiang/profile').expect(200);
      expect(stored.body.duties).toEqual(['负责新闻采编；\n负责平台运营。']);
      // Leave the counts as they were for the other cases (profiles are not among the counted tables).
    });

    it('an imported ledger row with a NUL in a cell is a row error; the other rows are written', async () => {
      const ledger = Buffer.from('刊发日期,标题,媒体\r\n2021-05-14,大祥区：导入的好稿,湖南日报\r\n2021-05-15,大祥区：导入\u0000的坏稿,湖南日报\r\n', 'utf8');
      const res = await api.http().post(IMPORTS).attach('file', ledger, '台账.csv').expect(202);
      expect(res.body).toMatchObject({ received: 2, accepted: 1 });
      expect(res.body.errors).toEqual([expect.objectContaining({ row: 3, field: 'title' })]);
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1 });
    });
  });

  describe('import errors: the first IMPORT_MAX_ERRORS in full, then a count; the report is downloaded', () => {
    it('answers 5 errors of 40 and a report URL; the report lists the 5 and counts the other 35; another organization gets a 404', async () => {
      const bad = rowsCsv(40, (i) => `2021-02-30,大祥区：日期错误第${i}篇,湖南日报`);
      const res = await api.http().post(IMPORTS).attach('file', bad, '台账.csv').expect(202);
      expect(res.body).toMatchObject({ received: 40, accepted: 0, errorCount: 40, reportUrl: expect.stringMatching(/^\/api\/orgs\/daxiang\/imports\/reports\//) });
      expect(res.body.errors.map((e: { row: number }) => e.row)).toEqual([2, 3, 4, 5, 6]);
      expect(res.body).not.toHaveProperty('report');
      const report = await api.http().get(res.body.reportUrl).expect(200);
      expect(report.headers['content-type']).toMatch(/text\/csv/);
      const lines = report.text.replace(/^\ufeff/, '').trim().split(/\r\n/);
      expect(lines).toHaveLength(1 + 5 + 1);
      expect(lines[1]).toMatch(/^2,刊发日期,publishedOn,/);
      expect(lines[6]).toBe(',,,另有 35 条错误未列出（只保留前 5 条）');
      await api.http().post('/api/orgs').send({ slug: 'other-centre', name: '另一个融媒体中心', region: '邵阳市', foundedOn: '2019-01-01', keywords: [] }).expect(201);
      await api.http().get(res.body.reportUrl.replace('/daxiang/', '/other-centre/')).expect(404);
      before = await tableCounts(api.dataSource);
    });
  });

  describe('what still passes the origin check', () => {
    it.each([
      ['no Origin and no Referer (scripts, the CLI)', {}],
      ['the API’s own origin', { Host: 'ledger.internal:8080', Origin: 'http://ledger.internal:8080' }],
      ['a Referer on the API’s own origin', { Host: 'ledger.internal:8080', Referer: 'http://ledger.internal:8080/entry' }],
      ['PUBLIC_URL’s origin (the reverse proxy editors use)', { Origin: PUBLIC_URL }],
    ])('%s', async (_name, headers: Record<string, string>) => {
      const title = `大祥区：同源写入${Object.keys(headers).join('')}${Object.values(headers).join('')}`;
      const res = await api.http().post(PLACEMENTS).set(headers).send({ ...valid, title }).expect(202);
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1 });
    });

    it('reads from a foreign page are not refused (they are not state-changing)', async () => {
      await api.http().get(PLACEMENTS).set('Origin', 'https://evil.example').expect(200);
    });

    it('a multipart import from the API’s own origin is taken', async () => {
      const res = await api.http().post(IMPORTS).set({ Host: 'ledger.internal', Origin: 'http://ledger.internal' }).attach('file', csv, '台账.csv').expect(202);
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1 });
    });
  });
});
