import fc from 'fast-check';
import { CATALOG } from '@pl/placements';
import { TIERS, Tier } from '@pl/domain';
import { formatWan } from '@pl/reporting';
import { startApi, TestApi } from '../support/harness';
import { createOrganization, LedgerEntry, loadLedger, markdownText, sql } from '../support/reports';

/**
 * Property tests on random ledgers and budgets against a real database: for
 * each generated case a fresh region with one to three fresh organizations
 * gets a random ledger through the API and the queue (all catalog channels,
 * dates from the seed's founding date to the end of 2022, claimed /
 * confirmed / rejected, random sections, prominence and genres) and a random
 * budget; then every figure the reports state is checked against a count
 * written here in plain SQL, and every money figure against integer
 * arithmetic on the fen that were sent.
 */

const FOUNDED = '2019-06-21';
const LAST_DAY = '2022-12-31';
const RUNS = { numRuns: 15, seed: 20211222, endOnFailure: true };

type Tiers = Record<Tier, number> & { total: number };
type LineFilter = { channel?: string; outlet?: string; section?: string; prominence?: string; genre?: string };

// ---------------------------------------------------------------- dates

const DAY = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
const FIRST_N = dayNumber(FOUNDED);
const LAST_N = dayNumber(LAST_DAY);
const maxDate = (a: string, b: string) => (a > b ? a : b);
const lastOfMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};
const shiftMonth = (month: string, by: number) => {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};
const monthsBetween = (from: string, to: string) => {
  const out: string[] = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = shiftMonth(m, 1)) out.push(m);
  return out;
};

// ---------------------------------------------------------------- money, by integer arithmetic

const big = BigInt;
/** Fen as 元 with two decimals. */
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
/** Fen as exact 万元, at least two decimals. */
const wanExact = (fen: number) => {
  const frac = String(fen % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return `${Math.floor(fen / 1_000_000)}.${frac.padEnd(2, '0')}`;
};
/** Fen as 万元 rounded half up to two decimals. */
const wan = (fen: number) => {
  const h = (big(fen) + 5000n) / 10_000n;
  return `${h / 100n}.${String(h % 100n).padStart(2, '0')}`;
};

/** The bulletin's change phrase, percentages rounded half up by integer arithmetic. */
const changeText = (now: number, before: number) => {
  if (now === before) return '持平';
  const diff = Math.abs(now - before);
  const word = now > before ? '增加' : '减少';
  if (before === 0) return `${word}${diff}篇`;
  const h = (big(diff) * 10_000n * 2n + big(before)) / (2n * big(before));
  return `${word}${diff}篇（${now > before ? '增长' : '下降'}${h / 100n}.${String(h % 100n).padStart(2, '0')}%）`;
};

// ---------------------------------------------------------------- arbitraries

const SECTIONS = [null, '要闻', '市州头条', '头版', '县区版', '首页', '专题'];
const GENRES = [null, 'news', 'feature', 'commentary', 'photo', 'video', '通讯', '消息'];
const CHANNELS = CATALOG.channels.map((c) => c.name);
const TIER_OF = new Map(CATALOG.channels.map((c) => [c.name, c.tier]));
/** Channels the default template's highlight lines name: drawn more often so the lines count something. */
const HIGHLIGHT_CHANNELS = ['人民日报', '人民日报微信公众号', '湖南日报', '学习强国湖南学习平台', '邵阳日报', '邵阳新闻网'];

interface GenPlacement {
  channel: string;
  day: number;
  status: 'claimed' | 'confirmed' | 'rejected';
  section: string | null;
  prominence: 'headline' | 'normal';
  genre: string | null;
}

/** A day between two dates (both clamped to the generated range). */
const clampDay = (n: number) => Math.min(LAST_N, Math.max(FIRST_N, n));
const dayIn = (from: string, to: string) => fc.integer({ min: clampDay(dayNumber(from)), max: clampDay(dayNumber(to)) });

/**
 * A placement: its date anywhere from the founding date to 2022-12-31, or —
 * so that the periods the reports look at have something to count — in the
 * report's year, the bulletin's month, the month before it or the same
 * month a year before.
 */
const placementArb = (year: number, month: string): fc.Arbitrary<GenPlacement> => {
  const around = (m: string) => dayIn(`${m}-01`, lastOfMonth(m));
  return fc.record({
    channel: fc.oneof({ arbitrary: fc.constantFrom(...CHANNELS), weight: 3 }, { arbitrary: fc.constantFrom(...HIGHLIGHT_CHANNELS), weight: 1 }),
    day: fc.oneof(
      { arbitrary: fc.integer({ min: FIRST_N, max: LAST_N }), weight: 3 },
      { arbitrary: dayIn(`${year}-01-01`, `${year}-12-31`), weight: 3 },
      { arbitrary: around(month), weight: 2 },
      { arbitrary: around(shiftMonth(month, -1)), weight: 1 },
      { arbitrary: around(shiftMonth(month, -12)), weight: 1 },
    ),
    status: fc.constantFrom('claimed' as const, 'confirmed' as const, 'rejected' as const),
    section: fc.constantFrom(...SECTIONS),
    prominence: fc.constantFrom('headline' as const, 'normal' as const),
    genre: fc.constantFrom(...GENRES),
  });
};

const fenArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 999 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 100_000_000_000 }), weight: 4 },
);

