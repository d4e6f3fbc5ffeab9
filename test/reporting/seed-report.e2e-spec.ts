import ExcelJS from 'exceljs';
import { docxParagraphs } from '../support/docx-text';
import { createTestDatabase, runDemoCli, startApi, TestApi, TestDatabase } from '../support/harness';

/**
 * The product must write the seed report from data: the 2021 annual report
 * of daxiang as of 2021-12-22 states every figure of
 * ../shared/seeds/000_ed4e04ee93576396.txt. The demo loads the ledger (through
 * the queue), the budget and the profile; the figures come out of rows.
 */
describe('the 2021 annual report of daxiang reproduces the seed', () => {
  let db: TestDatabase;
  let api: TestApi;
  let text: string;

  const SEED_FIGURES: [string, RegExp | string][] = [
    ['founding date', '于2019年6月21日挂牌成立'],
    ['standing', '为中共大祥区委直属正科级公益一类全额拨款事业单位，归口区委宣传部管理'],
    ['internal units', '内设综合运行部、采编部、技术保障部和综合服务部共四个股室'],
    ['establishment', '核定全额事业编8名，目前到位4人'],
    ['leadership', /共设主任(1|一)名，副主任2名/],
    ['total spending', '2021年部门整体支出150.36万元，其中：基本支出91.58万元，项目支出58.78万元'],
    ['basic spending', '2021年度财政拨款基本支出91.58万元'],
    ['personnel', '人员经费37.38万元，占基本支出的40.82%'],
    ['public', '公用经费26.69万元，占基本支出的29.14%'],
    ['capital', '资本性支出27.51万元，占基本支出的30.04%'],
    ['capital use', '办公设备购置'],
    ['projects', /2021年度项目支出58\.78万元，主要用于.*融媒体能力建设/],
    ['district other funds', '2021年没有区本级其他财政性资金'],
    ['government fund', '2021年没有政府性基金预算支出'],
    ['state capital', '2021年没有国有资本经营预算支出'],
    ['social insurance', '2021年没有社会保险基金预算支出'],
    ['as of', '截止到2021年12月22日'],
    ['中央电视台', '在中央电视台上稿1篇'],
    ['央广网', '央广网上稿1篇'],
    ['人民日报及公众号', '人民日报及公众号上稿6篇'],
    ['新华网', '新华网上稿3篇'],
    ['湖南日报市州头条', '湖南日报市州头条上稿2篇'],
    ['湖南日报要闻', '湖南日报要闻上稿11篇(其中通讯稿4篇)'],
    ['湖南卫视联播新闻', '湖南卫视联播新闻上稿13篇'],
    ['学习强国', '学习强国上稿12篇'],
    ['邵阳日报头版头条', '邵阳日报头版头条上稿1篇'],
    ['县区版头条', '县区版头条上稿5篇'],
    ['邵阳新闻网首页头条', '邵阳新闻网首页头条上稿6篇'],
    ['central since founding', /在中央电视台、人民日报等中央级主流媒体发稿50篇/],
    ['provincial since founding', '在湖南日报、湖南卫视、湖南经视、学习强国、红网、新湖南、华声在线等省级主流媒体发稿204篇'],
    ['municipal since founding', '在邵阳日报、邵阳晚报、邵阳城市报、邵阳电视台、邵阳交通频道、邵阳新闻网、邵阳手机报、爱上邵阳、云邵阳等市级主流媒体发稿507篇'],
    ['district since founding', '在大祥发布、大祥融媒、大祥新闻等区级媒体发稿5138篇'],
    ['district channels', /其中大祥融媒.人民号5篇，红网大祥站422篇，大祥融媒.非宣传稿2956篇，大祥新闻网331篇，大祥融媒.头条号1篇，大祥发布微信公众号638篇，大祥融媒客户端785篇/],
    ['improvements', '进一步加强资金管理，通过部门建章建制，合理有效地提高资金使用效率'],
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    // `npm run demo`: migrate, catalog, demo ledger through the queue, budget and profile.
    await runDemoCli(db, ['--no-reports']);
    api = await startApi({ db, withWorker: false });
    const md = await api.http().get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=md').expect(200);
    text = md.text;
  }, 200_000);
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it.each(SEED_FIGURES)('Markdown states %s as the seed does', (_name, expected) => {
    const flat = text.replace(/\\([\\`*_[\]()#+\-.!|<>])/g, '$1');
    if (typeof expected === 'string') expect(flat).toContain(expected);
    else expect(flat).toMatch(expected);
  });

  it('has the seed structure, 一、基本情况 … 七、下一步改进措施, in order', () => {
    const headings = ['一、基本情况', '二、一般公共预算支出情况', '三、政府性基金预算支出情况', '四、国有资本经营预算支出情况', '五、社会保险基金预算支出情况', '六、部门整体支出绩效情况', '七、下一步改进措施'];
    const positions = headings.map((h) => text.indexOf(h));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('writes the same figures into the Word file (opened again and read)', async () => {
    const res = await api
      .http()
      .get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=docx')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const paragraphs = await docxParagraphs(res.body as Buffer);
    const all = paragraphs.join('\n');
    for (const [, expected] of SEED_FIGURES) {
      if (typeof expected === 'string') expect(all).toContain(expected);
      else expect(all).toMatch(expected);
    }
    expect(paragraphs[0]).toContain('2021年邵阳市大祥区融媒体中心');
  });

  it('puts the figures and the period ledger into the Excel file', async () => {
    const res = await api
      .http()
      .get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=xlsx')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const summary = wb.getWorksheet('上稿汇总')!;
    const rows = summary.getSheetValues().filter(Boolean) as unknown[][];
    const byTier = Object.fromEntries(rows.slice(1).map((r) => [r[1], [r[2], r[3]]]));
    expect(byTier['中央级'][1]).toBe(50);
    expect(byTier['省级'][1]).toBe(204);
    expect(byTier['市级'][1]).toBe(507);
    expect(byTier['区级'][1]).toBe(5138);
    // The ledger: a title, 单位 and 制表日期, the column headers, one row per placement with a real date, 合计.
    const ledger = wb.getWorksheet('上稿台账')!;
    expect(ledger.rowCount - 4).toBe(byTier['合计'][0]);
    expect(ledger.getCell('A4').value).toEqual(new Date(Date.UTC(2021, 0, 1)));
    expect(ledger.getCell(`A${ledger.rowCount}`).value).toBe('合计');
  });

  it('gives the figures as JSON', async () => {
    const res = await api.http().get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=json').expect(200);
    const data = res.body.data;
    expect(data.placements.sinceFounding).toMatchObject({ central: 50, provincial: 204, municipal: 507, district: 5138, total: 5899 });
    expect(data.budget).toMatchObject({
      total: '150.36',
      basic: { total: '91.58', personnel: '37.38', public: '26.69', capital: '27.51' },
      basicShares: { personnel: '40.82', public: '29.14', capital: '30.04' },
      projectTotal: '58.78',
    });
  });

  it('renders one self-contained HTML file with its charts', async () => {
    const res = await api.http().get('/api/orgs/daxiang/reports/annual?year=2021&asOf=2021-12-22&format=html').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect((res.text.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(res.text).toContain('湖南日报要闻上稿11篇(其中通讯稿4篇)');
    expect(res.text).not.toMatch(/<script/i);
  });
});
