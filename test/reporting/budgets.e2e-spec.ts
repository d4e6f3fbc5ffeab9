import { Workbook } from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Budget, Organization } from '@pl/persistence';
import { BudgetsService } from '@pl/reporting';
import { repoDir, startApi, TestApi } from '../support/harness';

const execFileP = promisify(execFile);

const SEED = {
  unit: '万元',
  total: '150.36',
  basic: { total: '91.58', personnel: '37.38', public: '26.69', capital: '27.51' },
  projects: [{ name: '融媒体能力建设', amount: '58.78' }],
  otherFunds: { districtOther: '0', governmentFund: '0', stateCapital: '0', socialInsurance: '0' },
};
const ZERO_FUNDS_WAN = { districtOther: '0.00', governmentFund: '0.00', stateCapital: '0.00', socialInsurance: '0.00' };

describe('budgets (PUT/GET /api/orgs/:org/budgets/:year)', () => {
  let api: TestApi;
  let tmp: string;
  const budgetRows = async () => {
    const rows: { organization_id: number; fiscal_year: number; total_fen: string | number }[] = await api.dataSource.query(
      'SELECT organization_id, fiscal_year, total_fen FROM budgets ORDER BY fiscal_year',
    );
    return rows.map((r) => ({ year: Number(r.fiscal_year), totalFen: Number(r.total_fen) }));
  };
  /** Runs the real CLI against the test database; resolves with its output and exit code. */
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
    tmp = mkdtempSync(path.join(os.tmpdir(), 'budgets-e2e-'));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('stores the seed budget given in 万元 and gives the same figures back, in 万元 and in 元', async () => {
    const put = await api.http().put('/api/orgs/daxiang/budgets/2021').send(SEED).expect(201);
    expect(put.body).toEqual({ ...SEED, fiscalYear: 2021, otherFunds: ZERO_FUNDS_WAN });

    const get = await api.http().get('/api/orgs/daxiang/budgets/2021').expect(200);
    expect(get.body).toEqual({ ...SEED, fiscalYear: 2021, otherFunds: ZERO_FUNDS_WAN });

    const yuan = await api.http().get('/api/orgs/daxiang/budgets/2021?unit=元').expect(200);
    expect(yuan.body).toEqual({
      unit: '元',
      fiscalYear: 2021,
      total: '1503600.00',
      basic: { total: '915800.00', personnel: '373800.00', public: '266900.00', capital: '275100.00' },
      projects: [{ name: '融媒体能力建设', amount: '587800.00' }],
      otherFunds: { districtOther: '0.00', governmentFund: '0.00', stateCapital: '0.00', socialInsurance: '0.00' },
    });
    // What GET gives is accepted back unchanged.
    await api.http().put('/api/orgs/daxiang/budgets/2021').send(yuan.body).expect(200);
    expect((await api.http().get('/api/orgs/daxiang/budgets/2021').expect(200)).body).toEqual(get.body);
    expect(await budgetRows()).toEqual([{ year: 2021, totalFen: 150_360_000 }]);
  });

  it('takes the same budget in 元 (the default unit) with descriptions and year-start figures', async () => {
    const body = {
      total: { amount: '1503600', yearStart: '1400000' },
      basic: {
        total: { amount: '915800.00', yearStart: '900000' },
        personnel: { amount: 373800, yearStart: '380000', description: '基本工资、津贴补贴' },
        public: { amount: '266900', yearStart: '260000' },
        capital: { amount: '275100', yearStart: '260000', description: '办公设备购置' },
      },
      projects: [{ name: '融媒体能力建设', amount: '587800', yearStart: '500000', description: '融媒体中心融媒体能力建设' }],
    };
    await api.http().put('/api/orgs/daxiang/budgets/2020').send(body).expect(201);
    const wan = (await api.http().get('/api/orgs/daxiang/budgets/2020?unit=万元').expect(200)).body;
    expect(wan).toMatchObject({
      unit: '万元',
      total: { amount: '150.36', yearStart: '140.00' },
      basic: {
        personnel: { amount: '37.38', yearStart: '38.00', description: '基本工资、津贴补贴' },
        capital: { amount: '27.51', yearStart: '26.00', description: '办公设备购置' },
      },
      projects: [{ name: '融媒体能力建设', amount: '58.78', yearStart: '50.00', description: '融媒体中心融媒体能力建设' }],
      otherFunds: ZERO_FUNDS_WAN,
    });
    const yuan = (await api.http().get('/api/orgs/daxiang/budgets/2020?unit=yuan').expect(200)).body;
    expect(yuan.basic.personnel).toEqual({ amount: '373800.00', yearStart: '380000.00', description: '基本工资、津贴补贴' });
  });

  it('refuses parts that do not add up, naming the line, and writes nothing', async () => {
    const before = await budgetRows();
    const bad = { ...SEED, basic: { ...SEED.basic, capital: '27.50' } };
    const res = await api.http().put('/api/orgs/daxiang/budgets/2019').send(bad).expect(400);
    expect(res.body.errors).toEqual([
      { field: 'basic.total', message: 'basic.total 91.58 万元 does not equal personnel + public + capital = 91.57 万元' },
    ]);
    expect(res.body.message).toContain('basic.total 91.58 万元 does not equal personnel + public + capital = 91.57 万元');
    const missing = await api.http().get('/api/orgs/daxiang/budgets/2019').expect(404);
    expect(missing.body.errors).toEqual([{ field: 'year', message: 'no budget for fiscal year 2019' }]);

    // A bad replacement leaves the stored version as it was.
    const total = await api.http().put('/api/orgs/daxiang/budgets/2021').send({ ...SEED, total: '150.37' }).expect(400);
    expect(total.body.errors).toEqual([{ field: 'total', message: 'total 150.37 万元 does not equal basic.total + projects = 150.36 万元' }]);
    expect((await api.http().get('/api/orgs/daxiang/budgets/2021').expect(200)).body.total).toBe('150.36');
    expect(await budgetRows()).toEqual(before);
  });

  it('refuses negative amounts, amounts finer than a fen, unknown fields and bad years; 1.234 万元 is a whole number of fen', async () => {
    const before = await budgetRows();
    const put = (year: string | number, body: unknown) => api.http().put(`/api/orgs/daxiang/budgets/${year}`).send(body as object);

    const negative = await put(2018, { ...SEED, basic: { ...SEED.basic, public: '-1' } }).expect(400);
    expect(negative.body.errors).toEqual([{ field: 'basic.public', message: 'basic.public "-1" is not a non-negative decimal amount' }]);

    const tooFine = await put(2018, { unit: '元', total: '0.001', basic: { total: '0.001', personnel: '0.001', public: '0', capital: '0' } }).expect(400);
    expect(tooFine.body.errors.map((e: { field: string }) => e.field)).toEqual(['total', 'basic.total', 'basic.personnel']);
    expect(tooFine.body.errors[0].message).toBe('total "0.001" 元 is finer than one fen');

    const unknown = await put(2018, { ...SEED, currency: 'CNY', basic: { ...SEED.basic, bonus: '1' } }).expect(400);
    expect(unknown.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'currency', message: 'unknown field currency' },
        { field: 'basic.bonus', message: 'unknown field basic.bonus' },
      ]),
    );

    for (const year of ['1989', '3000', 'abc', '20211']) {
      const r = await put(year, SEED).expect(400);
      expect(r.body.errors).toEqual([{ field: 'year', message: 'year must be a fiscal year between 1990 and 2999' }]);
    }
    const notObject = await put(2018, ['150.36']).expect(400);
    expect(notObject.body.errors[0].field).toBe('body');
    const badUnit = await api.http().get('/api/orgs/daxiang/budgets/2021?unit=euro').expect(400);
    expect(badUnit.body.errors[0].field).toBe('unit');
    const noOrg = await api.http().get('/api/orgs/nowhere/budgets/2021').expect(404);
    expect(noOrg.body.errors[0].field).toBe('org');
    expect(await budgetRows()).toEqual(before);

    await put(2018, { unit: '万元', total: '1.234', basic: { total: '1.234', personnel: '1.234', public: '0', capital: '0' } }).expect(201);
    const yuan = (await api.http().get('/api/orgs/daxiang/budgets/2018?unit=元').expect(200)).body;
    expect(yuan.total).toBe('12340.00');
    expect((await api.http().get('/api/orgs/daxiang/budgets/2018').expect(200)).body.total).toBe('1.234');
  });

  it('keeps one budget per year when several PUTs race to create it', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => api.http().put('/api/orgs/daxiang/budgets/2017').send(SEED)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect((await budgetRows()).filter((r) => r.year === 2017)).toEqual([{ year: 2017, totalFen: 150_360_000 }]);
  });

  it('replaces, not duplicates, a budget another writer creates while a PUT is under way', async () => {
    // Another connection inserts the year and holds its transaction open while the PUT runs.
    const other = api.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    const org = await api.dataSource.getRepository(Organization).findOneByOrFail({ slug: 'daxiang' });
    await other.manager.getRepository(Budget).save({ organizationId: org.id, fiscalYear: 2012, totalFen: 1, document: {} });
    const put = api.app.get(BudgetsService).put(org, 2012, SEED);
    await new Promise((r) => setTimeout(r, 300));
    await other.commitTransaction();
    await other.release();
    expect((await put).created).toBe(false);
    expect((await budgetRows()).filter((r) => r.year === 2012)).toEqual([{ year: 2012, totalFen: 150_360_000 }]);
  });

  describe('npm run cli -- budget import / show', () => {
    it('imports the demo YAML budget and shows it', async () => {
      const r = await cli('budget', 'import', 'demo/daxiang/budget-2021.yaml', '--org', 'daxiang', '--year', '2016');
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toContain('预算已导入：邵阳市大祥区融媒体中心 2016 年，合计 150.36 万元（基本支出 91.58 万元，项目支出 58.78 万元，1 个项目）');
      const got = (await api.http().get('/api/orgs/daxiang/budgets/2016').expect(200)).body;
      expect(got.basic.capital).toEqual({ amount: '27.51', description: '办公设备购置' });
      expect(got.basic.personnel.description).toMatch(/^基本工资、津贴补贴、.*其他工资福利支出$/);
      expect(got.projects).toEqual([{ name: '融媒体能力建设', amount: '58.78', description: '融媒体中心融媒体能力建设' }]);

      const show = await cli('budget', 'show', '--org', 'daxiang', '--year', '2016');
      expect(show.code).toBe(0);
      expect(show.stdout).toMatch(/合计\s+150\.36/);
      expect(show.stdout).toMatch(/人员经费\s+37\.38\s+40\.82%/);
      expect(show.stdout).toMatch(/公用经费\s+26\.69\s+29\.14%/);
      expect(show.stdout).toMatch(/资本性支出\s+27\.51\s+30\.04%\s+办公设备购置/);
      expect(show.stdout).toMatch(/政府性基金预算支出\s+0\.00/);
    });

    it('imports a JSON budget, replacing the year', async () => {
      const file = path.join(tmp, 'budget.json');
      writeFileSync(file, JSON.stringify({ unit: 'yuan', total: '100', basic: { total: '100', personnel: '60', public: '40', capital: '0' } }));
      const r = await cli('budget', 'import', file, '--org', 'daxiang', '--year', '2016');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('预算已更新：邵阳市大祥区融媒体中心 2016 年，合计 0.01 万元');
      expect((await api.http().get('/api/orgs/daxiang/budgets/2016?unit=元').expect(200)).body).toMatchObject({
        total: '100.00',
        basic: { personnel: '60.00', public: '40.00', capital: '0.00' },
        projects: [],
      });
    });

    it('imports an .xlsx budget laid out as documented (title row, 单位 row, 说明 column, formula cells)', async () => {
      const wb = new Workbook();
      const ws = wb.addWorksheet('预算');
      ws.addRow(['2021年部门预算']);
      ws.addRow(['项目', '金额', '说明']);
      ws.addRow(['单位', '万元']);
      ws.addRow(['合计', { formula: 'B5+B9', result: 150.36 }]);
      // A sum computed in floating point: read as Excel shows it.
      ws.addRow(['基本支出', { formula: 'SUM(B6:B8)', result: 37.38 + 26.69 + 27.51 }]);
      ws.addRow(['人员经费', 37.38, '基本工资、津贴补贴']);
      ws.addRow(['公用经费', '26.69']);
      ws.addRow(['资本性支出', 27.51, '办公设备购置']);
      ws.addRow(['项目：融媒体能力建设', 58.78, '融媒体中心融媒体能力建设']);
      ws.addRow([]);
      ws.addRow(['政府性基金预算', 0]);
      const file = path.join(tmp, 'budget.xlsx');
      await wb.xlsx.writeFile(file);

      const r = await cli('budget', 'import', file, '--org', 'daxiang', '--year', '2015');
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect((await api.http().get('/api/orgs/daxiang/budgets/2015').expect(200)).body).toEqual({
        unit: '万元',
        fiscalYear: 2015,
        total: '150.36',
        basic: {
          total: '91.58',
          personnel: { amount: '37.38', description: '基本工资、津贴补贴' },
          public: '26.69',
          capital: { amount: '27.51', description: '办公设备购置' },
        },
        projects: [{ name: '融媒体能力建设', amount: '58.78', description: '融媒体中心融媒体能力建设' }],
        otherFunds: ZERO_FUNDS_WAN,
      });
    });

    it('reports a bad file in one line and exits 2, writing nothing', async () => {
      const before = await budgetRows();
      const yaml = path.join(tmp, 'bad.yaml');
      writeFileSync(yaml, 'unit: 万元\ntotal: 150.36\nbasic: {total: 91.58, personnel: 37.38, public: 26.69, capital: 27.50}\nprojects: [{name: 融媒体能力建设, amount: 58.78}]\n');
      const sum = await cli('budget', 'import', yaml, '--org', 'daxiang', '--year', '2014');
      expect(sum.code).toBe(2);
      expect(sum.stderr.trim().split('\n')).toEqual([
        'placement-ledger: 2014 年度预算未保存：basic.total 91.58 万元 does not equal personnel + public + capital = 91.57 万元',
      ]);

      const wb = new Workbook();
      const ws = wb.addWorksheet('预算');
      ws.addRow(['项目', '金额']);
      ws.addRow(['合计', 1]);
      ws.addRow(['奖金', 1]);
      const xlsx = path.join(tmp, 'bad.xlsx');
      await wb.xlsx.writeFile(xlsx);
      const sheet = await cli('budget', 'import', xlsx, '--org', 'daxiang', '--year', '2014');
      expect(sheet.code).toBe(2);
      expect(sheet.stderr.trim().split('\n')).toHaveLength(1);
      expect(sheet.stderr).toContain('bad.xlsx：第3行：无法识别的项目「奖金」');

      const csv = await cli('budget', 'import', path.join(tmp, 'budget.csv'), '--org', 'daxiang', '--year', '2014');
      expect(csv.code).toBe(2);
      expect(csv.stderr).toContain('budget file must be .yaml, .yml, .json or .xlsx');
      const year = await cli('budget', 'import', 'demo/daxiang/budget-2021.yaml', '--org', 'daxiang', '--year', '21');
      expect(year.stderr.trim()).toBe('placement-ledger: --year: year must be a fiscal year between 1990 and 2999');
      expect(year.code).toBe(2);
      const org = await cli('budget', 'import', 'demo/daxiang/budget-2021.yaml', '--org', 'nowhere', '--year', '2014');
      expect(org.code).toBe(2);
      expect(org.stderr).toContain('unknown organization "nowhere"');
      const none = await cli('budget', 'show', '--org', 'daxiang', '--year', '2013');
      expect(none.code).toBe(2);
      expect(none.stderr.trim()).toBe('placement-ledger: 机构「daxiang」没有 2013 年度预算');
      expect(await budgetRows()).toEqual(before);
    });
  });
});
