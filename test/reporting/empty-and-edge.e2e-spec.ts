import { todayInShanghai } from '@pl/domain';
import { docxParagraphs } from '../support/docx-text';
import { startApi, TestApi } from '../support/harness';
import { asBuffer, createOrganization, loadLedger, markdownText, xlsxSheets } from '../support/reports';

const TIER_ZERO = { central: 0, provincial: 0, municipal: 0, district: 0, total: 0 };
const EMPTY = { slug: 'kongbai', name: '空白县融媒体中心', region: '空白市', foundedOn: '2020-03-01' };

interface ErrorBody {
  statusCode: number;
  message: string;
  errors: { field: string; message: string }[];
}

/**
 * Reports must give a clear, correct answer where there is nothing to
 * report — an organization with no placements, no budget and no profile; a
 * period with no placements; a month that has not begun — and a 4xx naming
 * the field for a bad request, never an exception.
 */
describe('reports with nothing to report, and bad report requests', () => {
  let api: TestApi;
  const thisYear = Number(todayInShanghai().slice(0, 4));

  beforeAll(async () => {
    api = await startApi();
    await createOrganization(api, EMPTY);
    // daxiang has placements, but only in 2021.
    await loadLedger(api, 'daxiang', [
      { channel: '中央电视台', title: '边界·大祥区新春走基层', publishedOn: '2021-02-10' },
      { channel: '湖南日报', title: '边界·大祥区春耕备耕', publishedOn: '2021-03-15', section: '要闻', genre: '通讯' },
      { channel: '邵阳日报', title: '边界·大祥区城市更新', publishedOn: '2021-06-01', section: '头版', prominence: '头条' },
      { channel: '大祥发布微信公众号', title: '边界·大祥区夏日安全', publishedOn: '2021-07-20' },
      { channel: '红网大祥站', title: '边界·大祥区年终盘点', publishedOn: '2021-12-30' },
      { channel: '新华网', title: '边界·大祥区一稿误报', publishedOn: '2021-05-05', status: 'rejected' },
    ]);
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('an organization with no placements, no budget and no profile', () => {
    const url = `/api/orgs/${EMPTY.slug}/reports/annual`;
    const NO_BUDGET = '2021年度预算数据尚未录入，本部分暂无数据。';
    const NO_PLACEMENTS = `截至目前，${EMPTY.name}暂无上稿记录。`;
    const NO_HIGHLIGHTS = '截止到2021年12月31日，2021年暂无重点媒体上稿记录。';
    const SENTENCES = [
      NO_BUDGET,
      NO_PLACEMENTS,
      NO_HIGHLIGHTS,
      '2021年度区本级其他财政性资金数据尚未录入。',
      '2021年度政府性基金预算支出数据尚未录入。',
      '2021年度国有资本经营预算支出数据尚未录入。',
      '2021年度社会保险基金预算支出数据尚未录入。',
      '主要职责尚未录入。',
      '2021年度绩效目标尚未录入。',
      '2021年度改进措施尚未录入。',
      `${EMPTY.name}于2020年3月1日挂牌成立。`,
    ];

    it('Markdown: 200, says there are no records and that the budget is not entered, keeps the seven sections', async () => {
      const res = await api.http().get(url).query({ year: 2021, format: 'md' }).expect(200);
      expect(res.headers['content-type']).toContain('text/markdown');
      const text = markdownText(res.text);
      for (const s of SENTENCES) expect(text).toContain(s);
      for (const h of ['一、基本情况', '二、一般公共预算支出情况', '三、政府性基金预算支出情况', '四、国有资本经营预算支出情况', '五、社会保险基金预算支出情况', '六、部门整体支出绩效情况', '七、下一步改进措施']) {
        expect(text).toContain(h);
      }
      // The summary table is all zeros.
      expect(text).toMatch(/\| 合计 \| 0 \| 0 \|/);
      expect(text).not.toMatch(/NaN|undefined|null/);
    });

    it('Markdown without format: Markdown is the default', async () => {
      const res = await api.http().get(url).query({ year: 2021 }).expect(200);
      expect(res.headers['content-type']).toContain('text/markdown');
      expect(markdownText(res.text)).toContain(NO_BUDGET);
    });

    it('Word: 200, the file opens and states the same sentences', async () => {
      const res = await asBuffer(api.http().get(url).query({ year: 2021, format: 'docx' })).expect(200);
      expect(res.headers['content-type']).toContain('wordprocessingml.document');
      const all = (await docxParagraphs(res.body as Buffer)).join('\n');
      for (const s of SENTENCES) expect(all).toContain(s);
    });

    it('HTML: 200 and states the same sentences', async () => {
      const res = await api.http().get(url).query({ year: 2021, format: 'html' }).expect(200);
      expect(res.headers['content-type']).toContain('text/html');
      for (const s of [NO_BUDGET, NO_PLACEMENTS, NO_HIGHLIGHTS]) expect(res.text).toContain(s);
    });

    it('JSON: 200, zero counts, twelve empty months, every highlight line zero, budget null', async () => {
      const res = await api.http().get(url).query({ year: 2021, format: 'json' }).expect(200);
      const data = res.body.data;
      expect(data.period).toEqual({ from: '2021-01-01', to: '2021-12-31' });
      expect(data.placements.year).toEqual(TIER_ZERO);
      expect(data.placements.sinceFounding).toEqual(TIER_ZERO);
      expect(data.placements.byMonth).toHaveLength(12);
      expect(data.placements.byMonth.every((m: { total: number }) => m.total === 0)).toBe(true);
      expect(data.placements.highlights.length).toBeGreaterThan(0);
      expect(data.placements.highlights.every((h: { count: number }) => h.count === 0)).toBe(true);
      expect(data.budget).toBeNull();
    });

    it('Excel: 200, zero summary, no budget sheet, an empty ledger sheet', async () => {
      const res = await asBuffer(api.http().get(url).query({ year: 2021, format: 'xlsx' })).expect(200);
      expect(res.headers['content-type']).toContain('spreadsheetml.sheet');
      const sheets = await xlsxSheets(res.body as Buffer);
      expect(sheets['上稿汇总'].slice(1)).toEqual([
        ['中央级', 0, 0],
        ['省级', 0, 0],
        ['市级', 0, 0],
        ['区级', 0, 0],
        ['合计', 0, 0],
      ]);
      expect(sheets['预算支出']).toBeUndefined();
      // The column headers and a 合计 of nothing.
      expect(sheets['上稿台账'].slice(1)).toEqual([['合计', '0篇']]);
    });

    it('a year before the founding date: 200, zero figures and no months', async () => {
      const res = await api.http().get(url).query({ year: 2019, format: 'json' }).expect(200);
      expect(res.body.data.placements.year).toEqual(TIER_ZERO);
      expect(res.body.data.placements.byMonth).toEqual([]);
      await api.http().get(url).query({ year: 2019, format: 'docx' }).expect(200);
    });

    it('its monthly bulletin: 200, zero everywhere, and its region ranking lists it with 0', async () => {
      const json = await api.http().get(`/api/orgs/${EMPTY.slug}/reports/monthly`).query({ month: '2021-05', format: 'json' }).expect(200);
      const d = json.body.data;
      expect(d.future).toBe(false);
      for (const k of ['thisMonth', 'previousMonth', 'sameMonthLastYear', 'yearToDate']) expect(d[k]).toEqual(TIER_ZERO);
      expect(d.targets).toEqual({});
      expect(d.ranking.rows).toEqual([
        { rank: 1, organization: { slug: EMPTY.slug, name: EMPTY.name }, tiers: { central: 0, provincial: 0, municipal: 0, district: 0 }, total: 0, points: 0 },
      ]);
      const md = markdownText((await api.http().get(`/api/orgs/${EMPTY.slug}/reports/monthly`).query({ month: '2021-05' }).expect(200)).text);
      expect(md).toContain(`2021年5月，${EMPTY.name}共上稿0篇，其中中央级0篇、省级0篇、市级0篇、区级0篇。与上月相比持平，与去年同月相比持平。2021年累计上稿0篇。`);
      expect(md).toContain('本月暂无重点媒体上稿。');
      for (const format of ['html', 'docx', 'xlsx']) {
        await asBuffer(api.http().get(`/api/orgs/${EMPTY.slug}/reports/monthly`).query({ month: '2021-05', format })).expect(200);
      }
    });
  });

  describe('a period with no placements for an organization that has some', () => {
    const annual = (year: number, asOf?: string) =>
      api
        .http()
        .get('/api/orgs/daxiang/reports/annual')
        .query({ year, format: 'json', ...(asOf ? { asOf } : {}) })
        .expect(200);

    it('2018, before the founding date: totals 0 and no months, in every format', async () => {
      const res = await annual(2018, '2018-12-31');
      const p = res.body.data.placements;
      expect(p.year).toEqual(TIER_ZERO);
      expect(p.sinceFounding).toEqual(TIER_ZERO);
      expect(p.byMonth).toEqual([]);
      const md = markdownText((await api.http().get('/api/orgs/daxiang/reports/annual').query({ year: 2018, asOf: '2018-12-31' }).expect(200)).text);
      expect(md).toContain('截止到2018年12月31日，2018年暂无重点媒体上稿记录。');
      expect(md).toContain('截至目前，邵阳市大祥区融媒体中心暂无上稿记录。');
      for (const format of ['html', 'docx', 'xlsx']) {
        await asBuffer(api.http().get('/api/orgs/daxiang/reports/annual').query({ year: 2018, asOf: '2018-12-31', format })).expect(200);
      }
    });

    it('2020: totals 0, twelve empty months, nothing since founding yet', async () => {
      const p = (await annual(2020)).body.data.placements;
      expect(p.year).toEqual(TIER_ZERO);
      expect(p.sinceFounding).toEqual(TIER_ZERO);
      expect(p.byMonth.map((m: { month: string; total: number }) => [m.month, m.total])).toEqual(
        Array.from({ length: 12 }, (_, i) => [`2020-${String(i + 1).padStart(2, '0')}`, 0]),
      );
    });

    it('2019 counts from the founding date: June to December, empty', async () => {
      const d = (await annual(2019)).body.data;
      expect(d.period).toEqual({ from: '2019-06-21', to: '2019-12-31' });
      expect(d.placements.byMonth.map((m: { month: string }) => m.month)).toEqual(['2019-06', '2019-07', '2019-08', '2019-09', '2019-10', '2019-11', '2019-12']);
      expect(d.placements.year.total).toBe(0);
    });

    it('2022: the year is empty, but the cumulative figures keep 2021 (the rejected one never counts)', async () => {
      const p = (await annual(2022, '2022-06-30')).body.data.placements;
      expect(p.year).toEqual(TIER_ZERO);
      expect(p.sinceFounding).toEqual({ central: 1, provincial: 1, municipal: 1, district: 2, total: 5 });
      const md = markdownText((await api.http().get('/api/orgs/daxiang/reports/annual').query({ year: 2022, asOf: '2022-06-30' }).expect(200)).text);
      expect(md).toContain('截止到2022年6月30日，2022年暂无重点媒体上稿记录。');
      // Only the outlets that have placements are named.
      expect(md).toContain(
        '截至目前，邵阳市大祥区融媒体中心已在中央电视台等中央级主流媒体发稿1篇，在湖南日报等省级主流媒体发稿1篇，在邵阳日报等市级主流媒体发稿1篇。' +
          '在大祥发布等区级媒体发稿2篇，其中红网大祥站1篇，大祥发布微信公众号1篇。',
      );
    });

    it('2021 as of a date before any placement of the year: zero for the year', async () => {
      const p = (await annual(2021, '2021-02-09')).body.data.placements;
      expect(p.year).toEqual(TIER_ZERO);
      expect(p.byMonth.map((m: { month: string }) => m.month)).toEqual(['2021-01', '2021-02']);
    });

    it('a year that has not begun: 200, zero for the year', async () => {
      const d = (await annual(thisYear + 1)).body.data;
      expect(d.placements.year).toEqual(TIER_ZERO);
      expect(d.placements.byMonth).toEqual([]);
    });

    it('a month without placements between months with some: zeros, and the change against the previous month', async () => {
      const d = (await api.http().get('/api/orgs/daxiang/reports/monthly').query({ month: '2021-04', format: 'json' }).expect(200)).body.data;
      expect(d.thisMonth).toEqual(TIER_ZERO);
      expect(d.previousMonth).toEqual({ ...TIER_ZERO, provincial: 1, total: 1 });
      expect(d.yearToDate).toEqual({ ...TIER_ZERO, central: 1, provincial: 1, total: 2 });
      const md = markdownText((await api.http().get('/api/orgs/daxiang/reports/monthly').query({ month: '2021-04' }).expect(200)).text);
      expect(md).toContain('与上月相比减少1篇（下降100.00%），与去年同月相比持平。2021年累计上稿2篇。');
    });
  });

  describe('a month in the future', () => {
    const month = `${thisYear + 1}-03`;

    it('Markdown: 200, says the month has not begun', async () => {
      const res = await api.http().get('/api/orgs/daxiang/reports/monthly').query({ month }).expect(200);
      const text = markdownText(res.text);
      expect(text).toContain(`${thisYear + 1}年3月尚未开始，暂无上稿数据。`);
      expect(text).toContain(`${thisYear + 1}年3月（尚未开始）`);
    });

    it('JSON: future, every figure zero', async () => {
      const d = (await api.http().get('/api/orgs/daxiang/reports/monthly').query({ month, format: 'json' }).expect(200)).body.data;
      expect(d.future).toBe(true);
      expect(d.period).toEqual({ from: `${month}-01`, to: `${month}-31` });
      for (const k of ['thisMonth', 'yearToDate']) expect(d[k]).toEqual(TIER_ZERO);
      expect(d.highlights.every((h: { count: number }) => h.count === 0)).toBe(true);
      expect(d.ranking.rows.map((r: { total: number }) => r.total)).toEqual([0]);
    });

    it('Word and Excel: 200; the Word file states it', async () => {
      const docx = await asBuffer(api.http().get('/api/orgs/daxiang/reports/monthly').query({ month, format: 'docx' })).expect(200);
      expect((await docxParagraphs(docx.body as Buffer)).join('\n')).toContain(`${thisYear + 1}年3月尚未开始，暂无上稿数据。`);
      const xlsx = await asBuffer(api.http().get('/api/orgs/daxiang/reports/monthly').query({ month, format: 'xlsx' })).expect(200);
      const sheets = await xlsxSheets(xlsx.body as Buffer);
      expect(sheets['本月统计'].slice(1).map((r) => r.slice(1, 5))).toEqual(Array(4).fill([0, 0, 0, 0]));
      await api.http().get('/api/orgs/daxiang/reports/monthly').query({ month, format: 'html' }).expect(200);
    });

    it('the current month is reported so far (截至 today)', async () => {
      const today = todayInShanghai();
      const [y, m, d] = today.split('-').map(Number);
      const res = await api.http().get('/api/orgs/daxiang/reports/monthly').query({ month: today.slice(0, 7) }).expect(200);
      const text = markdownText(res.text);
      const monthEnd = new Date(Date.UTC(y, m, 0)).getUTCDate();
      if (d < monthEnd) expect(text).toContain(`${y}年${m}月（截至${y}年${m}月${d}日）`);
      expect(text).not.toContain('尚未开始');
    });
  });

  describe('bad requests: a 4xx naming the field', () => {
    const annual = '/api/orgs/daxiang/reports/annual';
    const monthly = '/api/orgs/daxiang/reports/monthly';
    const CASES: [string, string, Record<string, string | string[]>, string, RegExp][] = [
      ['annual: year missing', annual, {}, 'year', /year is required/],
      ['annual: year abcd', annual, { year: 'abcd' }, 'year', /year must be a four-digit year/],
      ['annual: year 1800', annual, { year: '1800' }, 'year', /year must be between 1990 and 2999/],
      ['annual: year 20210', annual, { year: '20210' }, 'year', /year/],
      ['annual: year given twice', annual, { year: ['2021', '2022'] }, 'year', /year/],
      ['annual: asOf 2021-02-30', annual, { year: '2021', asOf: '2021-02-30' }, 'asOf', /asOf must be a real calendar date/],
      ['annual: asOf 2021-1-5', annual, { year: '2021', asOf: '2021-1-5' }, 'asOf', /asOf must be a real calendar date/],
      ['annual: asOf outside the year', annual, { year: '2021', asOf: '2022-01-01' }, 'asOf', /asOf must fall in 2021/],
      ['annual: asOf the year before', annual, { year: '2021', asOf: '2020-12-31' }, 'asOf', /asOf must fall in 2021/],
      ['annual: format pdf', annual, { year: '2021', format: 'pdf' }, 'format', /format must be one of md, html, docx, xlsx, json/],
      ['annual: format DOCX', annual, { year: '2021', format: 'DOCX' }, 'format', /format must be one of/],
      ['monthly: month missing', monthly, {}, 'month', /month is required/],
      ['monthly: month 2021-13', monthly, { month: '2021-13' }, 'month', /month must be written YYYY-MM/],
      ['monthly: month 2021-00', monthly, { month: '2021-00' }, 'month', /month must be written YYYY-MM/],
      ['monthly: month 2021-5', monthly, { month: '2021-5' }, 'month', /month must be written YYYY-MM/],
      ['monthly: month 2021-05-01', monthly, { month: '2021-05-01' }, 'month', /month must be written YYYY-MM/],
      ['monthly: format pdf', monthly, { month: '2021-05', format: 'pdf' }, 'format', /format must be one of/],
      ['rankings: from after to', '/api/regions/邵阳市/rankings', { from: '2021-12-31', to: '2021-01-01' }, 'from', /from \(2021-12-31\) is after to \(2021-01-01\)/],
      ['rankings: from 2021-02-30', '/api/regions/邵阳市/rankings', { from: '2021-02-30' }, 'from', /from must be a real calendar date/],
      ['rankings: to garbage', '/api/regions/邵阳市/rankings', { to: 'tomorrow' }, 'to', /to must be a real calendar date/],
    ];

    it.each(CASES)('%s → 400 naming the field', async (_name, path, query, field, message) => {
      const res = await api.http().get(encodeURI(path)).query(query).expect(400);
      const body = res.body as ErrorBody;
      expect(body.statusCode).toBe(400);
      expect(body.errors.map((e) => e.field)).toContain(field);
      expect(body.errors.find((e) => e.field === field)!.message).toMatch(message);
    });

    it.each([
      ['annual', '/api/orgs/nope/reports/annual', { year: '2021' }],
      ['annual docx', '/api/orgs/nope/reports/annual', { year: '2021', format: 'docx' }],
      ['monthly', '/api/orgs/nope/reports/monthly', { month: '2021-05' }],
    ])('an unknown organization (%s) → 404 naming org', async (_name, path, query) => {
      const res = await api.http().get(path).query(query).expect(404);
      const body = res.body as ErrorBody;
      expect(body.errors).toEqual([{ field: 'org', message: 'no organization "nope"' }]);
      expect(body.message).toContain('nope');
    });

    it('rankings and the region bulletin of an unknown region → 404 naming it', async () => {
      const res = await api.http().get(encodeURI('/api/regions/不存在市/rankings')).query({ from: '2021-01-01', to: '2021-12-31' }).expect(404);
      expect(res.body.errors).toEqual([{ field: 'region', message: 'no region "不存在市"' }]);
      const bulletin = await api.http().get('/api/regions/nowhere/reports/monthly').query({ month: '2021-05' }).expect(404);
      expect(bulletin.body.message).toContain('nowhere');
      // A known region by its slug or its name, the period defaulting to this year so far.
      const byDefault = await api.http().get('/api/regions/shaoyang/rankings').expect(200);
      expect(byDefault.body.region).toBe('邵阳市');
      expect(byDefault.body.to).toBe(todayInShanghai());
      expect(byDefault.body.from).toBe(`${todayInShanghai().slice(0, 4)}-01-01`);
    });

    it('nothing was written by any of these requests', async () => {
      const [{ n }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM placements');
      expect(Number(n)).toBe(6);
      const orgs = await api.http().get('/api/orgs').expect(200);
      expect(orgs.body.map((o: { slug: string }) => o.slug).sort()).toEqual(['daxiang', EMPTY.slug]);
    });
  });
});
