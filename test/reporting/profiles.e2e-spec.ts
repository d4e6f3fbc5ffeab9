import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { repoDir, startApi, TestApi } from '../support/harness';

const execFileP = promisify(execFile);
const demoFile = (name: string) => path.join(repoDir, 'demo', 'daxiang', name);
const DEMO_PROFILE = YAML.parse(readFileSync(demoFile('profile.yaml'), 'utf8'));
const DEMO_2021 = YAML.parse(readFileSync(demoFile('profile-2021.yaml'), 'utf8'));

describe('organization profiles (PUT/GET /api/orgs/:org/profile[/:year])', () => {
  let api: TestApi;
  let tmp: string;
  const profileRows = async () => {
    const rows: { year_key: number; document: string }[] = await api.dataSource.query(
      'SELECT year_key, document FROM organization_profiles ORDER BY year_key',
    );
    return rows.map((r) => ({ yearKey: Number(r.year_key), document: JSON.parse(r.document) }));
  };
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await execFileP(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], {
        env: { ...process.env, ...api.env },
        cwd: repoDir,
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    api = await startApi({ withWorker: false });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'profiles-e2e-'));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('has no profile until one is written: 404s naming what is missing', async () => {
    const standing = await api.http().get('/api/orgs/daxiang/profile').expect(404);
    expect(standing.body.message).toBe('organization "daxiang" has no profile');
    const year = await api.http().get('/api/orgs/daxiang/profile/2021').expect(404);
    expect(year.body.errors).toEqual([{ field: 'year', message: 'no profile for 2021' }]);
    await api.http().get('/api/orgs/nowhere/profile').expect(404);
  });

  it('stores the demo standing profile and gives it back; a second PUT replaces it', async () => {
    const put = await api.http().put('/api/orgs/daxiang/profile').send(DEMO_PROFILE).expect(201);
    expect(put.body).toEqual(DEMO_PROFILE);
    const got = await api.http().get('/api/orgs/daxiang/profile').expect(200);
    expect(got.body).toEqual(DEMO_PROFILE);
    expect(got.body.establishment).toEqual({ authorized: 8, actual: 4, kind: '全额事业编' });
    expect(got.body.duties).toHaveLength(8);

    const minimal = { shortName: ' 区融媒体中心 ', establishment: { authorized: 8, actual: 5 } };
    expect((await api.http().put('/api/orgs/daxiang/profile').send(minimal).expect(200)).body).toEqual({
      shortName: '区融媒体中心',
      nature: null,
      supervisor: null,
      units: [],
      establishment: { authorized: 8, actual: 5, kind: null },
      leadership: [],
      duties: [],
    });
    await api.http().put('/api/orgs/daxiang/profile').send(DEMO_PROFILE).expect(200);
    expect((await profileRows()).filter((r) => r.yearKey === 0)).toEqual([{ yearKey: 0, document: DEMO_PROFILE }]);
  });

  it('stores a year profile with goals, achievements, improvements and targets', async () => {
    const put = await api.http().put('/api/orgs/daxiang/profile/2021').send(DEMO_2021).expect(201);
    expect(put.body).toEqual({ year: 2021, ...DEMO_2021 });
    const got = (await api.http().get('/api/orgs/daxiang/profile/2021').expect(200)).body;
    expect(got.goals).toHaveLength(6);
    expect(got.placementsLead).toBe('紧扣时代主题，不断提升新闻策划宣传质量。');
    expect(got.targets).toEqual({ central: 12, provincial: 80, municipal: 200, district: 2000 });
    // GET's body is accepted back unchanged; a year that is not the path's is refused.
    await api.http().put('/api/orgs/daxiang/profile/2021').send(got).expect(200);
    const other = await api.http().put('/api/orgs/daxiang/profile/2022').send(got).expect(400);
    expect(other.body.errors).toEqual([{ field: 'year', message: 'year 2021 does not match the year being written, 2022' }]);
    expect((await api.http().put('/api/orgs/daxiang/profile/2022').send({}).expect(201)).body).toEqual({
      year: 2022,
      goals: [],
      achievements: [],
      placementsLead: null,
      improvements: [],
      targets: {},
    });
  });

  it('refuses bad profiles naming the fields, and keeps what was stored', async () => {
    const before = await profileRows();
    const standing = async (body: unknown) =>
      (await api.http().put('/api/orgs/daxiang/profile').send(body as object).expect(400)).body.errors as { field: string; message: string }[];

    expect(await standing({ ...DEMO_PROFILE, shortName: undefined })).toEqual([{ field: 'shortName', message: 'shortName is required' }]);
    expect(await standing({ ...DEMO_PROFILE, establishment: { authorized: -1, actual: 4.5 } })).toEqual([
      { field: 'establishment.authorized', message: 'establishment.authorized must be at least 0' },
      { field: 'establishment.actual', message: 'establishment.actual must be a whole number' },
    ]);
    expect(await standing({ ...DEMO_PROFILE, staff: 4, establishment: { ...DEMO_PROFILE.establishment, vacancies: 4 } })).toEqual(
      expect.arrayContaining([
        { field: 'staff', message: 'unknown field staff' },
        { field: 'establishment.vacancies', message: 'unknown field establishment.vacancies' },
      ]),
    );
    expect(await standing({ ...DEMO_PROFILE, duties: '完成区委交办的其他任务' })).toEqual([
      { field: 'duties', message: 'duties must be a list of paragraphs (strings)' },
    ]);
    expect(await standing({ ...DEMO_PROFILE, units: ['采编部', ' '] })).toEqual([{ field: 'units.1', message: 'units.1 must not be empty' }]);
    expect(await standing({ ...DEMO_PROFILE, leadership: [{ title: '主任', count: 1 }, { title: '主任', count: 2 }] })).toEqual([
      { field: 'leadership.1.title', message: 'leadership.1.title "主任" appears twice' },
    ]);
    expect(await standing(['区融媒体中心'])).toEqual([
      { field: 'body', message: 'body must be an object {shortName, nature, supervisor, units, establishment, leadership, duties}' },
    ]);

    const annual = await api.http().put('/api/orgs/daxiang/profile/2021').send({ goals: [1], targets: { central: -1, national: 3 } }).expect(400);
    expect(annual.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'goals.0', message: 'goals.0 must be a string' },
        { field: 'targets.central', message: 'targets.central must be at least 0' },
        { field: 'targets.national', message: 'unknown field targets.national' },
      ]),
    );
    for (const year of ['1989', '3000', 'next']) {
      const r = await api.http().put(`/api/orgs/daxiang/profile/${year}`).send(DEMO_2021).expect(400);
      expect(r.body.errors).toEqual([{ field: 'year', message: 'year must be a fiscal year between 1990 and 2999' }]);
    }
    expect(await profileRows()).toEqual(before);
  });

  describe('npm run cli -- profile import', () => {
    it('imports the demo standing profile (YAML) and a year profile (JSON)', async () => {
      const standing = await cli('profile', 'import', 'demo/daxiang/profile.yaml', '--org', 'daxiang');
      expect(standing).toMatchObject({ code: 0, stderr: '' });
      expect(standing.stdout.trim()).toBe(
        '单位概况已更新：邵阳市大祥区融媒体中心（区融媒体中心），核定编制 8 名、实有 4 人，内设机构 4 个，主要职责 8 条',
      );

      const file = path.join(tmp, 'profile-2020.json');
      writeFileSync(file, JSON.stringify({ goals: ['加快推进区融媒体中心建设'], improvements: ['加强资金管理'], targets: { district: 1500 } }));
      const year = await cli('profile', 'import', file, '--org', 'daxiang', '--year', '2020');
      expect(year).toMatchObject({ code: 0, stderr: '' });
      expect(year.stdout.trim()).toBe('2020 年度概况已导入：邵阳市大祥区融媒体中心，绩效目标 1 条，绩效情况 0 段，改进措施 1 条，上稿目标 1 项');
      expect((await api.http().get('/api/orgs/daxiang/profile/2020').expect(200)).body).toMatchObject({
        goals: ['加快推进区融媒体中心建设'],
        targets: { district: 1500 },
      });

      const demo2021 = await cli('profile', 'import', 'demo/daxiang/profile-2021.yaml', '--org', 'daxiang', '--year', '2021');
      expect(demo2021.code).toBe(0);
      expect((await api.http().get('/api/orgs/daxiang/profile/2021').expect(200)).body).toEqual({ year: 2021, ...DEMO_2021 });
    });

    it('reports a bad profile in one line and exits 2, writing nothing', async () => {
      const before = await profileRows();
      const bad = path.join(tmp, 'bad.yaml');
      writeFileSync(bad, 'shortName: 区融媒体中心\nestablishment: {authorized: 8, actual: -4}\n');
      const r = await cli('profile', 'import', bad, '--org', 'daxiang');
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual(['placement-ledger: 单位概况未保存：establishment.actual must be at least 0']);

      const broken = path.join(tmp, 'broken.yaml');
      writeFileSync(broken, 'goals: [一\nimprovements: 二\n');
      const y = await cli('profile', 'import', broken, '--org', 'daxiang', '--year', '2021');
      expect(y.code).toBe(2);
      expect(y.stderr.trim().split('\n')).toHaveLength(1);
      expect(y.stderr).toContain('broken.yaml is not valid YAML');

      const xlsx = await cli('profile', 'import', 'profile.xlsx', '--org', 'daxiang');
      expect(xlsx.code).toBe(2);
      expect(xlsx.stderr).toContain('profile file must be .yaml, .yml or .json');
      expect(await profileRows()).toEqual(before);
    });
  });
});
