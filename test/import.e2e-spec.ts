import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { readLedger } from '@pl/placements';
import { normaliseTitle } from '@pl/domain';
import { countOf, repoDir, startApi, TestApi, waitForIngestion } from './support/harness';

const run = promisify(execFile);
const fixture = (name: string) => path.join(repoDir, 'test', 'fixtures', 'ledgers', name);

interface ImportBody {
  ingestionId: string | null;
  received: number;
  accepted: number;
  errors: { row: number; field: string; column: string; reason: string }[];
  errorCount: number;
  reportUrl: string | null;
}

describe('ledger import (POST /api/orgs/:org/imports)', () => {
  let api: TestApi;
  const titles = async () =>
    ((await api.http().get('/api/orgs/daxiang/placements?pageSize=500').expect(200)).body.items as { title: string }[])
      .map((p) => p.title)
      .sort();
  const upload = (file: string, name?: string) =>
    api.http().post('/api/orgs/daxiang/imports').attach('file', file, name ? { filename: name } : undefined);

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('imports a CSV ledger with Chinese headers and every date form, resolving channels', async () => {
    const res = await upload(fixture('valid.csv')).expect(202);
    const body = res.body as ImportBody;
    expect(body).toMatchObject({ received: 5, accepted: 5, errors: [] });
    expect(await waitForIngestion(api, body.ingestionId!)).toMatchObject({ inserted: 5, duplicates: 0 });

    const list = await api.http().get('/api/orgs/daxiang/placements?pageSize=10').expect(200);
    const byTitle = Object.fromEntries((list.body.items as { title: string }[]).map((p) => [p.title, p]));
    expect(byTitle['大祥区：防汛救灾,党员冲在一线']).toMatchObject({
      publishedOn: '2021-07-20',
      channel: { name: '湖南新闻联播', tier: 'provincial' },
      genre: 'video',
      authors: ['陈刚', '赵丽'],
      note: '湖南卫视播出',
      source: 'import',
    });
    expect(byTitle['大祥区推进城市更新项目建设']).toMatchObject({ section: '市州头条', prominence: 'headline', genre: 'feature' });
    expect(byTitle['大祥区召开全区经济工作务虚会']).toMatchObject({ publishedOn: '2021-11-01', channel: { tier: 'district' } });
  });

  it('adds nothing when the same file comes again, also saved as GB18030 by Excel', async () => {
    const before = await titles();
    for (const f of ['valid.csv', 'valid-gbk.csv']) {
      const res = await upload(fixture(f)).expect(202);
      expect(res.body.accepted).toBe(5);
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 0, duplicates: 5 });
    }
    expect(await titles()).toEqual(before);
  });

  it('imports the good rows of a mixed file and reports each bad row in Chinese', async () => {
    const before = (await titles()).length;
    const res = await upload(fixture('mixed.csv')).expect(202);
    const body = res.body as ImportBody;
    expect(body.received).toBe(5);
    expect(body.accepted).toBe(2);
    expect(body.errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [3, 'title', '标题不能为空'],
      [4, 'publishedOn', '刊发日期不是有效日期（应为 YYYY-MM-DD）'],
      [5, 'genre', '体裁无法识别（可填 消息、通讯、评论、图片、视频、其他）'],
    ]);
    // The report is downloaded, not inlined: the same errors as CSV.
    expect(body).toMatchObject({ errorCount: 3, reportUrl: expect.stringMatching(/^\/api\/orgs\/daxiang\/imports\/reports\/[0-9a-f-]{36}$/) });
    expect((await api.http().get(body.reportUrl!).expect(200)).text).toContain('3,标题,title,标题不能为空\r\n');
    // Its row 2 is valid.csv's row 1 again (same channel, date and title): a duplicate.
    expect(await waitForIngestion(api, body.ingestionId!)).toMatchObject({ inserted: 1, duplicates: 1, rejected: 3 });
    expect((await titles()).length).toBe(before + 1);
    expect(await titles()).toContain('大祥区新冠疫苗接种有序推进');
  });

  it('imports an Excel ledger (date cells, hyperlinks, rich text)', async () => {
    const res = await upload(fixture('valid.xlsx')).expect(202);
    expect(res.body).toMatchObject({ accepted: 6, errors: [] });
    const done = await waitForIngestion(api, res.body.ingestionId);
    expect(done.inserted + done.duplicates).toBe(6);
    expect(done.inserted).toBeGreaterThan(0);
    const parsed = await readLedger(readFileSync(fixture('valid.xlsx')), 'xlsx');
    // A row whose title differs only in punctuation width was a duplicate: compare folded titles.
    const stored = (await titles()).map(normaliseTitle);
    for (const row of parsed.rows) expect(stored).toContain(normaliseTitle(String(row.input.title)));
  });

  it('names an unknown channel in the row report and still takes the other rows', async () => {
    const csv = Buffer.from(
      '刊发日期,标题,媒体\n2021-05-01,大祥区召开安全生产会议,不存在的报纸\n2021-05-02,大祥区召开安全生产推进会,邵阳晚报\n',
    );
    const res = await api.http().post('/api/orgs/daxiang/imports').attach('file', csv, '台账.csv').expect(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 2, field: 'channel', reason: expect.stringContaining('未知媒体「不存在的报纸」') }),
    ]);
    await waitForIngestion(api, res.body.ingestionId);
  });

  it('refuses a file without the required columns, naming them, and writes nothing', async () => {
    const before = (await titles()).length;
    const csv = Buffer.from('日期,题目\n2021-05-01,大祥区召开会议\n');
    const res = await api.http().post('/api/orgs/daxiang/imports').attach('file', csv, 'x.csv').expect(400);
    expect(res.body.message).toContain('缺少必需列「媒体」');
    expect(res.body.errors[0].field).toBe('file');
    expect((await titles()).length).toBe(before);
  });

  it('refuses a missing file and an unsupported type with a 400 naming `file`', async () => {
    const none = await api.http().post('/api/orgs/daxiang/imports').field('x', '1').expect(400);
    expect(none.body.errors[0].field).toBe('file');
    const pdf = await api.http().post('/api/orgs/daxiang/imports').attach('file', Buffer.from('%PDF-1.4'), 'ledger.pdf').expect(400);
    expect(pdf.body.errors[0]).toMatchObject({ field: 'file', message: expect.stringContaining('.xlsx or .csv') });
  });

  it('answers 404 naming `org` for an unknown organization', async () => {
    const res = await api.http().post('/api/orgs/nobody/imports').attach('file', fixture('valid.csv')).expect(404);
    expect(res.body.errors[0].field).toBe('org');
  });
});

