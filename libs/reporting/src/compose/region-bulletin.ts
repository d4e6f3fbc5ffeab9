import { Injectable } from '@nestjs/common';
import { TIER_LABELS, TIERS, Tier, elapsedShareOfYear, isCounted, monthBounds, todayInShanghai } from '@pl/domain';
import { ReportFacts, sumTiers } from '../aggregate/report-facts';
import { Block, ReportDocument } from '../document/report-document';
import { percentOf } from '../money';
import type { RegionRef } from '../regions/regions.service';
import { DEFAULT_TEMPLATE, ReportTemplate } from '../template/report-template';
import { chineseDate } from './chinese';
import { Ranking, RegionRankings } from './rankings';

export interface RegionBulletinData {
  region: RegionRef;
  month: string;
  period: { from: string; to: string };
  future: boolean;
  docNumber: string;
  /** The month's ranking by points, counts beside them. */
  ranking: Ranking;
  /** Per centre: the year to date against the year's targets (all tiers together). */
  completion: { organization: { slug: string; name: string }; yearToDate: number; target: number | null; rate: string | null; expected: number | null; behind: boolean }[];
  keyArticles: { organization: string; publishedOn: string; title: string; channel: string; authors: string }[];
}

/**
 * One bulletin across every centre of a region (a city 宣传部's 通报): the
 * month's ranking by points and counts, each centre's completion of its
 * year's target, the centres behind the target pace, and the key articles.
 */
@Injectable()
export class RegionBulletinComposer {
  constructor(
    private readonly facts: ReportFacts,
    private readonly rankings: RegionRankings,
  ) {}

