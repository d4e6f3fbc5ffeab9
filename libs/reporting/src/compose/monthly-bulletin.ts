import { Injectable } from '@nestjs/common';
import { TIER_LABELS, TIERS, addMonths, elapsedShareOfYear, isCounted, monthBounds, todayInShanghai } from '@pl/domain';
import { Organization } from '@pl/persistence';
import { HighlightCount, ReportFacts, TierCounts, sumTiers } from '../aggregate/report-facts';
import { Block, ReportDocument } from '../document/report-document';
import { percentOf } from '../money';
import { DEFAULT_TEMPLATE, ReportTemplate } from '../template/report-template';
import { changeText, chineseDate, signed } from './chinese';
import { Ranking, RegionRankings } from './rankings';
import { PointsService } from '../points/points.service';

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
  /** 发文字号, 主送 and the date of the 落款 (the period's last day). */
  docNumber: string | null;
  recipients: string | null;
  issuedOn: string;
  /** The month's reporters at the top by points (表扬). */
  praisedReporters: { author: string; count: number; points: number }[];
  /** Tiers whose year-to-date count is below the year's target × the elapsed share of the year (存在问题). */
  behindPace: { tier: keyof TierCounts; yearToDate: number; expected: number; target: number }[];
  /** The month's key articles (附件): 中央级 and 省级 placements and headlines. */
  keyArticles: { publishedOn: string; title: string; channel: string; authors: string }[];
}

const withTotal = (t: TierCounts) => ({ ...t, total: sumTiers(t) });

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
    private readonly points: PointsService,
  ) {}

  async compose(org: Organization, month: string, template: ReportTemplate = DEFAULT_TEMPLATE): Promise<ReportDocument> {
    const today = todayInShanghai();
    const { from, to: monthEnd } = monthBounds(month);
    const to = monthEnd < today ? monthEnd : today;
    const future = from > today;
    const year = Number(month.slice(0, 4));
    const prev = monthBounds(addMonths(month, -1));
    const lastYear = monthBounds(addMonths(month, -12));
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
      docNumber: null,
      recipients: null,
      issuedOn: future ? monthEnd : to,
      praisedReporters: [],
      behindPace: [],
      keyArticles: [],
    };
    const official = template.bulletin;
    const fill = (text: string) => text.replace(/\{organization\}/g, org.name).replace(/\{year\}/g, String(year)).replace(/\{month\}/g, String(Number(month.slice(5))));
    if (official) {
      data.docNumber = fill(official.docNumber);
      data.recipients = fill(official.recipients);
    }
    if (!future) {
      const reporters = await this.points.authorRanking(org, from, to);
      data.praisedReporters = reporters.rows.slice(0, official?.praiseReporters ?? 3).map((r) => ({ author: r.author, count: r.count, points: r.points }));
      const share = elapsedShareOfYear(to);
      for (const t of TIERS) {
        const target = data.targets[t];
        if (target === undefined) continue;
        const expected = Math.ceil(target * share);
        if (data.yearToDate[t] < target * share) data.behindPace.push({ tier: t, yearToDate: data.yearToDate[t], expected, target });
      }
      data.keyArticles = (await this.facts.ledger(org.id, from, to))
        .filter((r) => isCounted(r.status))
        .filter((r) => r.tier === 'central' || r.tier === 'provincial' || (r.prominence === 'headline' && r.tier !== 'district'))
        .map((r) => ({ publishedOn: r.publishedOn, title: r.title, channel: r.channel, authors: r.authors }));
    }

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

    if (data.recipients) blocks.unshift({ type: 'paragraph', text: `${data.recipients}：` });
    if (official) {
      blocks.push({ type: 'heading', level: 1, text: '五、通报表扬' });
      const praised = data.praisedReporters;
      const first = data.ranking.rows.length > 1 && data.ranking.rows[0]?.organization.slug === org.slug;
      blocks.push({
        type: 'paragraph',
        text: future
          ? `${label}尚未开始。`
          : (praised.length
              ? `对本月上稿成绩突出的${praised.map((r) => `${r.author}（上稿${r.count}篇，积分${r.points}分）`).join('、')}予以通报表扬。`
              : '本月暂无署名上稿记录。') + (first ? `本月${org.name}在${org.region}各融媒体中心上稿排名第一。` : ''),
      });
      blocks.push({ type: 'heading', level: 1, text: '六、存在问题' });
      const tierNames = Object.fromEntries(TIERS.map((t) => [t, TIER_LABELS[t]]));
      blocks.push({
        type: 'paragraph',
        text: future
          ? `${label}尚未开始。`
          : !TIERS.some((t) => data.targets[t] !== undefined)
            ? `${y}年度未设定上稿目标，无法对照时序进度。`
            : data.behindPace.length
              ? `按时序进度，${data.behindPace
                  .map((b) => `${tierNames[b.tier]}媒体累计上稿${b.yearToDate}篇，应达${b.expected}篇（年度目标${b.target}篇），完成${percentOf(b.yearToDate, b.target)}%`)
                  .join('；')}，进度滞后。`
              : '各层级上稿均达到时序进度。',
      });
      blocks.push({ type: 'heading', level: 1, text: '七、下步要求' });
      blocks.push({ type: 'list', items: official.requirements.map((r, i) => `${i + 1}. ${fill(r)}`) });
      blocks.push({ type: 'signature', lines: [fill(official.issuer), chineseDate(data.issuedOn)] });
      blocks.push({ type: 'heading', level: 1, text: `附件：${label}重点稿件目录` });
      blocks.push({
        type: 'table',
        columns: ['序号', '标题', '媒体', '作者', '刊发日期'],
        rows: data.keyArticles.map((a, i) => [i + 1, a.title, a.channel, a.authors, a.publishedOn]),
      });
    }

    return {
      docNumber: data.docNumber ?? undefined,
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
          name: '重点稿件',
          title: `${org.name}${label}重点稿件目录`,
          unit: '篇',
          columns: [
            { header: '序号', width: 6 },
            { header: '标题', width: 48 },
            { header: '媒体', width: 20 },
            { header: '作者', width: 16 },
            { header: '刊发日期', width: 12, kind: 'date' },
          ],
          rows: data.keyArticles.map((a, i) => [i + 1, a.title, a.channel, a.authors, a.publishedOn]),
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
