import { Injectable } from '@nestjs/common';
import { GENRE_LABELS, Genre, PlacementStatus, STATUS_LABELS, TIER_LABELS, TIERS, Tier, todayInShanghai } from '@pl/domain';
import { Organization } from '@pl/persistence';
import { HighlightCount, ReportFacts, TierCounts, channelCountsOf, namedOutlets, sumTiers, tierCountsOf, zeroTiers } from '../aggregate/report-facts';
import { BudgetDocument, OTHER_FUNDS, OTHER_FUND_LABELS } from '../budget/budget';
import { Block, ReportDocument, Sheet } from '../document/report-document';
import { Fen, formatWan, percentShares } from '../money';
import type { AnnualProfileDocument, OrganizationProfileDocument } from '../profile/profile';
import { DEFAULT_TEMPLATE, ReportTemplate } from '../template/report-template';
import { IndicatorTemplate, defaultIndicatorTemplate } from '../evaluation/indicator-template';
import type { SelfEvaluation } from '../evaluation/self-evaluation';
import { selfEvaluationBlocks, selfEvaluationSheet } from '../evaluation/self-evaluation-document';
import { SelfEvaluationService, evaluationFacts, yearPeriod } from '../evaluation/self-evaluation.service';
import { chineseDate, chineseNumber, joinDun, joinWithHe } from './chinese';

export interface AnnualReportRequest {
  year: number;
  /** Figures as of this date (default: the year's end, or today if the year is not over). */
  asOf?: string;
  template?: ReportTemplate;
  /** The self-evaluation table's indicators (default: the shipped template). */
  indicators?: IndicatorTemplate;
  /**
   * Read the period's placements for the ledger sheet (上稿台账). Only the
   * Excel rendering shows sheets, and for a large organization this is the
   * dearest read of the report, so the other formats skip it. Default true.
   */
  ledgerSheet?: boolean;
}

/** What the annual report states, as data (the JSON rendering). */
export interface AnnualReportData {
  organization: { slug: string; name: string; region: string; foundedOn: string };
  year: number;
  period: { from: string; to: string };
  asOf: string;
  placements: {
    year: TierCounts & { total: number };
    sinceFounding: TierCounts & { total: number };
    highlights: HighlightCount[];
    outletsNamed: Record<Tier, string[]>;
    channelBreakdown: Record<string, { name: string; count: number }[]>;
    byMonth: { month: string; tiers: TierCounts; total: number }[];
  };
  budget: null | {
    unit: '万元';
    total: string;
    basic: { total: string; personnel: string; public: string; capital: string };
    basicShares: { personnel: string; public: string; capital: string };
    projects: { name: string; amount: string }[];
    projectTotal: string;
    otherFunds: Record<string, string>;
  };
  /** The 自评表, scored from the same figures and the editors' entries. */
  selfEvaluation: SelfEvaluation;
}

/**
 * Writes the annual performance-evaluation report (部门整体支出绩效评价报告)
 * with the seed's structure, 一、基本情况 … 七、下一步改进措施: figures from
 * the ledger and the budget, prose from the organization's profile.
 */
@Injectable()
export class AnnualReportComposer {
  constructor(
    private readonly facts: ReportFacts,
    private readonly evaluations: SelfEvaluationService,
  ) {}