describe('ledger import uploads over the limit or in the wrong field', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ withWorker: false, env: { UPLOAD_LIMIT_BYTES: '2048' } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 413 naming `file` for a file over UPLOAD_LIMIT_BYTES, and queues nothing', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `2021-05-01,大祥区超限导入测试稿件${i},邵阳日报`).join('\n');
    const csv = Buffer.from(`刊发日期,标题,媒体\n${rows}\n`);
    expect(csv.length).toBeGreaterThan(2048);
    const res = await api.http().post('/api/orgs/daxiang/imports').attach('file', csv, '台账.csv').expect(413);
    expect(res.body.errors[0]).toMatchObject({ field: 'file', message: 'file must be at most 2048 bytes' });
    const list = await api.http().get('/api/orgs/daxiang/placements').expect(200);
    expect(list.body.total).toBe(0);
    expect(await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM ingestions')).toBe(0);
  });

  it('answers 400 naming `file` when the ledger comes in another multipart field, and 415 naming the content type for a body that is not multipart', async () => {
    const csv = Buffer.from('刊发日期,标题,媒体\n2021-05-01,大祥区字段名测试,邵阳日报\n');
    const other = await api.http().post('/api/orgs/daxiang/imports').attach('ledger', csv, 'x.csv').expect(400);
    expect(other.body.errors[0]).toMatchObject({ field: 'file', message: expect.stringContaining('"file", not "ledger"') });
    const json = await api.http().post('/api/orgs/daxiang/imports').send({ file: 'x' }).expect(415);
    expect(json.body.errors[0]).toMatchObject({ field: 'content-type', message: expect.stringContaining('multipart/form-data') });
  });
});

describe('ledger import (npm run cli -- import)', () => {
  let api: TestApi;
  const cli = (args: string[]) =>
    run(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], {
      env: { ...process.env, ...api.env },
      cwd: repoDir,
      timeout: 60_000,
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(async () => {
    // The API (without a worker) only reads here; the CLI brings its own worker.
    api = await startApi({ withWorker: false });
  });
  afterAll(async () => {
    await api.close();
  });

  it('imports through the queue, waits for the worker and reports in Chinese', async () => {
    const r = await cli(['import', fixture('mixed.csv'), '--org', 'daxiang']);
    expect(r.stdout).toContain('读取 5 行，有效 2 行，错误 3 处');
    expect(r.stdout).toContain('第4行 「刊发日期」：刊发日期不是有效日期（应为 YYYY-MM-DD）');
    expect(r.stdout).toContain('导入完成：新增 2 条，重复 0 条');
    expect(r.code).toBe(3); // some rows were refused
    const list = await api.http().get('/api/orgs/daxiang/placements').expect(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.every((p: { source: string }) => p.source === 'import')).toBe(true);
  });

  it('fails with one clear line for a missing file, an unknown org or a missing --org', async () => {
    const missing = await cli(['import', 'no-such-ledger.csv', '--org', 'daxiang']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^placement-ledger: cannot read ledger file ".*no-such-ledger.csv"$/);
    const org = await cli(['import', fixture('valid.csv'), '--org', 'nobody']);
    expect(org.code).toBe(2);
    expect(org.stderr).toContain('unknown organization "nobody"');
    const noOrg = await cli(['import', fixture('valid.csv')]);
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toContain('--org <slug> is required');
    const list = await api.http().get('/api/orgs/daxiang/placements').expect(200);
    expect(list.body.total).toBe(2);
  });
});
