import { Injectable } from '@nestjs/common';
import { TIERS } from '@pl/domain';
import { LedgerCounts } from '@pl/placements';
import { ReportFacts, TierCounts, sumTiers, zeroTiers } from '../aggregate/report-facts';

export interface RankingRow {
  rank: number;
  organization: { slug: string; name: string };
  tiers: TierCounts;
  total: number;
}

export interface Ranking {
  region: string;
  from: string;
  to: string;
  rows: RankingRow[];
}

/**
 * Ranks a region's organizations by placements over a period: by total,
 * ties broken by the higher tiers (central first). Equal records share a rank.
 */
@Injectable()
export class RegionRankings {
  constructor(
    private readonly facts: ReportFacts,
    private readonly counts: LedgerCounts,
  ) {}

  async rank(region: string, from: string, to: string): Promise<Ranking> {
    const orgs = await this.facts.organizationsOfRegion(region);
    const byOrg = new Map<number, TierCounts>(orgs.map((o) => [o.id, zeroTiers()]));
    if (orgs.length && from <= to) {
      const rows = await this.counts.count({ organizationIds: orgs.map((o) => o.id), from, to }, ['organization', 'tier']);
      for (const r of rows) byOrg.get(r.organizationId!)![r.tier!] += r.count;
    }
    const ranked = orgs
      .map((o) => ({ organization: { slug: o.slug, name: o.name }, tiers: byOrg.get(o.id)!, total: sumTiers(byOrg.get(o.id)!) }))
      .sort((a, b) => b.total - a.total || compareTiers(a.tiers, b.tiers) || a.organization.slug.localeCompare(b.organization.slug));
    const rows: RankingRow[] = [];
    ranked.forEach((r, i) => {
      const prev = rows[i - 1];
      const tied = prev && prev.total === r.total && compareTiers(prev.tiers, r.tiers) === 0;
      rows.push({ rank: tied ? prev.rank : i + 1, ...r });
    });
    return { region, from, to, rows };
  }
}

function compareTiers(a: TierCounts, b: TierCounts): number {
  for (const t of TIERS) if (a[t] !== b[t]) return b[t] - a[t];
  return 0;
}
