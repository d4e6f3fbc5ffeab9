import { Injectable } from '@nestjs/common';
import { TIERS, Tier, type Prominence } from '@pl/domain';
import { LedgerCounts, PointsWeights } from '@pl/placements';
import { Organization } from '@pl/persistence';
import { TierCounts, zeroTiers } from '../aggregate/report-facts';
import { StoredTemplatesService } from '../template/stored-templates.service';
import { PointsTable, pointsHundredths } from './points-table';

export interface AuthorRankingRow {
  rank: number;
  author: string;
  /** Placements naming the author. */
  count: number;
  points: number;
  tiers: TierCounts;
}

export interface AuthorRanking {
  organization: { slug: string; name: string };
  from: string;
  to: string;
  /** The points table applied, and how authors are credited. */
  pointsTable: { name: string; authorCredit: 'full' | 'split' };
  rows: AuthorRankingRow[];
}

/** Hundredths of a point as the figure shown: two decimals at most. */
export const fromHundredths = (h: number): number => Math.round(h) / 100;

/**
 * Points (积分) applied to the ledger: the table of a region (the default
 * unless one is stored for it), as weights for the summary, and the ranking of an
 * organization's reporters.
 */
@Injectable()
export class PointsService {
  constructor(
    private readonly counts: LedgerCounts,
    private readonly templates: StoredTemplatesService,
  ) {}

  /** The points table that applies to a region's organizations: the one stored for the region, else the default. */
  tableFor(region: string): Promise<PointsTable> {
    return this.templates.pointsFor(region);
  }

  weights(table: PointsTable): PointsWeights {
    return { hundredths: (tier: Tier, prominence: Prominence) => pointsHundredths(table, tier, prominence), split: table.authorCredit === 'split' };
  }

  /** An organization's reporters over a period by points, then placements; equal records share a rank. Unsigned placements are left out. */
  async authorRanking(org: Organization, from: string, to: string): Promise<AuthorRanking> {
    const table = await this.tableFor(org.region);
    const w = this.weights(table);
    const rows = from > to ? [] : await this.counts.count({ organizationIds: [org.id], from, to }, ['author', 'tier', 'prominence']);
    const byAuthor = new Map<string, { count: number; hundredths: number; tiers: TierCounts }>();
    for (const r of rows) {
      if (!r.author) continue;
      const a = byAuthor.get(r.author) ?? { count: 0, hundredths: 0, tiers: zeroTiers() };
      a.count += r.count;
      a.tiers[r.tier!] += r.count;
      a.hundredths += w.hundredths(r.tier!, r.prominence!) * (w.split ? r.authorShare! : r.count);
      byAuthor.set(r.author, a);
    }
    const sorted = [...byAuthor.entries()]
      .map(([author, a]) => ({ author, count: a.count, points: fromHundredths(a.hundredths), tiers: a.tiers }))
      .sort((a, b) => b.points - a.points || b.count - a.count || compareTiers(a.tiers, b.tiers) || a.author.localeCompare(b.author, 'zh-CN'));
    const ranked: AuthorRankingRow[] = [];
    sorted.forEach((r, i) => {
      const prev = ranked[i - 1];
      const tied = prev && prev.points === r.points && prev.count === r.count;
      ranked.push({ rank: tied ? prev.rank : i + 1, ...r });
    });
    return {
      organization: { slug: org.slug, name: org.name },
      from,
      to,
      pointsTable: { name: table.name, authorCredit: table.authorCredit },
      rows: ranked,
    };
  }
}

function compareTiers(a: TierCounts, b: TierCounts): number {
  for (const t of TIERS) if (a[t] !== b[t]) return b[t] - a[t];
  return 0;
}