  async compose(org: Organization, req: AnnualReportRequest): Promise<ReportDocument> {
    const template = req.template ?? DEFAULT_TEMPLATE;
    const { year } = req;
    const yearEnd = `${year}-12-31`;
    const today = todayInShanghai();
    const asOf = req.asOf ?? (yearEnd < today ? yearEnd : today);
    // The self-evaluation table below is scored from this period's figures: one definition of it.
    const { from, to } = yearPeriod(org, year, asOf);

    const [profile, annual, budget] = await Promise.all([
      this.facts.profile(org.id),
      this.facts.annualProfile(org.id, year),
      this.facts.budget(org.id, year),
    ]);
    // Two reads give every count by tier: the year's months (whose sum is the year's tiers) and
    // the channels since founding (whose sums are the outlets' and the tiers' since founding).
    const byMonth = await this.facts.monthly(org.id, from, to);
    const yearTiers = zeroTiers();
    for (const m of byMonth) for (const t of TIERS) yearTiers[t] += m.tiers[t];
    const sinceFounding = await this.facts.channelCounts(org.id, org.foundedOn, asOf);
    const foundingTiers = tierCountsOf(sinceFounding);
    const highlights = await this.facts.highlights(org.id, template, from, to);
    const outletsNamed = {} as Record<Tier, string[]>;
    const channelBreakdown: Record<string, { name: string; count: number }[]> = {};
    for (const tier of TIERS) {
      const spec = template.annual.tiers[tier];
      outletsNamed[tier] = namedOutlets(sinceFounding, tier, spec.outlets);
      if (spec.channelBreakdown) channelBreakdown[tier] = channelCountsOf(sinceFounding, tier);
    }

    const shortName = profile?.shortName ?? org.name;
    const budgetData = budget ? budgetFigures(budget) : null;
    // Scored from the figures above (the same period: yearPeriod), not read again.
    const selfEvaluation = await this.evaluations.evaluateWith(
      org,
      year,
      req.indicators ?? defaultIndicatorTemplate(),
      evaluationFacts(yearTiers, highlights, annual, budget),
    );
    const data: AnnualReportData = {
      organization: { slug: org.slug, name: org.name, region: org.region, foundedOn: org.foundedOn },
      year,
      period: { from, to },
      asOf,
      placements: {
        year: { ...yearTiers, total: sumTiers(yearTiers) },
        sinceFounding: { ...foundingTiers, total: sumTiers(foundingTiers) },
        highlights,
        outletsNamed,
        channelBreakdown,
        byMonth,
      },
      budget: budgetData,
      selfEvaluation,
    };

    const blocks: Block[] = [
      ...basicSituation(org, shortName, profile, annual, year),
      ...generalBudget(shortName, year, budget),
      ...otherFundSections(year, budget),
      ...performance(shortName, year, asOf, annual, template, data),
      ...selfEvaluationBlocks(selfEvaluation, year, '绩效自评情况'),
      { type: 'heading', level: 1, text: '七、下一步改进措施' },
      ...paragraphs(annual?.improvements, `${year}年度改进措施尚未录入。`),
      { type: 'signature', lines: [org.name, chineseDate(asOf)] },
    ];

    const title = template.annual.title.replace('{year}', String(year)).replace('{organization}', org.name);
    return {
      title,
      subtitle: `数据截至${chineseDate(asOf)}`,
      fileBaseName: `${org.slug}-annual-${year}`,
      blocks,
      sheets: sheets(data, req.ledgerSheet === false ? null : await this.facts.ledger(org.id, from, to)),
      data,
    };
  }
}

function paragraphs(texts: string[] | undefined, fallback: string): Block[] {
  const list = (texts ?? []).filter((t) => t.trim());
  return (list.length ? list : [fallback]).map((text) => ({ type: 'paragraph', text }));
}

function basicSituation(
  org: Organization,
  shortName: string,
  profile: OrganizationProfileDocument | null,
  annual: AnnualProfileDocument | null,
  year: number,
): Block[] {
  const blocks: Block[] = [
    { type: 'heading', level: 1, text: '一、基本情况' },
    { type: 'heading', level: 2, text: '（一）部门基本情况' },
    { type: 'heading', level: 3, text: '1、单位内设机构及人员情况' },
  ];
  let intro = `${shortName}于${chineseDate(org.foundedOn)}挂牌成立`;
  if (profile?.nature) intro += `，为${profile.nature}`;
  if (profile?.supervisor) intro += `，归口${profile.supervisor}管理`;
  intro += '。';
  if (profile) {
    if (profile.units.length) intro += `内设${joinWithHe(profile.units)}共${chineseNumber(profile.units.length)}个股室。`;
    const e = profile.establishment;
    intro += `核定${e.kind ?? '编制'}${e.authorized}名，目前到位${e.actual}人。`;
    if (profile.leadership.length) {
      intro += `共设${profile.leadership.map((l) => `${l.title}${l.count}名`).join('，')}。`;
    }
  }
  blocks.push({ type: 'paragraph', text: intro });
  blocks.push({ type: 'heading', level: 3, text: '2、主要职责' });
  if (profile?.duties.length) blocks.push({ type: 'list', items: profile.duties.map((d, i) => `（${i + 1}）${d}`) });
  else blocks.push({ type: 'paragraph', text: '主要职责尚未录入。' });
  blocks.push({ type: 'heading', level: 2, text: '（二）部门年度整体支出绩效目标' });
  if (annual?.goals.length) blocks.push({ type: 'list', items: annual.goals.map((g, i) => `${i + 1}. ${g}`) });
  else blocks.push({ type: 'paragraph', text: `${year}年度绩效目标尚未录入。` });
  return blocks;
}