const budgetArb = fc.record({
  personnel: fenArb,
  public: fenArb,
  capital: fenArb,
  projects: fc.array(fenArb, { maxLength: 4 }),
  otherFunds: fc.tuple(fenArb, fenArb, fenArb, fenArb),
  statesUnit: fc.boolean(),
});

const MONTHS = Array.from({ length: 43 }, (_, i) => shiftMonth('2019-07', i)); // 2019-07 … 2023-01

const caseArb = fc.tuple(fc.integer({ min: 2019, max: 2022 }), fc.constantFrom(...MONTHS)).chain(([year, month]) =>
  fc.record({
    year: fc.constant(year),
    /** The bulletin's month: July 2019 to January 2023. */
    month: fc.constant(month),
    ledgers: fc.array(fc.array(placementArb(year, month), { maxLength: 60, size: 'max' }), { minLength: 1, maxLength: 3 }),
    /** Day of the year for asOf, or none (the year's end). */
    asOfDay: fc.option(fc.integer({ min: 0, max: 364 }), { nil: undefined }),
    /** Rankings and summary periods. */
    rank: fc.tuple(fc.integer({ min: FIRST_N - 30, max: LAST_N + 30 }), fc.integer({ min: 0, max: 800 })),
    summary: fc.tuple(fc.integer({ min: FIRST_N, max: LAST_N }), fc.integer({ min: 0, max: 1300 })),
    budget: budgetArb,
  }),
);

// ---------------------------------------------------------------- the test

