import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { addUser, signIn, createTestDatabase, repoDir, runDemoCli, startApi, TestApi, TestDatabase, testEnv, deleteRedisKeys } from '../support/harness';
import { printWithLibreOffice } from '../support/office';
import { asBuffer, markdownText, xlsxSheets } from '../support/reports';

/**
 * The self-evaluation table (自评表) of the demo organization, 2021, as of
 * 2021-12-22, from its data: the figures below are checked by hand against
 * demo/daxiang (ledger, budget-2021.yaml, profile-2021.yaml) and the default
 * indicator template. The seed has no adjusted budget, 三公经费, 结转结余 or
 * highlight target, and nobody has scored anything: those rows are 未评.
 */
const HAND_CHECKED: [string, string | null, string | null][] = [
  // id, actual, score
  ['goal-setting', null, null],
  ['budget-preparation', null, null],
  ['budget-execution', null, null], // no adjusted budget (调整后预算) in the seed
  ['budget-adjustment', null, null],
  ['carryover', null, null],
  ['three-public', null, null],
  ['management-rules', null, null],
  ['funds-compliance', null, null],
  ['disclosure', null, null],
  ['placements-central', '20篇', '6.00'], // target 12: 20 ≥ 12, full 6
  ['placements-provincial', '92篇', '6.00'], // target 80
  ['placements-municipal', '228篇', '6.00'], // target 200
  ['placements-district', '2469篇', '6.00'], // target 2000
  ['highlights', '61篇', null], // 1+1+6+3+2+11+13+12+1+5+6, but no target
  ['timeliness', null, null],
  ['social-benefit', null, null],
  ['satisfaction', null, null],
];

