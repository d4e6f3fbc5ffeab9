import { Injectable } from '@nestjs/common';
import { TIERS } from '@pl/domain';
import { LedgerCounts } from '@pl/placements';
import { ReportFacts, TierCounts, sumTiers, zeroTiers } from '../aggregate/report-facts';
import { PointsService, fromHundredths } from '../points/points.service';

export interface RankingRow {
  rank: number;
  organization: { slug: string; name: string };
  tiers: TierCounts;
  total: number;
  /** 积分 by the region's points table. */
  points: number;
}

export interface Ranking {
  region: string;
  from: string;
  to: string;
  /** What the ranking is ordered by: placements (ties by the higher tiers) or points (ties by placements). */
  sortBy: 'count' | 'points';
  rows: RankingRow[];
}

/**
 * Ranks a region's organizations over a period: by placements, ties broken
 * by the higher tiers (central first), or by points (积分), ties broken by
 * placements and then the tiers. Equal records share a rank.
 */
@Injectable()
export class RegionRankings {
  constructor(
    private readonly facts: ReportFacts,
    private readonly counts: LedgerCounts,
    private readonly points: PointsService,
  ) {}

  async rank(region: string, from: string, to: string, sortBy: 'count' | 'points' = 'count'): Promise<Ranking> {
    const orgs = await this.facts.organizationsOfRegion(region);
    const weights = this.points.weights(await this.points.tableFor(region));
    const byOrg = new Map<number, { tiers: TierCounts; hundredths: number }>(orgs.map((o) => [o.id, { tiers: zeroTiers(), hundredths: 0 }]));
    if (orgs.length && from <= to) {
      const rows = await this.counts.count({ organizationIds: orgs.map((o) => o.id), from, to }, ['organization', 'tier', 'prominence']);
      for (const r of rows) {
        const o = byOrg.get(r.organizationId!)!;
        o.tiers[r.tier!] += r.count;
        o.hundredths += weights.hundredths(r.tier!, r.prominence!) * r.count;
      }
    }
    const byCount = (a: Omit<RankingRow, 'rank'>, b: Omit<RankingRow, 'rank'>) => b.total - a.total || compareTiers(a.tiers, b.tiers);
    const order = sortBy === 'points' ? (a: Omit<RankingRow, 'rank'>, b: Omit<RankingRow, 'rank'>) => b.points - a.points || byCount(a, b) : byCount;
    const ranked = orgs
      .map((o) => {
        const { tiers, hundredths } = byOrg.get(o.id)!;
        return { organization: { slug: o.slug, name: o.name }, tiers, total: sumTiers(tiers), points: fromHundredths(hundredths) };
      })
      .sort((a, b) => order(a, b) || a.organization.slug.localeCompare(b.organization.slug));
    const rows: RankingRow[] = [];
    ranked.forEach((r, i) => {
      const prev = rows[i - 1];
      rows.push({ rank: prev && order(prev, r) === 0 ? prev.rank : i + 1, ...r });
    });
    return { region, from, to, sortBy, rows };
  }
}

function compareTiers(a: TierCounts, b: TierCounts): number {
  for (const t of TIERS) if (a[t] !== b[t]) return b[t] - a[t];
  return 0;
}
