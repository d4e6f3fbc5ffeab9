import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, repoDir, runDemoCli, startApi, TestApi, TestDatabase, waitForIngestion } from './support/harness';

const run = promisify(execFile);
const LEDGER = path.join(repoDir, 'demo', 'daxiang', 'ledger.csv');

/**
 * The demo ledger must give the seed report's figures, counted by the
 * summary endpoint from the rows the worker wrote — never from constants.
 */
describe('the demo ledger reproduces the seed report', () => {
  let api: TestApi;
  const summary = async (query: string) =>
    (await api.http().get(`/api/orgs/daxiang/summary?${query}`).expect(200)).body as {
      total: number;
      rows: { key: string; label: string; count: number }[];
    };
  const byKey = (rows: { key: string; label: string; count: number }[]) =>
    Object.fromEntries(rows.map((r) => [r.label, r.count]));

  beforeAll(async () => {
    api = await startApi();
    const res = await api.http().post('/api/orgs/daxiang/imports').attach('file', LEDGER).expect(202);
    expect(res.body.errors).toEqual([]);
    const done = await waitForIngestion(api, res.body.ingestionId, 120_000);
    expect(done).toMatchObject({ accepted: 5899, inserted: 5899, duplicates: 0 });
  }, 180_000);
  afterAll(async () => {
    await api.close();
  });

  it('gives the tier totals since founding (50 / 204 / 507 / 5138)', async () => {
    const s = await summary('groupBy=tier&to=2021-12-22');
    expect(s.rows.map((r) => [r.key, r.count])).toEqual([
      ['central', 50],
      ['provincial', 204],
      ['municipal', 507],
      ['district', 5138],
    ]);
  });

  it('gives the district per-channel breakdown', async () => {
    const s = await summary('groupBy=channel&tier=district&to=2021-12-22');
    expect(byKey(s.rows)).toEqual({
      '大祥融媒·人民号': 5,
      红网大祥站: 422,
      '大祥融媒·非宣传稿': 2956,
      大祥新闻网: 331,
      '大祥融媒·头条号': 1,
      大祥发布微信公众号: 638,
      大祥融媒客户端: 785,
    });
  });

  it('gives each 2021 line of the seed, as of 2021-12-22', async () => {
    const period = 'from=2021-01-01&to=2021-12-22&groupBy=year';
    const count = async (filter: string) => (await summary(`${period}&${filter}`)).total;
    const channels = (await api.http().get('/api/channels').expect(200)).body as { name: string; outlet: { id: number; name: string } }[];
    const renminOutlet = channels.find((c) => c.name === '人民日报')!.outlet.id;
    const c = encodeURIComponent;
    expect({
      中央电视台: await count(`channel=${c('中央电视台')}`),
      央广网: await count(`channel=${c('央广网')}`),
      人民日报及公众号: await count(`outlet=${renminOutlet}`),
      新华网: await count(`channel=${c('新华网')}`),
      湖南日报市州头条: await count(`channel=${c('湖南日报')}&section=${c('市州头条')}`),
      湖南日报要闻: await count(`channel=${c('湖南日报')}&section=${c('要闻')}`),
      湖南日报要闻通讯: await count(`channel=${c('湖南日报')}&section=${c('要闻')}&genre=${c('通讯')}`),
      湖南卫视联播新闻: await count(`channel=${c('湖南卫视联播新闻')}`),
      学习强国: await count(`channel=${c('学习强国')}`),
      邵阳日报头版头条: await count(`channel=${c('邵阳日报')}&section=${c('头版')}&prominence=headline`),
      县区版头条: await count(`channel=${c('邵阳日报')}&section=${c('县区版')}&prominence=headline`),
      邵阳新闻网首页头条: await count(`channel=${c('邵阳新闻网')}&section=${c('首页')}&prominence=headline`),
    }).toEqual({
      中央电视台: 1,
      央广网: 1,
      人民日报及公众号: 6,
      新华网: 3,
      湖南日报市州头条: 2,
      湖南日报要闻: 11,
      湖南日报要闻通讯: 4,
      湖南卫视联播新闻: 13,
      学习强国: 12,
      邵阳日报头版头条: 1,
      县区版头条: 5,
      邵阳新闻网首页头条: 6,
    });
  });

  it('spreads placements over every month from June 2019 to December 2021', async () => {
    const s = await summary('groupBy=month&to=2021-12-22');
    expect(s.rows[0].key).toBe('2019-06');
    expect(s.rows.at(-1)!.key).toBe('2021-12');
    expect(s.rows).toHaveLength(31);
    expect(s.total).toBe(5899);
    const years = await summary('groupBy=year&to=2021-12-22');
    expect(years.rows.reduce((n, r) => n + r.count, 0)).toBe(5899);
  });

  it('adds nothing when the same ledger is imported again', async () => {
    const res = await api.http().post('/api/orgs/daxiang/imports').attach('file', LEDGER).expect(202);
    const done = await waitForIngestion(api, res.body.ingestionId, 120_000);
    expect(done).toMatchObject({ inserted: 0, duplicates: 5899 });
    expect((await summary('groupBy=tier')).total).toBe(5899);
  }, 180_000);
});

describe('npm run demo (the CLI)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('migrates, seeds, imports through the queue and prints the seed figures', async () => {
    const stdout = await runDemoCli(db, [], 120_000);
    expect(stdout).toContain('导入完成：新增 5899 条，重复 0 条');
    expect(stdout).toMatch(/中央级\s+50\n/);
    expect(stdout).toMatch(/省级\s+204\n/);
    expect(stdout).toMatch(/市级\s+507\n/);
    expect(stdout).toMatch(/区级\s+5138\n/);
    expect(stdout).toMatch(/湖南日报要闻\s+11\s+其中通讯稿 4/);
    expect(stdout).toContain('2021年（2021-01-01 至 2021-12-22）');
    // The demo organization's budget and profile from demo/daxiang/*.yaml, one line each.
    expect(stdout).toContain('预算已导入：邵阳市大祥区融媒体中心 2021 年，合计 150.36 万元（基本支出 91.58 万元，项目支出 58.78 万元，1 个项目）');
    expect(stdout).toContain('单位概况已导入：邵阳市大祥区融媒体中心（区融媒体中心），核定编制 8 名、实有 4 人，内设机构 4 个，主要职责 8 条');
    expect(stdout).toContain('2021 年度概况已导入：邵阳市大祥区融媒体中心，绩效目标 6 条，绩效情况 1 段，改进措施 1 条，上稿目标 4 项');
  }, 150_000);
});

// The committed ledger is what the committed script makes, byte for byte.
it('the committed demo ledger is exactly what scripts/make-demo-ledger.ts writes', async () => {
  const out = path.join(os.tmpdir(), `demo-ledger-${process.pid}.csv`);
  try {
    await run(process.execPath, [path.join(repoDir, 'dist/scripts/make-demo-ledger.js'), '--out', out], { cwd: repoDir });
    const fresh = readFileSync(out);
    expect(fresh.equals(readFileSync(LEDGER))).toBe(true);
    expect(fresh.toString('utf8').trim().split(/\r?\n/)).toHaveLength(5900);
  } finally {
    rmSync(out, { force: true });
  }
}, 60_000);