describe('the self-evaluation table (自评表) of daxiang 2021, and the office files', () => {
  let db: TestDatabase;
  let api: TestApi;
  const url = '/api/orgs/daxiang/reports/self-evaluation?year=2021&asOf=2021-12-22';

  beforeAll(async () => {
    db = await createTestDatabase();
    await runDemoCli(db, ['--no-reports']);
    api = await startApi({ db, withWorker: false });
  }, 200_000);
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('JSON: every indicator as hand-checked, total 24.00 of the 4 scored rows, incomplete, no grade', async () => {
    const res = await api.http().get(`${url}&format=json`).expect(200);
    const ev = res.body.data.selfEvaluation;
    expect(ev.indicators.map((i: { id: string; actual: string | null; score: string | null }) => [i.id, i.actual, i.score])).toEqual(HAND_CHECKED);
    expect(ev).toMatchObject({ total: '24.00', grade: null, complete: false, unscored: 13 });
    expect(ev.indicators[2]).toMatchObject({ level1: '过程', level2: '预算执行', level3: '预算执行率', weight: 10, target: '100%', deviation: '未录入调整后预算' });
    expect(ev.indicators[9]).toMatchObject({ level1: '产出', level2: '上稿数量', level3: '中央级媒体上稿', target: '12篇', deviation: null });
    expect(ev.indicators[13]).toMatchObject({ target: '未设定', deviation: '未设定年度目标' });
  });

  it('the annual report carries the same table and states 目标完成情况 from the same figures', async () => {
    const json = (await api.http().get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=json').expect(200)).body.data;
    const standalone = (await api.http().get(`${url}&format=json`).expect(200)).body.data.selfEvaluation;
    expect(json.selfEvaluation).toEqual(standalone);
    const md = markdownText((await api.http().get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=md').expect(200)).text);
    expect(md).toContain('目标完成情况：预算执行率未评（未录入调整后预算）；预算调整率未评（未录入年初预算）；');
    expect(md).toContain('；中央级媒体上稿20篇，指标值12篇，得6.00分；省级媒体上稿92篇，指标值80篇，得6.00分；');
    expect(md).toContain('；重点媒体及重要版面上稿未评（未设定年度目标）。');
    expect(md).toContain('已评指标合计得分24.00分；尚有13项指标未评，自评结果不完整，暂不评定等级。');
    expect(md).toContain('| 产出 | 上稿数量 | 区级媒体发稿 | 6 | 2000篇 | 2469篇 | 6.00 |  |');
    expect(md).toContain('| 合计 |  |  | 100 |  |  | 24.00（不完整） | 13项未评，不评定等级 |');
    // 落款: the organization and the date, last.
    expect(md.trimEnd().endsWith('邵阳市大祥区融媒体中心  \n2021年12月22日')).toBe(true);
  });

  it('editors enter values and scores through the API; who entered them is kept; the table follows', async () => {
    const editor = await addUser(api, { username: '王编辑', role: 'editor', org: 'daxiang' });
    const put = await (await signIn(api, editor.username, editor.password))()
      .put('/api/orgs/daxiang/self-evaluation/2021/entries')
      .send({
        entries: [
          { indicator: 'satisfaction', value: '92.5%' },
          { indicator: 'management-rules', value: '是' },
          { indicator: 'goal-setting', score: 4.5, reason: '个别绩效目标未细化量化' },
          { indicator: 'highlights', reason: '年初未设定重点稿件目标' },
        ],
      })
      .expect(200);
    expect(put.body.entries).toHaveLength(4);
    expect(put.body.entries.find((e: { indicator: string }) => e.indicator === 'satisfaction')).toMatchObject({ value: '92.5', enteredBy: 'user:王编辑' });

    const ev = (await api.http().get(`${url}&format=json`).expect(200)).body.data.selfEvaluation;
    const row = (id: string) => ev.indicators.find((i: { id: string }) => i.id === id);
    expect(row('satisfaction')).toMatchObject({ actual: '92.5%', score: '10.00', enteredBy: 'user:王编辑' });
    expect(row('management-rules')).toMatchObject({ actual: '是', score: '2.00' });
    expect(row('goal-setting')).toMatchObject({ score: '4.50', deviation: '个别绩效目标未细化量化' });
    expect(row('highlights')).toMatchObject({ score: null, deviation: '年初未设定重点稿件目标' });
    // 24 + 10 + 2 + 4.5
    expect(ev).toMatchObject({ total: '40.50', complete: false, unscored: 10 });

    const listed = (await api.http().get('/api/orgs/daxiang/self-evaluation/2021').expect(200)).body;
    expect(listed.entries.map((e: { indicator: string }) => e.indicator)).toEqual(['goal-setting', 'highlights', 'management-rules', 'satisfaction']);
    expect(listed.template.indicators).toHaveLength(17);

    await api.http().delete('/api/orgs/daxiang/self-evaluation/2021/entries/goal-setting').expect(204);
    await api.http().delete('/api/orgs/daxiang/self-evaluation/2021/entries/goal-setting').expect(404);
    expect((await api.http().get(`${url}&format=json`).expect(200)).body.data.selfEvaluation.total).toBe('36.00');
  });

  it.each([
    ['a computed indicator', { indicator: 'budget-execution', value: '99' }, 'entries.0.value', /computed from budget\.executionRate/],
    ['a score for a scored rule', { indicator: 'satisfaction', score: 10 }, 'entries.0.score', /scored by its bands rule/],
    ['a score above the weight', { indicator: 'timeliness', score: 9 }, 'entries.0.score', /from 0 to 8/],
    ['not a yes/no', { indicator: 'disclosure', value: '也许' }, 'entries.0.value', /是 or 否/],
    ['not a number', { indicator: 'satisfaction', value: '很好' }, 'entries.0.value', /must be a number/],
    ['an unknown indicator', { indicator: 'nope', value: '1' }, 'entries.0.indicator', /not an indicator/],
    ['an unknown field', { indicator: 'timeliness', score: 1, note: 'x' }, 'entries.0.note', /unknown field/],
  ])('refuses %s with a 400 naming the field, and writes nothing', async (_name, entry, field, message) => {
    const before = (await api.http().get('/api/orgs/daxiang/self-evaluation/2021').expect(200)).body.entries;
    const res = await api
      .http()
      .put('/api/orgs/daxiang/self-evaluation/2021/entries')
      .send({ entries: [{ indicator: 'timeliness', score: 7 }, entry] })
      .expect(400);
    const err = res.body.errors.find((e: { field: string }) => e.field === field.replace('entries.0', 'entries.1'));
    expect(err?.message).toMatch(message);
    expect((await api.http().get('/api/orgs/daxiang/self-evaluation/2021').expect(200)).body.entries).toEqual(before);
  });

  it('the CLI writes the table (report self-evaluation) and takes entries with who entered them (evaluation set)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'pl-self-eval-'));
    const own = testEnv(db);
    const env = { ...process.env, ...own };
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], { env, cwd: repoDir });
    try {
      const set = await cli('evaluation', 'set', '--org', 'daxiang', '--year', '2021', '--indicator', 'disclosure', '--value', '是', '--actor', '李审核');
      expect(set.stdout).toContain('已录入');
      const r = await cli('report', 'self-evaluation', '--org', 'daxiang', '--year', '2021', '--as-of', '2021-12-22', '--format', 'md,json', '--out', out);
      expect(r.stdout.trim().split('\n')).toEqual([path.join(out, 'daxiang-self-evaluation-2021.md'), path.join(out, 'daxiang-self-evaluation-2021.json')]);
      const md = markdownText(await readFile(path.join(out, 'daxiang-self-evaluation-2021.md'), 'utf8'));
      expect(md).toContain('# 2021年邵阳市大祥区融媒体中心部门整体支出绩效自评表');
      expect(md).toContain('| 过程 | 预算管理 | 信息公开 | 2 | 按规定公开预决算信息 | 是 | 2.00 |  |');
      const json = JSON.parse(await readFile(path.join(out, 'daxiang-self-evaluation-2021.json'), 'utf8'));
      expect(json.data.selfEvaluation.indicators.find((i: { id: string }) => i.id === 'disclosure').enteredBy).toBe('cli:李审核');
      await expect(cli('report', 'self-evaluation', '--org', 'daxiang', '--format', 'md', '--out', out)).rejects.toMatchObject({ code: 2 });
    } finally {
      await rm(out, { recursive: true, force: true });
      await deleteRedisKeys(own.QUEUE_PREFIX);
    }
  });

  it('Word: the annual report with the table opens in LibreOffice; the table has one row per indicator on landscape pages', async () => {
    const docx = (await asBuffer(api.http().get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=docx')).expect(200)).body as Buffer;
    const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
    const table = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]).find((t) => t.includes('三级指标'))!;
    const rows = [...table.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) => [...r[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]));
    const indicatorRows = rows.filter((r) => ['决策', '过程', '产出', '效益'].includes(r[0] ?? ''));
    expect(indicatorRows).toHaveLength(17);
    expect(rows).toHaveLength(17 + 2); // the header and 合计
    expect(xml).toMatch(/<w:pgSz [^>]*w:orient="landscape"/);
    // 小标宋 and 黑体 get no bold at all (a fake bold of display faces).
    const styles = await (await JSZip.loadAsync(docx)).file('word/styles.xml')!.async('string');
    for (const id of ['Title', 'Heading1', 'Heading2']) {
      const style = new RegExp(`<w:style [^>]*w:styleId="${id}"[\\s\\S]*?</w:style>`).exec(styles)![0];
      expect(style).not.toMatch(/<w:b[ />]/);
    }

    const pages = await printWithLibreOffice(docx, 'docx');
    expect(pages.length).toBeGreaterThan(5);
    const tablePages = pages.filter((p) => /一级\s*指标/.test(p.text) || p.text.includes('服务对象满意度'));
    expect(tablePages.length).toBeGreaterThanOrEqual(1);
    for (const p of tablePages) expect(p.width).toBeGreaterThan(p.height);
    const all = pages.map((p) => p.text).join('\n').replace(/\s+/g, '');
    for (const name of ['预算执行率', '三公经费控制率', '中央级媒体上稿', '服务对象满意度']) expect(all).toContain(name);
    // The 落款 ends the document.
    expect(all.endsWith('邵阳市大祥区融媒体中心2021年12月22日') || /邵阳市大祥区融媒体中心2021年12月22日—\d+—$/.test(all)).toBe(true);
  }, 300_000);

  it('Excel: the 2,809-row ledger sheet prints on at most 60 landscape pages, the header row on every page', async () => {
    const xlsx = (await asBuffer(api.http().get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=xlsx')).expect(200)).body as Buffer;
    const sheets = await xlsxSheets(xlsx);
    expect(sheets['上稿台账']).toHaveLength(1 + 2809 + 1); // header, rows, 合计
    const pages = await printWithLibreOffice(xlsx, 'xlsx');
    const ledgerPages = pages.filter((p) => /^\s*2021-\d\d-\d\d\s/m.test(p.text));
    expect(ledgerPages.length).toBeGreaterThan(10);
    expect(ledgerPages.length).toBeLessThanOrEqual(60);
    for (const p of ledgerPages) {
      expect(p.width).toBeGreaterThan(p.height);
      expect(p.text).toMatch(/刊发日期\s+标题\s+媒体\s+层级/);
    }
    const printedRows = ledgerPages.reduce((n, p) => n + (p.text.match(/^\s*2021-\d\d-\d\d\s/gm) ?? []).length, 0);
    expect(printedRows).toBe(2809);
    console.log(`ledger sheet: ${ledgerPages.length} landscape pages for 2809 rows; the workbook: ${pages.length} pages`);
  }, 300_000);
});