function budgetFigures(b: BudgetDocument): NonNullable<AnnualReportData['budget']> {
  const [personnel, pub, capital] = percentShares([b.basic.personnel.amount, b.basic.public.amount, b.basic.capital.amount]);
  const projectTotal = b.projects.reduce((s, p) => s + p.amount, 0);
  return {
    unit: '万元',
    total: formatWan(b.total.amount),
    basic: {
      total: formatWan(b.basic.total.amount),
      personnel: formatWan(b.basic.personnel.amount),
      public: formatWan(b.basic.public.amount),
      capital: formatWan(b.basic.capital.amount),
    },
    basicShares: { personnel, public: pub, capital },
    projects: b.projects.map((p) => ({ name: p.name, amount: formatWan(p.amount) })),
    projectTotal: formatWan(projectTotal),
    otherFunds: Object.fromEntries(OTHER_FUNDS.map((f) => [f, formatWan(b.otherFunds[f].amount)])),
  };
}

function generalBudget(shortName: string, year: number, b: BudgetDocument | null): Block[] {
  const blocks: Block[] = [{ type: 'heading', level: 1, text: '二、一般公共预算支出情况' }];
  if (!b) {
    blocks.push({ type: 'paragraph', text: `${year}年度预算数据尚未录入，本部分暂无数据。` });
    return blocks;
  }
  const f = budgetFigures(b);
  blocks.push({
    type: 'paragraph',
    text: `${shortName}${year}年部门整体支出${f.total}万元，其中：基本支出${f.basic.total}万元，项目支出${f.projectTotal}万元。`,
  });
  blocks.push({ type: 'heading', level: 3, text: '1、基本支出情况' });
  const part = (label: string, amount: string, share: string, description: string | null, verb: string) =>
    `${label}${amount}万元，占基本支出的${share}%${description ? `，${verb}${description}` : ''}`;
  blocks.push({
    type: 'paragraph',
    text:
      `${year}年度财政拨款基本支出${f.basic.total}万元，其中：` +
      [
        part('人员经费', f.basic.personnel, f.basicShares.personnel, b.basic.personnel.description, '主要包括'),
        part('公用经费', f.basic.public, f.basicShares.public, b.basic.public.description, '主要包括'),
        part('资本性支出', f.basic.capital, f.basicShares.capital, b.basic.capital.description, '其中'),
      ].join('；') +
      '。',
  });
  blocks.push({ type: 'heading', level: 3, text: '2、项目支出情况' });
  if (b.projects.length === 0) {
    blocks.push({ type: 'paragraph', text: `${year}年没有项目支出。` });
  } else {
    const uses = b.projects.map((p) => p.description ?? p.name);
    const each = b.projects.length > 1 ? `其中${b.projects.map((p) => `${p.name}${formatWan(p.amount)}万元`).join('，')}，` : '';
    blocks.push({ type: 'paragraph', text: `${year}年度项目支出${f.projectTotal}万元，${each}主要用于${joinDun(uses)}。` });
  }
  blocks.push({
    type: 'chart',
    chart: {
      kind: 'pie',
      title: `${year}年基本支出构成（万元）`,
      categories: ['人员经费', '公用经费', '资本性支出'],
      series: [{ name: '基本支出', values: [f.basic.personnel, f.basic.public, f.basic.capital].map(Number) }],
      unit: '万元',
    },
  });
  return blocks;
}