  async compose(region: RegionRef, month: string, template: ReportTemplate = DEFAULT_TEMPLATE): Promise<ReportDocument> {
    const today = todayInShanghai();
    const { from, to: monthEnd } = monthBounds(month);
    const to = monthEnd < today ? monthEnd : today;
    const future = from > today;
    const year = Number(month.slice(0, 4));
    const label = `${year}年${Number(month.slice(5))}月`;
    const official = template.bulletin;
    const fill = (text: string) =>
      text.replace(/\{region\}/g, region.name).replace(/\{year\}/g, String(year)).replace(/\{month\}/g, String(Number(month.slice(5))));

    const orgs = await this.facts.organizationsOfRegion(region.name);
    const ranking = await this.rankings.rank(region.name, from, future ? from : to, 'points');
    const share = future ? 0 : elapsedShareOfYear(to);
    const completion: RegionBulletinData['completion'] = [];
    const keyArticles: RegionBulletinData['keyArticles'] = [];
    for (const org of orgs) {
      const ytd = future ? 0 : sumTiers(await this.facts.tierCounts([org.id], `${year}-01-01`, to));
      const targets = (await this.facts.annualProfile(org.id, year))?.targets ?? {};
      const tierTargets = TIERS.map((t) => targets[t]).filter((t): t is number => t !== undefined);
      const target = tierTargets.length ? tierTargets.reduce((s, t) => s + t, 0) : null;
      completion.push({
        organization: { slug: org.slug, name: org.name },
        yearToDate: ytd,
        target,
        rate: target ? percentOf(ytd, target) : null,
        expected: target ? Math.ceil(target * share) : null,
        behind: target !== null && !future && ytd < target * share,
      });
      if (!future) {
        for (const r of await this.facts.ledger(org.id, from, to)) {
          if (isCounted(r.status) && (r.tier === 'central' || r.tier === 'provincial' || (r.prominence === 'headline' && r.tier !== 'district'))) {
            keyArticles.push({ organization: org.name, publishedOn: r.publishedOn, title: r.title, channel: r.channel, authors: r.authors });
          }
        }
      }
    }
    keyArticles.sort((a, b) => a.publishedOn.localeCompare(b.publishedOn));

    const data: RegionBulletinData = {
      region,
      month,
      period: { from, to: future ? monthEnd : to },
      future,
      docNumber: fill(official?.regionDocNumber ?? '{region}宣通〔{year}〕{month}号'),
      ranking,
      completion,
      keyArticles,
    };
    const totals = Object.fromEntries(TIERS.map((t) => [t, ranking.rows.reduce((s, r) => s + r.tiers[t], 0)])) as Record<Tier, number>;
    const total = ranking.rows.reduce((s, r) => s + r.total, 0);
    const points = ranking.rows.reduce((s, r) => s + r.points, 0);

    const blocks: Block[] = [{ type: 'paragraph', text: `${fill(official?.regionRecipients ?? '各融媒体中心')}：` }];
    blocks.push({ type: 'heading', level: 1, text: '一、总体情况' });
    blocks.push({
      type: 'paragraph',
      text: future
        ? `${label}尚未开始，暂无上稿数据。`
        : `${label}${to < monthEnd ? `（截至${chineseDate(to)}）` : ''}，${region.name}${orgs.length}家融媒体中心共上稿${total}篇，积分${round2(points)}分，其中${TIERS.map((t) => `${TIER_LABELS[t]}${totals[t]}篇`).join('、')}。`,
    });
    blocks.push({ type: 'heading', level: 1, text: '二、各融媒体中心上稿排名' });
    blocks.push({
      type: 'table',
      caption: `${label}各融媒体中心上稿积分排名`,
      columns: ['排名', '单位', ...TIERS.map((t) => TIER_LABELS[t]), '合计', '积分'],
      rows: ranking.rows.map((r) => [r.rank, r.organization.name, ...TIERS.map((t) => r.tiers[t]), r.total, r.points]),
    });
    blocks.push({ type: 'heading', level: 1, text: '三、年度目标完成情况' });
    blocks.push({
      type: 'table',
      caption: `截至${chineseDate(future ? from : to)}各融媒体中心年度目标完成情况`,
      columns: ['单位', '本年累计', '年度目标', '完成率', '时序进度应达', '进度'],
      rows: completion.map((c) => [
        c.organization.name,
        c.yearToDate,
        c.target ?? '未设定',
        c.rate ? `${c.rate}%` : '—',
        c.expected ?? '—',
        c.target === null ? '—' : c.behind ? '滞后' : '正常',
      ]),
    });
    const behind = completion.filter((c) => c.behind);
    blocks.push({ type: 'heading', level: 1, text: '四、进度滞后的单位' });
    blocks.push({
      type: 'paragraph',
      text: future
        ? `${label}尚未开始。`
        : behind.length
          ? `${behind.map((c) => `${c.organization.name}（累计${c.yearToDate}篇，应达${c.expected}篇）`).join('、')}上稿进度滞后于时序进度，请抓紧补齐。`
          : '各融媒体中心上稿均达到时序进度。',
    });
    if (official) {
      blocks.push({ type: 'heading', level: 1, text: '五、下步要求' });
      blocks.push({ type: 'list', items: official.requirements.map((r, i) => `${i + 1}. ${fill(r)}`) });
    }
    blocks.push({ type: 'signature', lines: [fill(official?.regionIssuer ?? '{region}'), chineseDate(data.period.to)] });
    blocks.push({ type: 'heading', level: 1, text: `附件：${label}重点稿件目录` });
    blocks.push({
      type: 'table',
      columns: ['序号', '单位', '标题', '媒体', '作者', '刊发日期'],
      rows: keyArticles.map((a, i) => [i + 1, a.organization, a.title, a.channel, a.authors, a.publishedOn]),
    });

    return {
      docNumber: data.docNumber,
      title: `${region.name}${label}各融媒体中心上稿情况通报`,
      subtitle: future ? `${label}（尚未开始）` : `统计期间：${chineseDate(from)}至${chineseDate(to)}`,
      fileBaseName: `${region.slug ?? 'region'}-monthly-${month}`,
      blocks,
      sheets: [
        {
          name: '积分排名',
          title: `${region.name}${label}各融媒体中心上稿积分排名`,
          unit: '篇、分',
          columns: ['排名', '单位', ...TIERS.map((t) => TIER_LABELS[t]), '合计', '积分'].map((header) => ({ header, width: 14 })),
          rows: ranking.rows.map((r) => [r.rank, r.organization.name, ...TIERS.map((t) => r.tiers[t]), r.total, r.points]),
          totals: [['合计', '', ...TIERS.map((t) => totals[t]), total, round2(points)]],
        },
        {
          name: '目标完成',
          title: `${region.name}各融媒体中心${year}年度目标完成情况`,
          unit: '篇',
          columns: ['单位', '本年累计', '年度目标', '完成率', '时序进度应达', '进度'].map((header) => ({ header, width: 16 })),
          rows: completion.map((c) => [c.organization.name, c.yearToDate, c.target, c.rate ? `${c.rate}%` : null, c.expected, c.target === null ? null : c.behind ? '滞后' : '正常']),
        },
        {
          name: '重点稿件',
          title: `${region.name}${label}重点稿件目录`,
          unit: '篇',
          columns: [
            { header: '序号', width: 6 },
            { header: '单位', width: 24 },
            { header: '标题', width: 48 },
            { header: '媒体', width: 20 },
            { header: '作者', width: 16 },
            { header: '刊发日期', width: 12, kind: 'date' },
          ],
          rows: keyArticles.map((a, i) => [i + 1, a.organization, a.title, a.channel, a.authors, a.publishedOn]),
        },
      ],
      data,
    };
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