describe('reports on random ledgers and budgets (fast-check, real database and queue)', () => {
  let api: TestApi;
  let caseNo = 0;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Claimed and confirmed placements of one organization by tier, counted here in SQL. */
  async function directTiers(orgId: number, from: string, to: string): Promise<Tiers> {
    const rows = await sql<{ tier: Tier; n: string | number }>(
      api.dataSource,
      `SELECT c.tier AS tier, COUNT(*) AS n
         FROM placements p JOIN channels c ON c.id = p.channel_id
        WHERE p.organization_id = ? AND p.status IN ('claimed', 'confirmed')
          AND p.published_on >= ? AND p.published_on <= ?
        GROUP BY c.tier`,
      [orgId, from, to],
    );
    const out = { central: 0, provincial: 0, municipal: 0, district: 0, total: 0 };
    for (const r of rows) {
      out[r.tier] = Number(r.n);
      out.total += Number(r.n);
    }
    return out;
  }

  /** The same by month (from the date text, not the year/month columns). */
  async function directMonths(orgId: number, from: string, to: string): Promise<Map<string, Record<Tier, number>>> {
    const rows = await sql<{ ym: string; tier: Tier; n: string | number }>(
      api.dataSource,
      `SELECT SUBSTR(p.published_on, 1, 7) AS ym, c.tier AS tier, COUNT(*) AS n
         FROM placements p JOIN channels c ON c.id = p.channel_id
        WHERE p.organization_id = ? AND p.status IN ('claimed', 'confirmed')
          AND p.published_on >= ? AND p.published_on <= ?
        GROUP BY SUBSTR(p.published_on, 1, 7), c.tier`,
      [orgId, from, to],
    );
    const out = new Map<string, Record<Tier, number>>();
    for (const r of rows) {
      const m = out.get(r.ym) ?? { central: 0, provincial: 0, municipal: 0, district: 0 };
      m[r.tier] = Number(r.n);
      out.set(r.ym, m);
    }
    return out;
  }

  /** A highlight line counted here: channel or outlet by name, optional section, prominence, genre. */
  async function directLine(
    orgId: number,
    from: string,
    to: string,
    f: LineFilter,
  ): Promise<number> {
    const columns = { channel: 'c.name', outlet: 'o.name', section: 'p.section', prominence: 'p.prominence', genre: 'p.genre' };
    const used = (Object.keys(columns) as (keyof LineFilter)[]).filter((k) => f[k] !== undefined);
    const where = used.map((k) => `${columns[k]} = ?`);
    const params: unknown[] = [orgId, from, to, ...used.map((k) => f[k])];
    const [row] = await sql<{ n: string | number }>(
      api.dataSource,
      `SELECT COUNT(*) AS n
         FROM placements p JOIN channels c ON c.id = p.channel_id JOIN outlets o ON o.id = c.outlet_id
        WHERE p.organization_id = ? AND p.status IN ('claimed', 'confirmed')
          AND p.published_on >= ? AND p.published_on <= ?${where.map((w) => ` AND ${w}`).join('')}`,
      params,
    );
    return Number(row.n);
  }

  /** The default template's highlight lines, as filters written here. */
  const LINES: [string, LineFilter, LineFilter?][] = [
    ['中央电视台', { channel: '中央电视台' }],
    ['人民日报及公众号', { outlet: '人民日报' }],
    ['湖南日报市州头条', { channel: '湖南日报', section: '市州头条' }],
    ['湖南日报要闻', { channel: '湖南日报', section: '要闻' }, { genre: 'feature' }],
    ['学习强国', { channel: '学习强国湖南学习平台' }],
    ['邵阳日报头版头条', { channel: '邵阳日报', section: '头版', prominence: 'headline' }],
    ['县区版头条', { channel: '邵阳日报', section: '县区版', prominence: 'headline' }],
    ['邵阳新闻网首页头条', { channel: '邵阳新闻网', section: '首页', prominence: 'headline' }],
  ];

  async function checkLines(orgId: number, from: string, to: string, stated: { label: string; count: number; of?: { count: number } }[]) {
    for (const [label, filter, of] of LINES) {
      const line = stated.find((h) => h.label === label);
      expect(line?.count).toBe(await directLine(orgId, from, to, filter));
      if (of) expect(line?.of?.count).toBe(await directLine(orgId, from, to, { ...filter, ...of }));
    }
  }

  /** What was generated, counted in memory: the ledger went in as generated. */
  function modelTiers(ledger: GenPlacement[], from: string, to: string): Tiers {
    const out = { central: 0, provincial: 0, municipal: 0, district: 0, total: 0 };
    for (const p of ledger) {
      const d = isoOf(p.day);
      if (p.status === 'rejected' || d < from || d > to) continue;
      out[TIER_OF.get(p.channel)!]++;
      out.total++;
    }
    return out;
  }

  it('tier totals, monthly sums, bulletins, rankings and budget figures equal direct counts and integer arithmetic', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const n = ++caseNo;
        const region = `随机市${n}`;
        const orgs: { slug: string; id: number; ledger: GenPlacement[] }[] = [];
        for (const [k, ledger] of c.ledgers.entries()) {
          const slug = `prop-${n}-${k}`;
          const id = await createOrganization(api, { slug, name: `随机${n}区${k}融媒体中心`, region, foundedOn: FOUNDED });
          const entries: LedgerEntry[] = ledger.map((p, i) => ({
            channel: p.channel,
            title: `随机稿件${n}-${k}-${i}`,
            publishedOn: isoOf(p.day),
            section: p.section,
            prominence: p.prominence,
            genre: p.genre,
            status: p.status,
          }));
          await loadLedger(api, slug, entries);
          orgs.push({ slug, id, ledger });
        }
        const [org] = orgs;

        // The ledger is in the database as generated.
        for (const o of orgs) expect(await directTiers(o.id, FOUNDED, LAST_DAY)).toEqual(modelTiers(o.ledger, FOUNDED, LAST_DAY));

        // ---- budget: PUT in 元, GET back the same; the report states formatWan of the parts.
        const b = c.budget;
        const basicTotal = b.personnel + b.public + b.capital;
        const projectTotal = b.projects.reduce((s, p) => s + p, 0);
        const total = basicTotal + projectTotal;
        const FUNDS = ['districtOther', 'governmentFund', 'stateCapital', 'socialInsurance'] as const;
        const sent = {
          ...(b.statesUnit ? { unit: '元' } : {}),
          total: yuan(total),
          basic: { total: yuan(basicTotal), personnel: yuan(b.personnel), public: yuan(b.public), capital: yuan(b.capital) },
          projects: b.projects.map((amount, i) => ({ name: `随机项目${i + 1}`, amount: yuan(amount) })),
          otherFunds: Object.fromEntries(FUNDS.map((f, i) => [f, yuan(b.otherFunds[i])])),
        };
        await api.http().put(`/api/orgs/${org.slug}/budgets/${c.year}`).send(sent).expect(201);
        const inYuan = (await api.http().get(`/api/orgs/${org.slug}/budgets/${c.year}`).query({ unit: '元' }).expect(200)).body;
        expect(inYuan).toEqual({ ...sent, unit: '元', fiscalYear: c.year });
        // Totals equal the sum of their parts to the fen.
        const fenOf = (s: string) => BigInt(s.replace('.', ''));
        expect(fenOf(inYuan.total)).toBe(fenOf(inYuan.basic.total) + inYuan.projects.reduce((s: bigint, p: { amount: string }) => s + fenOf(p.amount), 0n));
        expect(fenOf(inYuan.basic.total)).toBe(fenOf(inYuan.basic.personnel) + fenOf(inYuan.basic.public) + fenOf(inYuan.basic.capital));
        const inWan = (await api.http().get(`/api/orgs/${org.slug}/budgets/${c.year}`).expect(200)).body;
        expect(inWan).toEqual({
          unit: '万元',
          fiscalYear: c.year,
          total: wanExact(total),
          basic: { total: wanExact(basicTotal), personnel: wanExact(b.personnel), public: wanExact(b.public), capital: wanExact(b.capital) },
          projects: b.projects.map((amount, i) => ({ name: `随机项目${i + 1}`, amount: wanExact(amount) })),
          otherFunds: Object.fromEntries(FUNDS.map((f, i) => [f, wanExact(b.otherFunds[i])])),
        });

        // ---- (a) the annual report's tier totals, (b) its months.
        const asOf = c.asOfDay === undefined ? undefined : isoOf(Math.min(dayNumber(`${c.year}-01-01`) + c.asOfDay, dayNumber(`${c.year}-12-31`)));
        const effectiveAsOf = asOf ?? `${c.year}-12-31`;
        const annual = (format: string) =>
          api
            .http()
            .get(`/api/orgs/${org.slug}/reports/annual`)
            .query({ year: c.year, format, ...(asOf ? { asOf } : {}) })
            .expect(200);
        const data = (await annual('json')).body.data;
        const from = maxDate(`${c.year}-01-01`, FOUNDED);
        const to = effectiveAsOf;
        expect(data.asOf).toBe(effectiveAsOf);
        expect(data.period).toEqual({ from, to });
        const yearCount = await directTiers(org.id, from, to);
        expect(data.placements.year).toEqual(yearCount);
        expect(data.placements.sinceFounding).toEqual(await directTiers(org.id, FOUNDED, effectiveAsOf));
        expect(yearCount).toEqual(modelTiers(org.ledger, from, to));

        const byMonth: { month: string; tiers: Record<Tier, number>; total: number }[] = data.placements.byMonth;
        expect(byMonth.map((m) => m.month)).toEqual(from <= to ? monthsBetween(from, to) : []);
        expect(byMonth.reduce((s, m) => s + m.total, 0)).toBe(yearCount.total);
        for (const t of TIERS) expect(byMonth.reduce((s, m) => s + m.tiers[t], 0)).toBe(yearCount[t]);
        const months = await directMonths(org.id, from, to);
        for (const m of byMonth) {
          expect(m.tiers).toEqual(months.get(m.month) ?? { central: 0, provincial: 0, municipal: 0, district: 0 });
          expect(m.total).toBe(TIERS.reduce((s, t) => s + m.tiers[t], 0));
        }

        // Highlight lines (the default template) against their own counts.
        await checkLines(org.id, from, to, data.placements.highlights);

        // The report's budget figures: formatWan of the parts; shares sum to 100.00, each within 0.01.
        const rb = data.budget;
        expect(rb).toEqual({
          unit: '万元',
          total: wan(total),
          basic: { total: wan(basicTotal), personnel: wan(b.personnel), public: wan(b.public), capital: wan(b.capital) },
          basicShares: rb.basicShares,
          projects: b.projects.map((amount, i) => ({ name: `随机项目${i + 1}`, amount: wan(amount) })),
          projectTotal: wan(projectTotal),
          otherFunds: Object.fromEntries(FUNDS.map((f, i) => [f, wan(b.otherFunds[i])])),
        });
        expect(rb.total).toBe(formatWan(total));
        expect(rb.basic.personnel).toBe(formatWan(b.personnel));
        const shares = [rb.basicShares.personnel, rb.basicShares.public, rb.basicShares.capital] as string[];
        const parts = [b.personnel, b.public, b.capital];
        if (basicTotal === 0) {
          expect(shares).toEqual(['0.00', '0.00', '0.00']);
        } else {
          const units = shares.map((s) => BigInt(s.replace('.', '')));
          expect(units.reduce((s, u) => s + u, 0n)).toBe(10_000n);
          parts.forEach((p, i) => {
            const diff = units[i] * big(basicTotal) - big(p) * 10_000n;
            expect(diff <= big(basicTotal) && -diff <= big(basicTotal)).toBe(true);
          });
        }

        // The Markdown states the same money figures and a sentence for each other fund type.
        const md = markdownText((await annual('md')).text);
        const name = `随机${n}区0融媒体中心`;
        expect(md).toContain(`${name}${c.year}年部门整体支出${wan(total)}万元，其中：基本支出${wan(basicTotal)}万元，项目支出${wan(projectTotal)}万元。`);
        expect(md).toContain(`人员经费${wan(b.personnel)}万元，占基本支出的${rb.basicShares.personnel}%`);
        const labels = ['区本级其他财政性资金', '政府性基金预算支出', '国有资本经营预算支出', '社会保险基金预算支出'];
        labels.forEach((label, i) => {
          expect(md).toContain(b.otherFunds[i] === 0 ? `${c.year}年没有${label}。` : `${c.year}年${label}${wan(b.otherFunds[i])}万元。`);
        });
        expect(md).toContain(`| 合计 | ${yearCount.total} | ${data.placements.sinceFounding.total} |`);

        // ---- (c) summary: by month sums to the by-tier total, and both to a direct count.
        const sFrom = isoOf(c.summary[0]);
        const sTo = isoOf(c.summary[0] + c.summary[1]);
        const summary = async (groupBy: string) =>
          (await api.http().get(`/api/orgs/${org.slug}/summary`).query({ from: sFrom, to: sTo, groupBy }).expect(200)).body as {
            rows: { key: string; count: number }[];
            total: number;
          };
        const byTier = await summary('tier');
        const byMonthSummary = await summary('month');
        const byYear = await summary('year');
        const direct = await directTiers(org.id, sFrom, sTo);
        expect(byTier.total).toBe(direct.total);
        expect(Object.fromEntries(byTier.rows.map((r) => [r.key, r.count]))).toEqual({ central: direct.central, provincial: direct.provincial, municipal: direct.municipal, district: direct.district });
        expect(byMonthSummary.rows.reduce((s, r) => s + r.count, 0)).toBe(byTier.total);
        expect(byMonthSummary.total).toBe(byTier.total);
        expect(byYear.rows.reduce((s, r) => s + r.count, 0)).toBe(byTier.total);
        const sMonths = await directMonths(org.id, sFrom, sTo);
        for (const r of byMonthSummary.rows) {
          const d = sMonths.get(r.key);
          expect(r.count).toBe(d ? TIERS.reduce((s, t) => s + d[t], 0) : 0);
        }

        // ---- (d) the monthly bulletin of a random month.
        const bulletin = (await api.http().get(`/api/orgs/${org.slug}/reports/monthly`).query({ month: c.month, format: 'json' }).expect(200)).body.data;
        const mFrom = `${c.month}-01`;
        const mTo = lastOfMonth(c.month);
        const prev = shiftMonth(c.month, -1);
        const lastYear = shiftMonth(c.month, -12);
        expect(bulletin.future).toBe(false);
        expect(bulletin.thisMonth).toEqual(await directTiers(org.id, mFrom, mTo));
        expect(bulletin.previousMonth).toEqual(await directTiers(org.id, `${prev}-01`, lastOfMonth(prev)));
        expect(bulletin.sameMonthLastYear).toEqual(await directTiers(org.id, `${lastYear}-01`, lastOfMonth(lastYear)));
        expect(bulletin.yearToDate).toEqual(await directTiers(org.id, `${c.month.slice(0, 4)}-01-01`, mTo));
        expect(bulletin.thisMonth).toEqual(modelTiers(org.ledger, mFrom, mTo));
        await checkLines(org.id, mFrom, mTo, bulletin.highlights);
        const bulletinText = markdownText((await api.http().get(`/api/orgs/${org.slug}/reports/monthly`).query({ month: c.month }).expect(200)).text);
        const now = bulletin.thisMonth.total as number;
        expect(bulletinText).toContain(
          `共上稿${now}篇，其中中央级${bulletin.thisMonth.central}篇、省级${bulletin.thisMonth.provincial}篇、市级${bulletin.thisMonth.municipal}篇、区级${bulletin.thisMonth.district}篇。` +
            `与上月相比${changeText(now, bulletin.previousMonth.total)}，与去年同月相比${changeText(now, bulletin.sameMonthLastYear.total)}。` +
            `${c.month.slice(0, 4)}年累计上稿${bulletin.yearToDate.total}篇。`,
        );

        // ---- (e) the region's ranking over a random period.
        const rFrom = isoOf(c.rank[0]);
        const rTo = isoOf(c.rank[0] + c.rank[1]);
        const ranking = (await api.http().get(`/api/regions/${encodeURIComponent(region)}/rankings`).query({ from: rFrom, to: rTo }).expect(200)).body;
        expect(ranking).toMatchObject({ region, from: rFrom, to: rTo });
        const rows: { rank: number; organization: { slug: string }; tiers: Record<Tier, number>; total: number }[] = ranking.rows;
        expect(rows.map((r) => r.organization.slug).sort()).toEqual(orgs.map((o) => o.slug).sort());
        for (const r of rows) {
          const o = orgs.find((x) => x.slug === r.organization.slug)!;
          const { total: t, ...tiers } = await directTiers(o.id, rFrom, rTo);
          expect(r.total).toBe(t);
          expect(r.tiers).toEqual(tiers);
        }
        expect(rows[0].rank).toBe(1);
        for (let i = 1; i < rows.length; i++) {
          expect(rows[i].total).toBeLessThanOrEqual(rows[i - 1].total);
          expect(rows[i].rank).toBeGreaterThanOrEqual(rows[i - 1].rank);
          const same = TIERS.every((t) => rows[i].tiers[t] === rows[i - 1].tiers[t]);
          expect(rows[i].rank).toBe(same ? rows[i - 1].rank : i + 1);
        }
        // The bulletin's ranking is the same computation over the month.
        const monthRanking = (await api.http().get(`/api/regions/${encodeURIComponent(region)}/rankings`).query({ from: mFrom, to: mTo }).expect(200)).body;
        expect(bulletin.ranking.rows).toEqual(monthRanking.rows);
      }),
      RUNS,
    );
  }, 180_000);
});