/** （三）区本级其他财政性资金 and sections 三 to 五: a sentence each, stated even when zero. */
function otherFundSections(year: number, b: BudgetDocument | null): Block[] {
  const sentence = (fund: (typeof OTHER_FUNDS)[number]) => {
    const label = OTHER_FUND_LABELS[fund];
    if (!b) return `${year}年度${label}数据尚未录入。`;
    const amount: Fen = b.otherFunds[fund].amount;
    return amount === 0 ? `${year}年没有${label}。` : `${year}年${label}${formatWan(amount)}万元。`;
  };
  return [
    { type: 'heading', level: 2, text: '（三）区本级其他财政性资金实施情况' },
    { type: 'paragraph', text: sentence('districtOther') },
    { type: 'heading', level: 1, text: '三、政府性基金预算支出情况' },
    { type: 'paragraph', text: sentence('governmentFund') },
    { type: 'heading', level: 1, text: '四、国有资本经营预算支出情况' },
    { type: 'paragraph', text: sentence('stateCapital') },
    { type: 'heading', level: 1, text: '五、社会保险基金预算支出情况' },
    { type: 'paragraph', text: sentence('socialInsurance') },
  ];
}

function performance(
  shortName: string,
  year: number,
  asOf: string,
  annual: AnnualProfileDocument | null,
  template: ReportTemplate,
  data: AnnualReportData,
): Block[] {
  const blocks: Block[] = [{ type: 'heading', level: 1, text: '六、部门整体支出绩效情况' }];
  for (const a of annual?.achievements ?? []) blocks.push({ type: 'paragraph', text: a });

  const p = data.placements;
  const lines = p.highlights.filter((h) => h.count > 0);
  const lead = annual?.placementsLead ?? '';
  if (lines.length) {
    const items = lines.map(
      (h, i) => `${i === 0 ? '在' : ''}${h.label}上稿${h.count}篇${h.of && h.of.count > 0 ? `(其中${h.of.label}${h.of.count}篇)` : ''}`,
    );
    blocks.push({ type: 'paragraph', text: `${lead}截止到${chineseDate(asOf)}，${items.join('，')}，${template.annual.highlightsClosing}` });
  } else {
    blocks.push({ type: 'paragraph', text: `${lead}截止到${chineseDate(asOf)}，${year}年暂无重点媒体上稿记录。` });
  }

  const since = p.sinceFounding;
  if (since.total === 0) {
    blocks.push({ type: 'paragraph', text: `截至目前，${shortName}暂无上稿记录。` });
  } else {
    const tierPhrase = (tier: Tier) => {
      const names = p.outletsNamed[tier];
      const label = template.annual.tiers[tier].label;
      return `在${names.length ? `${joinDun(names)}等` : ''}${label}发稿${since[tier]}篇`;
    };
    const upper = (['central', 'provincial', 'municipal'] as const).filter((t) => since[t] > 0).map(tierPhrase);
    let text = `截至目前，${shortName}已${upper.join('，')}${upper.length ? '。' : ''}`;
    if (since.district > 0) {
      const breakdown = p.channelBreakdown.district;
      text += `${tierPhrase('district')}${breakdown?.length ? `，其中${breakdown.map((c) => `${c.name}${c.count}篇`).join('，')}` : ''}。`;
    }
    blocks.push({ type: 'paragraph', text });
  }

  blocks.push({
    type: 'table',
    caption: `上稿统计（截至${chineseDate(asOf)}）`,
    columns: ['层级', `${year}年`, '挂牌以来累计'],
    rows: [
      ...TIERS.map((t) => [TIER_LABELS[t], p.year[t], since[t]]),
      ['合计', p.year.total, since.total],
    ],
  });
  blocks.push({
    type: 'chart',
    chart: {
      kind: 'bar',
      title: `${year}年各层级媒体上稿数（篇）`,
      categories: TIERS.map((t) => TIER_LABELS[t]),
      series: [{ name: `${year}年`, values: TIERS.map((t) => p.year[t]) }],
      unit: '篇',
      tabulated: true,
    },
  });
  if (p.byMonth.length) {
    blocks.push({
      type: 'chart',
      chart: {
        kind: 'line',
        title: `${year}年各月上稿数（篇）`,
        categories: p.byMonth.map((m) => `${Number(m.month.slice(5))}月`),
        series: TIERS.map((t) => ({ name: TIER_LABELS[t], values: p.byMonth.map((m) => m.tiers[t]) })),
        unit: '篇',
        // The district tier counts in thousands, the central in tens: a panel each.
        smallMultiples: true,
      },
    });
  }
  return blocks;
}

