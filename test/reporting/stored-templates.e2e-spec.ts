import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_TEMPLATE, DEFAULT_POINTS_FILE, DEFAULT_INDICATORS_FILE } from '@pl/reporting';
import { addUser, signIn, createTestDatabase, repoDir, startApi, TestApi, TestDatabase, uniquePrefix, waitForIngestion } from '../support/harness';
import { createOrganization, markdownText } from '../support/reports';

const run = promisify(execFile);

/** The default report template with other highlight lines: a template of the organization's own. */
const ownReportTemplate = {
  ...DEFAULT_TEMPLATE,
  name: '大祥自定模板',
  highlights: [
    { label: '湖南日报市州头条稿件', filter: { channel: '湖南日报', section: '市州头条' } },
    { label: '湖南卫视联播', filter: { channel: '湖南新闻联播' }, of: { label: '视频', filter: { genre: 'video' } } },
  ],
};

/** A region's report template: its own 发文字号 pattern and highlight line. */
const regionReportTemplate = {
  ...DEFAULT_TEMPLATE,
  name: '邵阳市统一模板',
  highlights: [{ label: '邵阳日报县区版', filter: { channel: '邵阳日报', section: '县区版' } }],
  bulletin: { ...DEFAULT_TEMPLATE.bulletin, regionDocNumber: '邵宣字〔{year}〕{month}号' },
};

/** The same points for a headline and any other placement of a tier, so that the expected total comes from the tier counts alone. */
const FLAT_POINTS = { central: 9, provincial: 4, municipal: 2.5, district: 1 };
const flatPointsYaml = `name: 邵阳市上稿积分（测试）
points:
${Object.entries(FLAT_POINTS)
  .map(([tier, p]) => `  ${tier}: {headline: ${p}, normal: ${p}}`)
  .join('\n')}
authorCredit: split
`;

/**
 * Templates per organization and region, stored in the database, uploaded
 * through the API and the CLI: the report endpoints, another API process
 * and the queue's worker all render with them; the organization's own wins
 * over its region's, which wins over the default.
 */
