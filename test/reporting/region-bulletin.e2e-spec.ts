import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deleteRedisKeys, repoDir, startApi, TestApi, testEnv } from '../support/harness';
import { asBuffer, createOrganization, LedgerEntry, loadLedger, markdownText, xlsxSheets } from '../support/reports';

/**
 * One bulletin across the three centres of a region, June 2021. By the
 * default points table (中央级 20, 省级 8, 市级 3 / 头条 5, 区级 0.5):
 *   东 1 central + 2 district = 21 points, 3 placements; target 100 for the year
 *   西 6 district = 3 points, 6 placements; target 10
 *   南 1 provincial headline (12) + 1 municipal = 15 points, 2 placements; no target
 * Ranked by points: 东, 南, 西. By 2021-06-30 (181 of 365 days) 东 should have 50 of 100
 * (ceil 49.59) and has 3 (behind); 西 should have 5 of 10 and has 6 (on pace).
 */
const REGION = '三区市';
const EAST = { slug: 'rb-east', name: '东区融媒体中心', region: REGION };
const WEST = { slug: 'rb-west', name: '西区融媒体中心', region: REGION };
const SOUTH = { slug: 'rb-south', name: '南区融媒体中心', region: REGION };

const at = (day: number) => `2021-06-${String(day).padStart(2, '0')}`;
const EAST_LEDGER: LedgerEntry[] = [
  { channel: '中央电视台', title: '东·央视', publishedOn: at(3), authors: ['甲记者'] },
  { channel: '大祥新闻网', title: '东·区级一', publishedOn: at(4) },
  { channel: '大祥新闻网', title: '东·区级二', publishedOn: at(5) },
];
const WEST_LEDGER: LedgerEntry[] = Array.from({ length: 6 }, (_, i) => ({ channel: '大祥新闻网', title: `西·区级${i}`, publishedOn: at(10 + i) }));
const SOUTH_LEDGER: LedgerEntry[] = [
  { channel: '湖南日报', title: '南·湖南日报头条', publishedOn: at(20), prominence: '头条', authors: ['乙记者', '丙记者'] },
  { channel: '邵阳日报', title: '南·邵阳日报', publishedOn: at(21) },
];

describe('the region bulletin over three organizations', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi();
    for (const o of [EAST, WEST, SOUTH]) await createOrganization(api, o);
    await loadLedger(api, EAST.slug, EAST_LEDGER);
    await loadLedger(api, WEST.slug, WEST_LEDGER);
    await loadLedger(api, SOUTH.slug, SOUTH_LEDGER);
    await api.http().put(`/api/orgs/${EAST.slug}/profile/2021`).send({ targets: { central: 10, provincial: 20, municipal: 30, district: 40 } }).expect(201);
    await api.http().put(`/api/orgs/${WEST.slug}/profile/2021`).send({ targets: { district: 10 } }).expect(201);
  }, 120_000);
  afterAll(() => api?.close());

  const bulletin = (format: string) => api.http().get(`/api/regions/${encodeURIComponent(REGION)}/reports/monthly`).query({ month: '2021-06', format });

  it('JSON: ranked by points with counts beside them, target completion per centre, the centres behind the pace, key articles', async () => {
    const d = (await bulletin('json').expect(200)).body.data;
    expect(d.region).toEqual({ name: REGION, slug: null });
    expect(d.docNumber).toBe('三区市宣通〔2021〕6号');
    expect(d.ranking.rows.map((r: { rank: number; organization: { slug: string }; total: number; points: number }) => [r.rank, r.organization.slug, r.total, r.points])).toEqual([
      [1, EAST.slug, 3, 21],
      [2, SOUTH.slug, 2, 15],
      [3, WEST.slug, 6, 3],
    ]);
    expect(d.completion).toEqual([
      { organization: { slug: EAST.slug, name: EAST.name }, yearToDate: 3, target: 100, rate: '3.00', expected: 50, behind: true },
      { organization: { slug: WEST.slug, name: WEST.name }, yearToDate: 6, target: 10, rate: '60.00', expected: 5, behind: false },
      { organization: { slug: SOUTH.slug, name: SOUTH.name }, yearToDate: 2, target: null, rate: null, expected: null, behind: false },
    ]);
    expect(d.keyArticles.map((a: { organization: string; title: string; authors: string }) => [a.organization, a.title, a.authors])).toEqual([
      [EAST.name, '东·央视', '甲记者'],
      [SOUTH.name, '南·湖南日报头条', '乙记者、丙记者'],
    ]);
  });

  it('Markdown: the official document with the ranking, completion, the centres behind, and the annex', async () => {
    const md = markdownText((await bulletin('md').expect(200)).text);
    expect(md.startsWith('三区市宣通〔2021〕6号\n\n# 三区市2021年6月各融媒体中心上稿情况通报')).toBe(true);
    expect(md).toContain('各县（市、区）融媒体中心：');
    expect(md).toContain('2021年6月，三区市3家融媒体中心共上稿11篇，积分39分，其中中央级1篇、省级1篇、市级1篇、区级8篇。');
    expect(md).toContain('| 1 | 东区融媒体中心 | 1 | 0 | 0 | 2 | 3 | 21 |');
    expect(md).toContain('| 西区融媒体中心 | 6 | 10 | 60.00% | 5 | 正常 |');
    expect(md).toContain('东区融媒体中心（累计3篇，应达50篇）上稿进度滞后于时序进度，请抓紧补齐。');
    expect(md).toContain('中共三区市委宣传部  \n2021年6月30日');
    expect(md).toContain('| 2 | 南区融媒体中心 | 南·湖南日报头条 | 湖南日报 | 乙记者、丙记者 | 2021-06-20 |');
  });

  it('Excel and Word open with the same figures', async () => {
    const sheets = await xlsxSheets((await asBuffer(bulletin('xlsx')).expect(200)).body as Buffer);
    expect(sheets['积分排名'].slice(1)).toEqual([
      [1, EAST.name, 1, 0, 0, 2, 3, 21],
      [2, SOUTH.name, 0, 1, 1, 0, 2, 15],
      [3, WEST.name, 0, 0, 0, 6, 6, 3],
      ['合计', '', 1, 1, 1, 8, 11, 39],
    ]);
    expect(sheets['重点稿件']).toHaveLength(3);
    await asBuffer(bulletin('docx')).expect(200);
  });

  it('the CLI writes it by the region name; a region is also addressed by its slug', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'pl-region-'));
    const own = testEnv(api.db);
    try {
      const cli = (...args: string[]) =>
        promisify(execFile)(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], { env: { ...process.env, ...own }, cwd: repoDir });
      const r = await cli('report', 'region-monthly', '--region', REGION, '--month', '2021-06', '--format', 'md', '--out', out);
      expect(r.stdout.trim()).toBe(path.join(out, 'region-monthly-2021-06.md'));
      expect(await readFile(path.join(out, 'region-monthly-2021-06.md'), 'utf8')).toContain('三区市宣通〔2021〕6号');
      await expect(cli('report', 'region-monthly', '--region', 'atlantis', '--month', '2021-06', '--out', out)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('atlantis') });
    } finally {
      await rm(out, { recursive: true, force: true });
      await deleteRedisKeys(own.QUEUE_PREFIX);
    }
    const bySlug = await api.http().get('/api/regions/shaoyang/reports/monthly').query({ month: '2021-06', format: 'json' }).expect(200);
    expect(bySlug.body.data.region).toEqual({ name: '邵阳市', slug: 'shaoyang' });
    expect(bySlug.headers['content-disposition']).toContain('shaoyang-monthly-2021-06.json');
  });
});