function sheets(data: AnnualReportData, ledger: Awaited<ReturnType<ReportFacts['ledger']>> | null): Sheet[] {
  const p = data.placements;
  const out: Sheet[] = [
    {
      name: '上稿汇总',
      title: `${data.organization.name}上稿汇总（截至${chineseDate(data.asOf)}）`,
      unit: '篇',
      columns: [{ header: '层级', width: 12 }, { header: `${data.year}年`, width: 12 }, { header: '挂牌以来累计', width: 14 }],
      rows: TIERS.map((t) => [TIER_LABELS[t], p.year[t], p.sinceFounding[t]]),
      totals: [['合计', p.year.total, p.sinceFounding.total]],
    },
    {
      name: '重点上稿',
      title: `${data.organization.name}${data.year}年重点媒体上稿`,
      unit: '篇',
      columns: [{ header: '媒体及版面', width: 24 }, { header: '篇数', width: 10 }, { header: '其中', width: 16 }, { header: '其中篇数', width: 10 }],
      rows: p.highlights.map((h) => [h.label, h.count, h.of?.label ?? null, h.of?.count ?? null]),
      totals: [['合计', p.highlights.reduce((s, h) => s + h.count, 0), null, null]],
    },
    {
      name: '月度统计',
      title: `${data.organization.name}${data.year}年各月上稿统计`,
      unit: '篇',
      columns: [{ header: '月份', width: 12, kind: 'month' }, ...TIERS.map((t) => ({ header: TIER_LABELS[t], width: 10 })), { header: '合计', width: 10 }],
      rows: p.byMonth.map((m) => [m.month, ...TIERS.map((t) => m.tiers[t]), m.total]),
      totals: [['合计', ...TIERS.map((t) => p.year[t]), p.year.total]],
    },
  ];
  if (data.budget) {
    const b = data.budget;
    out.push({
      name: '预算支出',
      title: `${data.organization.name}${data.year}年一般公共预算支出`,
      unit: '万元',
      columns: [{ header: '项目', width: 24 }, { header: '金额（万元）', width: 14 }, { header: '占基本支出', width: 12 }],
      rows: [
        ['部门整体支出', Number(b.total), null],
        ['基本支出', Number(b.basic.total), '100.00%'],
        ['\u3000人员经费', Number(b.basic.personnel), `${b.basicShares.personnel}%`],
        ['\u3000公用经费', Number(b.basic.public), `${b.basicShares.public}%`],
        ['\u3000资本性支出', Number(b.basic.capital), `${b.basicShares.capital}%`],
        ['项目支出', Number(b.projectTotal), null],
        ...b.projects.map((pr) => [`\u3000${pr.name}`, Number(pr.amount), null]),
        ...OTHER_FUNDS.map((f) => [OTHER_FUND_LABELS[f], Number(b.otherFunds[f]), null]),
      ],
    });
  }
  out.push(selfEvaluationSheet(data.selfEvaluation, data.year));
  if (!ledger) return out;
  out.push({
    name: '上稿台账',
    title: `${data.organization.name}上稿台账（${chineseDate(data.period.from)}至${chineseDate(data.period.to)}）`,
    unit: '篇',
    columns: [
      { header: '刊发日期', width: 12, kind: 'date' },
      { header: '标题', width: 48 },
      { header: '媒体', width: 20 },
      { header: '层级', width: 8 },
      { header: '媒体单位', width: 14 },
      { header: '版面栏目', width: 12 },
      { header: '位置', width: 8 },
      { header: '体裁', width: 8 },
      { header: '作者', width: 16 },
      { header: '链接', width: 40 },
      { header: '状态', width: 8 },
    ],
    rows: ledger.map((r) => [
      r.publishedOn,
      r.title,
      r.channel,
      TIER_LABELS[r.tier],
      r.outlet,
      r.section,
      r.prominence === 'headline' ? '头条' : '',
      r.genre ? (GENRE_LABELS[r.genre as Genre] ?? r.genre) : null,
      r.authors,
      r.url,
      STATUS_LABELS[r.status as PlacementStatus] ?? r.status,
    ]),
    totals: [['合计', `${ledger.length}篇`]],
  });
  return out;
}
