import { Injectable } from '@nestjs/common';
import { TIER_LABELS, TIERS, todayInShanghai } from '@pl/domain';
import { Organization } from '@pl/persistence';
import { HighlightCount, ReportFacts, TierCounts, sumTiers } from '../aggregate/report-facts';
import { Block, ReportDocument } from '../document/report-document';
import { percentOf } from '../money';
import { DEFAULT_TEMPLATE, ReportTemplate } from '../template/report-template';
import { changeText, chineseDate, signed } from './chinese';
import { Ranking, RegionRankings } from './rankings';

export interface MonthlyBulletinData {
  organization: { slug: string; name: string; region: string };
  month: string;
  period: { from: string; to: string };
  /** True when the month has not begun yet: every figure is zero. */
  future: boolean;
  thisMonth: TierCounts & { total: number };
  previousMonth: TierCounts & { total: number };
  sameMonthLastYear: TierCounts & { total: number };
  yearToDate: TierCounts & { total: number };
  targets: Partial<Record<keyof TierCounts, number>>;
  highlights: HighlightCount[];
  topOutlets: Record<string, { name: string; count: number }[]>;
  ranking: Ranking;
}

const withTotal = (t: TierCounts) => ({ ...t, total: sumTiers(t) });

function monthBounds(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The monthly bulletin (上稿情况通报): the month's placements by tier against
 * the previous month, the same month last year and the year's targets; the
 * highlight lines; the busiest outlets; and the region's ranking.
 */
@Injectable()
export class MonthlyBulletinComposer {
  constructor(
    private readonly facts: ReportFacts,
    private readonly rankings: RegionRankings,
  ) {}

  async compose(org: Organization, month: string, template: ReportTemplate = DEFAULT_TEMPLATE): Promise<ReportDocument> {
    const today = todayInShanghai();
    const { from, to: monthEnd } = monthBounds(month);
    const to = monthEnd < today ? monthEnd : today;
    const future = from > today;
    const year = Number(month.slice(0, 4));
    const prev = monthBounds(shiftMonth(month, -1));
    const lastYear = monthBounds(shiftMonth(month, -12));
    const annual = await this.facts.annualProfile(org.id, year);

    const data: MonthlyBulletinData = {
      organization: { slug: org.slug, name: org.name, region: org.region },
      month,
      period: { from, to: future ? monthEnd : to },
      future,
      thisMonth: withTotal(await this.facts.tierCounts([org.id], from, to)),
      previousMonth: withTotal(await this.facts.tierCounts([org.id], prev.from, prev.to)),
      sameMonthLastYear: withTotal(await this.facts.tierCounts([org.id], lastYear.from, lastYear.to)),
      yearToDate: withTotal(await this.facts.tierCounts([org.id], `${year}-01-01`, to)),
      targets: annual?.targets ?? {},
      highlights: await this.facts.highlights(org.id, template, from, to),
      topOutlets: await this.facts.topOutlets(org.id, from, to, 3),
      ranking: await this.rankings.rank(org.region, from, to),
    };

    const [y, m] = [year, Number(month.slice(5))];
    const label = `${y}年${m}月`;
    const blocks: Block[] = [];
    blocks.push({ type: 'heading', level: 1, text: '一、本月上稿情况' });
    if (future) {
      blocks.push({ type: 'paragraph', text: `${label}尚未开始，暂无上稿数据。` });
    } else {
      const c = data.thisMonth;
      const parts = TIERS.map((t) => `${TIER_LABELS[t]}${c[t]}篇`).join('、');
      blocks.push({
        type: 'paragraph',
        text:
          `${label}${to < monthEnd ? `（截至${chineseDate(to)}）` : ''}，${org.name}共上稿${c.total}篇，其中${parts}。` +
          `与上月相比${changeText(c.total, data.previousMonth.total)}，与去年同月相比${changeText(c.total, data.sameMonthLastYear.total)}。` +
          `${y}年累计上稿${data.yearToDate.total}篇。`,
      });
    }
    const hasTargets = TIERS.some((t) => data.targets[t] !== undefined);
    blocks.push({
      type: 'table',
      caption: `${label}各层级上稿情况`,
      columns: ['层级', '本月', '上月', '环比', '去年同月', '同比', '本年累计', ...(hasTargets ? ['年度目标', '完成率'] : [])],
      rows: [...TIERS, 'total' as const].map((t) => {
        const name = t === 'total' ? '合计' : TIER_LABELS[t];
        const target = t === 'total' ? (hasTargets ? TIERS.reduce((s, k) => s + (data.targets[k] ?? 0), 0) : undefined) : data.targets[t];
        const row: (string | number)[] = [
          name,
          data.thisMonth[t],
          data.previousMonth[t],
          signed(data.thisMonth[t] - data.previousMonth[t]),
          data.sameMonthLastYear[t],
          signed(data.thisMonth[t] - data.sameMonthLastYear[t]),
          data.yearToDate[t],
        ];
        if (hasTargets) row.push(target ?? '—', target ? `${percentOf(data.yearToDate[t], target)}%` : '—');
        return row;
      }),
    });
    blocks.push({
      type: 'chart',
      chart: {
        kind: 'bar',
        title: `${label}各层级上稿数（篇）`,
        categories: TIERS.map((t) => TIER_LABELS[t]),
        series: [
          { name: '本月', values: TIERS.map((t) => data.thisMonth[t]) },
          { name: '上月', values: TIERS.map((t) => data.previousMonth[t]) },
          { name: '去年同月', values: TIERS.map((t) => data.sameMonthLastYear[t]) },
        ],
        unit: '篇',
        tabulated: true,
      },
    });

    blocks.push({ type: 'heading', level: 1, text: '二、重点媒体上稿' });
    const lines = data.highlights.filter((h) => h.count > 0);
    if (lines.length) {
      blocks.push({
        type: 'list',
        items: lines.map((h) => `${h.label}上稿${h.count}篇${h.of && h.of.count > 0 ? `（其中${h.of.label}${h.of.count}篇）` : ''}`),
      });
    } else {
      blocks.push({ type: 'paragraph', text: '本月暂无重点媒体上稿。' });
    }

    blocks.push({ type: 'heading', level: 1, text: '三、各层级上稿较多的媒体' });
    blocks.push({
      type: 'table',
      columns: ['层级', '媒体', '篇数'],
      rows: TIERS.flatMap((t) => data.topOutlets[t].map((o) => [TIER_LABELS[t], o.name, o.count] as (string | number)[])),
    });

    blocks.push({ type: 'heading', level: 1, text: `四、${org.region}各融媒体中心上稿排名` });
    blocks.push({
      type: 'table',
      columns: ['排名', '单位', ...TIERS.map((t) => TIER_LABELS[t]), '合计', '积分'],
      rows: data.ranking.rows.map((r) => [r.rank, r.organization.name, ...TIERS.map((t) => r.tiers[t]), r.total, r.points]),
    });

    return {
      title: `${org.name}${label}上稿情况通报`,
      subtitle: future ? `${label}（尚未开始）` : `统计期间：${chineseDate(from)}至${chineseDate(to)}`,
      fileBaseName: `${org.slug}-monthly-${month}`,
      blocks,
      sheets: [
        {
          name: '本月统计',
          columns: ['层级', '本月', '上月', '去年同月', '本年累计', '年度目标'].map((header) => ({ header, width: 12 })),
          rows: TIERS.map((t) => [TIER_LABELS[t], data.thisMonth[t], data.previousMonth[t], data.sameMonthLastYear[t], data.yearToDate[t], data.targets[t] ?? null]),
        },
        {
          name: '重点上稿',
          columns: [{ header: '媒体及版面', width: 24 }, { header: '篇数', width: 10 }],
          rows: data.highlights.map((h) => [h.label, h.count]),
        },
        {
          name: '区域排名',
          columns: ['排名', '单位', ...TIERS.map((t) => TIER_LABELS[t]), '合计', '积分'].map((header) => ({ header, width: 14 })),
          rows: data.ranking.rows.map((r) => [r.rank, r.organization.name, ...TIERS.map((t) => r.tiers[t]), r.total, r.points]),
        },
      ],
      data,
    };
  }
}