describe('templates stored per organization and region', () => {
  let db: TestDatabase;
  let api: TestApi;
  let dir: string;
  const cli = (args: string[]) =>
    run(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], { env: { ...process.env, ...api.env }, cwd: repoDir }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const highlightLabels = async (slug: string) =>
    (await api.http().get(`/api/orgs/${slug}/reports/annual?year=2021&format=json`).expect(200)).body.data.placements.highlights.map((h: { label: string }) => h.label);

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi({ db });
    dir = mkdtempSync(path.join(os.tmpdir(), 'pl-stored-template-'));
    await createOrganization(api, { slug: 'beixiang', name: '邵阳市北乡区融媒体中心', region: '邵阳市' });
    const res = await api.http().post('/api/orgs/daxiang/imports').attach('file', path.join(repoDir, 'test/fixtures/ledgers/valid.csv')).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the defaults until something is stored', async () => {
    const res = await api.http().get('/api/orgs/daxiang/templates').expect(200);
    expect(res.body.templates.map((t: { kind: string; source: string }) => [t.kind, t.source])).toEqual([
      ['report', 'default'],
      ['indicators', 'default'],
      ['points', 'default'],
    ]);
    const points = await api.http().get('/api/orgs/daxiang/templates/points/content').expect(200);
    expect(points.headers['content-type']).toMatch(/^application\/yaml/);
    expect(points.text).toBe(readFileSync(DEFAULT_POINTS_FILE, 'utf8'));
  });

  it("an organization's own report template (JSON): its reports list its lines; another organization of the region keeps the default", async () => {
    const defaultLabels = await highlightLabels('beixiang');
    expect(defaultLabels).toEqual(DEFAULT_TEMPLATE.highlights.map((h) => h.label));
    const editor = await addUser(api, { username: '王编辑', role: 'editor', org: 'daxiang' });
    const put = await (await signIn(api, editor.username, editor.password))()
      .put('/api/orgs/daxiang/templates/report')
      .set('content-type', 'application/json')
      .send(JSON.stringify(ownReportTemplate, null, 2))
      .expect(201);
    expect(put.body).toMatchObject({ kind: 'report', source: 'organization', organization: 'daxiang', format: 'json', updatedBy: 'user:王编辑' });
    expect(put.body.template.name).toBe('大祥自定模板');

    expect(await highlightLabels('daxiang')).toEqual(['湖南日报市州头条稿件', '湖南卫视联播']);
    const md = markdownText((await api.http().get('/api/orgs/daxiang/reports/annual?year=2021&format=md').expect(200)).text);
    expect(md).toContain('在湖南日报市州头条稿件上稿1篇，湖南卫视联播上稿1篇(其中视频1篇)');
    expect(await highlightLabels('beixiang')).toEqual(defaultLabels);

    // Replacing it: 200.
    await api.http().put('/api/orgs/daxiang/templates/report').set('content-type', 'application/json').send(JSON.stringify(ownReportTemplate)).expect(200);
  });

  it("a region's report template applies to its organizations without their own; the organization's own wins; deleting it brings the region's back", async () => {
    await api
      .http()
      .put('/api/regions/shaoyang/templates/report')
      .set('content-type', 'application/json')
      .send(JSON.stringify(regionReportTemplate))
      .expect(201);
    expect(await highlightLabels('beixiang')).toEqual(['邵阳日报县区版']);
    expect(await highlightLabels('daxiang')).toEqual(['湖南日报市州头条稿件', '湖南卫视联播']);
    expect((await api.http().get('/api/orgs/beixiang/templates/report').expect(200)).body).toMatchObject({ source: 'region', region: '邵阳市' });

    // The region bulletin uses the region's: its 发文字号.
    const bulletin = markdownText((await api.http().get('/api/regions/shaoyang/reports/monthly?month=2021-03&format=md').expect(200)).text);
    expect(bulletin).toContain('邵宣字〔2021〕3号');

    await api.http().delete('/api/orgs/daxiang/templates/report').expect(204);
    await api.http().delete('/api/orgs/daxiang/templates/report').expect(404);
    expect(await highlightLabels('daxiang')).toEqual(['邵阳日报县区版']);
    expect((await api.http().get('/api/orgs/daxiang/templates/report').expect(200)).body.source).toBe('region');
  });

  it('a points table stored for the region (YAML): the summary and the rankings count by it', async () => {
    const put = await api.http().put('/api/regions/邵阳市/templates/points').set('content-type', 'application/yaml').send(flatPointsYaml).expect(201);
    expect(put.body).toMatchObject({ source: 'region', region: '邵阳市', format: 'yaml', content: flatPointsYaml });

    const summary = (await api.http().get('/api/orgs/daxiang/summary?groupBy=tier&from=2021-01-01&to=2021-12-31&points=true').expect(200)).body;
    const expected = (summary.rows as { key: keyof typeof FLAT_POINTS; count: number }[]).reduce((s, r) => s + r.count * FLAT_POINTS[r.key], 0);
    expect(summary.total).toBe(5);
    expect(summary.points).toBe(expected);
    for (const r of summary.rows) expect(r.points).toBe(r.count * FLAT_POINTS[r.key as keyof typeof FLAT_POINTS]);

    const ranking = (await api.http().get('/api/regions/shaoyang/rankings?from=2021-01-01&to=2021-12-31&sortBy=points').expect(200)).body;
    expect(ranking.rows[0]).toMatchObject({ organization: { slug: 'daxiang' }, points: expected });
    const authors = (await api.http().get('/api/orgs/daxiang/rankings/authors?from=2021-01-01&to=2021-12-31').expect(200)).body;
    expect(authors.pointsTable).toEqual({ name: '邵阳市上稿积分（测试）', authorCredit: 'split' });
  });

  it('a points table is per region: an organization cannot have its own (400 naming kind)', async () => {
    const res = await api.http().put('/api/orgs/daxiang/templates/points').set('content-type', 'application/yaml').send(flatPointsYaml).expect(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'kind' });
    expect(res.body.errors[0].message).toMatch(/per region/);
  });

  it('refuses an indicator template whose weights do not sum to 100, naming the lines, and stores nothing', async () => {
    const bad = readFileSync(DEFAULT_INDICATORS_FILE, 'utf8').replace('    weight: 5\n', '    weight: 3\n');
    const res = await api.http().put('/api/orgs/daxiang/templates/indicators').set('content-type', 'application/yaml').send(bad).expect(400);
    const lines = bad.split('\n');
    const firstWeight = lines.findIndex((l) => l === '    weight: 3') + 1;
    const message = res.body.errors.map((e: { message: string }) => e.message).join('\n');
    // Every weight's line is named, the changed one first.
    expect(message).toMatch(new RegExp(`^lines ${firstWeight}, [\\d, ]+: the weights sum to 98, not 100`, 'm'));
    expect((await api.http().get('/api/orgs/daxiang/templates/indicators').expect(200)).body.source).toBe('default');

    const broken = await api.http().put('/api/orgs/daxiang/templates/indicators').set('content-type', 'application/yaml').send('name: x\nindicators:\n  - id: [\n').expect(400);
    expect(broken.body.errors[0].message).toMatch(/^line \d+/);
    await api.http().put('/api/orgs/daxiang/templates/nope').set('content-type', 'application/yaml').send('name: x').expect(400);
    expect((await api.http().put('/api/orgs/daxiang/templates/report').expect(400)).body.errors[0].field).toBe('body');
    expect((await api.http().put('/api/orgs/daxiang/templates/report').set('content-type', 'text/plain').send('name: x').expect(415)).body.errors[0].field).toBe('content-type');
    await api.http().get('/api/regions/nowhere/templates/report').expect(404);
    await api.http().get('/api/orgs/nobody/templates/report').expect(404);
  });

  it('the CLI stores an indicator template from a YAML file; the self-evaluation table and its entries use it; a bad file names the lines', async () => {
    // Two indicators merged into one: 社会效益 takes the 10 of 服务对象满意度.
    const text = readFileSync(DEFAULT_INDICATORS_FILE, 'utf8');
    const start = text.indexOf('  - id: satisfaction');
    const own = text.slice(0, start).replace(/(id: social-benefit[\s\S]*?weight: )10/, '$120');
    expect(own).not.toBe(text.slice(0, start));
    writeFileSync(path.join(dir, 'indicators.yaml'), own);
    const set = await cli(['template', 'set', path.join(dir, 'indicators.yaml'), '--kind', 'indicators', '--org', 'daxiang', '--actor', '李审核']);
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toContain('模板已保存：邵阳市大祥区融媒体中心 绩效自评指标');

    const ev = (await api.http().get('/api/orgs/daxiang/reports/self-evaluation?year=2021&format=json').expect(200)).body.data.selfEvaluation;
    expect(ev.indicators.map((i: { id: string }) => i.id)).not.toContain('satisfaction');
    expect(ev.indicators.find((i: { id: string }) => i.id === 'social-benefit').weight).toBe(20);
    expect((await api.http().get('/api/orgs/daxiang/templates/indicators').expect(200)).body).toMatchObject({ source: 'organization', updatedBy: 'cli:李审核' });
    // Entries are checked against it: satisfaction is no longer an indicator.
    const refused = await api
      .http()
      .put('/api/orgs/daxiang/self-evaluation/2021/entries')
      .send({ entries: [{ indicator: 'satisfaction', value: '90' }] })
      .expect(400);
    expect(refused.body.errors[0].field).toBe('entries.0.indicator');
    await api.http().put('/api/orgs/daxiang/self-evaluation/2021/entries').send({ entries: [{ indicator: 'social-benefit', score: 18 }] }).expect(200);

    const shown = await cli(['template', 'show', '--kind', 'indicators', '--org', 'daxiang']);
    expect(shown.stdout).toBe(own);
    expect(shown.stderr).toContain('本单位');

    writeFileSync(path.join(dir, 'bad.yaml'), own.replace(/(id: social-benefit[\s\S]*?weight: )20/, '$119'));
    const bad = await cli(['template', 'set', path.join(dir, 'bad.yaml'), '--kind', 'indicators', '--org', 'daxiang']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml: invalid template\n\s+lines [\d, ]+: the weights sum to 99, not 100/);
    const pts = await cli(['template', 'set', path.join(dir, 'indicators.yaml'), '--kind', 'points', '--org', 'daxiang']);
    expect(pts.code).toBe(2);
  }, 240_000); // four CLI runs, each starting Nest, on a shared machine

  it('another API process and the queue worker render with the stored templates', async () => {
    const prefix = uniquePrefix();
    // A second API that queues every report, and a third process whose worker renders them: same database, same queue.
    const queuing = await startApi({ db, withWorker: false, env: { REPORT_SYNC_LIMIT: '1', QUEUE_PREFIX: prefix } });
    const worker = await startApi({ db, withWorker: true, env: { QUEUE_PREFIX: prefix } });
    try {
      await queuing
        .http()
        .put('/api/orgs/daxiang/templates/report')
        .set('content-type', 'application/json')
        .send(JSON.stringify(ownReportTemplate))
        .expect(201);
      const queued = await queuing.http().get('/api/orgs/daxiang/reports/annual?year=2021&format=json').expect(202);
      let job = queued.body;
      for (let i = 0; i < 300 && job.state !== 'completed' && job.state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await queuing.http().get(`/api/reports/${queued.body.id}`).expect(200)).body;
      }
      expect(job.state).toBe('completed');
      const file = await queuing.http().get(job.fileUrl).expect(200);
      expect(JSON.parse(file.text).data.placements.highlights.map((h: { label: string }) => h.label)).toEqual(['湖南日报市州头条稿件', '湖南卫视联播']);
      // The first API reads the same one.
      expect(await highlightLabels('daxiang')).toEqual(['湖南日报市州头条稿件', '湖南卫视联播']);
    } finally {
      await queuing.close();
      await worker.close();
    }
  }, 60_000);
});
