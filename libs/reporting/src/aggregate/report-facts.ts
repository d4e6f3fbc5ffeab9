import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TIERS, Tier, normaliseName } from '@pl/domain';
import { ChannelDirectory, CountFilter, LedgerCounts, placementConditions } from '@pl/placements';
import { Budget, Organization, OrganizationProfile, Outlet, SqlDialect } from '@pl/persistence';
import type { BudgetDocument } from '../budget/budget';
import type { AnnualProfileDocument, OrganizationProfileDocument } from '../profile/profile';
import type { HighlightFilter, ReportTemplate } from '../template/report-template';

export type TierCounts = Record<Tier, number>;

export interface HighlightCount {
  label: string;
  count: number;
  of?: { label: string; count: number };
}

/** One placement as a report's ledger listing (台账) prints it. (An imported file's row is @pl/placements' LedgerRow.) */
export interface ReportLedgerLine {
  publishedOn: string;
  title: string;
  channel: string;
  tier: Tier;
  outlet: string;
  section: string | null;
  prominence: string;
  genre: string | null;
  authors: string;
  url: string | null;
  status: string;
}

/** Placements of one channel over a period ({@link ReportFacts.channelCounts}). */
export interface ChannelCount {
  channelId: number;
  channelName: string;
  tier: Tier;
  displayOrder: number;
  outletId: number;
  outletName: string;
  count: number;
}

export const zeroTiers = (): TierCounts => ({ central: 0, provincial: 0, municipal: 0, district: 0 });
export const sumTiers = (t: TierCounts): number => TIERS.reduce((s, k) => s + t[k], 0);

/** Counts by tier from counts by channel. */
export function tierCountsOf(rows: ChannelCount[]): TierCounts {
  const out = zeroTiers();
  for (const r of rows) out[r.tier] += r.count;
  return out;
}

/**
 * The outlets with placements in a tier, in catalog order (an outlet's
 * smallest channel display order among those counted, then its id), from
 * counts by channel; the template may name which to list. Returns the names
 * to print.
 */
export function namedOutlets(rows: ChannelCount[], tier: Tier, named?: string[]): string[] {
  const byOutlet = new Map<number, { name: string; count: number; order: number }>();
  for (const r of rows) {
    if (r.tier !== tier) continue;
    const o = byOutlet.get(r.outletId);
    if (o) {
      o.count += r.count;
      o.order = Math.min(o.order, r.displayOrder);
    } else byOutlet.set(r.outletId, { name: r.outletName, count: r.count, order: r.displayOrder });
  }
  const present = [...byOutlet.entries()].filter(([, o]) => o.count > 0).sort(([ia, a], [ib, b]) => a.order - b.order || ia - ib);
  if (named?.length) {
    const have = new Set(present.map(([, o]) => normaliseName(o.name)));
    const listed = named.filter((n) => have.has(normaliseName(n)));
    if (listed.length) return listed;
  }
  return present.map(([, o]) => o.name);
}

/** Counts per channel of a tier, in the catalog's display order (the seed lists district channels so). */
export function channelCountsOf(rows: ChannelCount[], tier: Tier): { name: string; count: number }[] {
  return rows
    .filter((r) => r.tier === tier && r.count > 0)
    .sort((a, b) => a.displayOrder - b.displayOrder || a.channelId - b.channelId)
    .map((r) => ({ name: r.channelName, count: r.count }));
}

/**
 * Gathers the figures reports are written from: counts by tier, month,
 * outlet and channel, the template's highlight lines, and the budget and
 * profile documents. Every figure is counted from ledger rows.
 */
@Injectable()
export class ReportFacts {
  private readonly sql: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counts: LedgerCounts,
    private readonly channels: ChannelDirectory,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  async tierCounts(orgIds: number[], from: string, to: string): Promise<TierCounts> {
    const out = zeroTiers();
    if (from > to) return out;
    for (const r of await this.counts.count({ organizationIds: orgIds, from, to }, ['tier'])) out[r.tier!] = r.count;
    return out;
  }

  /** Counts by month and tier; every month of the range appears, empty ones with zeros. */
  async monthly(orgId: number, from: string, to: string): Promise<{ month: string; tiers: TierCounts; total: number }[]> {
    const rows = from > to ? [] : await this.counts.count({ organizationIds: [orgId], from, to }, ['month', 'tier']);
    const months: { month: string; tiers: TierCounts; total: number }[] = [];
    let [y, m] = from.slice(0, 7).split('-').map(Number);
    const [ey, em] = to.slice(0, 7).split('-').map(Number);
    while (from <= to && (y < ey || (y === ey && m <= em))) {
      const tiers = zeroTiers();
      for (const r of rows) if (r.year === y && r.month === m) tiers[r.tier!] += r.count;
      months.push({ month: `${y}-${String(m).padStart(2, '0')}`, tiers, total: sumTiers(tiers) });
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
    }
    return months;
  }

  /** The template's highlight lines over a period, in the template's order. */
  async highlights(orgId: number, template: ReportTemplate, from: string, to: string): Promise<HighlightCount[]> {
    const out: HighlightCount[] = [];
    for (const line of template.highlights) {
      const base = await this.toFilter(line.filter, { organizationIds: [orgId], from, to });
      const count = from > to ? 0 : await this.counts.total(base);
      const h: HighlightCount = { label: line.label, count };
      if (line.of) {
        const sub = await this.toFilter(line.of.filter, base);
        h.of = { label: line.of.label, count: from > to ? 0 : await this.counts.total(sub) };
      }
      out.push(h);
    }
    return out;
  }

  /**
   * Counts per channel over a period, each with its channel's tier, display
   * order and outlet: one read that a tier's outlets ({@link namedOutlets}),
   * its channels ({@link channelCountsOf}) and the tier totals
   * ({@link tierCountsOf}) are all taken from. The placements are counted by
   * channel alone, on the count index, and the few channel rows joined after:
   * grouping every placement by tier, outlet and channel names took about four
   * times as long.
   */
  async channelCounts(orgId: number, from: string, to: string): Promise<ChannelCount[]> {
    if (from > to) return [];
    const params: unknown[] = [];
    const where = placementConditions(this.sql, { organizationIds: [orgId], from, to }, params);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT c.id AS channel_id, c.name AS channel_name, c.tier AS tier, c.display_order AS display_order,
              o.id AS outlet_id, o.name AS outlet_name, x.n AS n
       FROM (SELECT p.channel_id AS channel_id, COUNT(*) AS n FROM placements p WHERE ${where} GROUP BY p.channel_id) x
       JOIN channels c ON c.id = x.channel_id JOIN outlets o ON o.id = c.outlet_id`,
      params,
    );
    return rows.map((r) => ({
      channelId: Number(r.channel_id),
      channelName: String(r.channel_name),
      tier: r.tier as Tier,
      displayOrder: Number(r.display_order),
      outletId: Number(r.outlet_id),
      outletName: String(r.outlet_name),
      count: Number(r.n),
    }));
  }

  /**
   * The busiest outlets of each tier over a period. Tier is the channel's:
   * an outlet whose channel sits below the outlet's own tier (红网大祥站, a
   * district channel of the provincial 红网) is named by that channel, so
   * that 红网 and 红网大祥站 are never mixed.
   */
  async topOutlets(orgId: number, from: string, to: string, perTier: number): Promise<Record<Tier, { name: string; count: number }[]>> {
    const rows = await this.counts.count({ organizationIds: [orgId], from, to }, ['tier', 'outlet', 'channel']);
    // An outlet's own tier: the highest of its channels in the catalog.
    const homeRank = new Map<number, number>();
    for (const r of (await this.dataSource.query('SELECT outlet_id, tier FROM channels')) as { outlet_id: unknown; tier: Tier }[]) {
      const id = Number(r.outlet_id);
      homeRank.set(id, Math.min(homeRank.get(id) ?? TIERS.length, TIERS.indexOf(r.tier)));
    }
    const out = Object.fromEntries(TIERS.map((t) => [t, [] as { name: string; count: number }[]])) as Record<Tier, { name: string; count: number }[]>;
    for (const t of TIERS) {
      const byOutlet = new Map<number, { count: number; order: number; channels: string[] }>();
      for (const r of rows.filter((x) => x.tier === t)) {
        const o = byOutlet.get(r.outletId!) ?? { count: 0, order: r.displayOrder!, channels: [] };
        o.count += r.count;
        o.order = Math.min(o.order, r.displayOrder!);
        o.channels.push(r.channelName!);
        byOutlet.set(r.outletId!, o);
      }
      out[t] = [...byOutlet.entries()]
        .map(([id, o]) => ({
          name: (homeRank.get(id) ?? 0) < TIERS.indexOf(t) ? o.channels.join('、') : rows.find((r) => r.outletId === id)!.outletName!,
          count: o.count,
          order: o.order,
        }))
        .sort((a, b) => b.count - a.count || a.order - b.order)
        .slice(0, perTier)
        .map(({ name, count }) => ({ name, count }));
    }
    return out;
  }

  async budget(orgId: number, year: number): Promise<BudgetDocument | null> {
    const row = await this.dataSource.getRepository(Budget).findOneBy({ organizationId: orgId, fiscalYear: year });
    return (row?.document as unknown as BudgetDocument | undefined) ?? null;
  }

  async profile(orgId: number): Promise<OrganizationProfileDocument | null> {
    const row = await this.dataSource.getRepository(OrganizationProfile).findOneBy({ organizationId: orgId, yearKey: 0 });
    return (row?.document as unknown as OrganizationProfileDocument | undefined) ?? null;
  }

  async annualProfile(orgId: number, year: number): Promise<AnnualProfileDocument | null> {
    const row = await this.dataSource.getRepository(OrganizationProfile).findOneBy({ organizationId: orgId, yearKey: year });
    return (row?.document as unknown as AnnualProfileDocument | undefined) ?? null;
  }

  async organizationsOfRegion(region: string): Promise<Organization[]> {
    return this.dataSource.getRepository(Organization).find({ where: { region }, order: { id: 'ASC' } });
  }

  /** The period's placements as ledger rows (for the Excel sheet and the key articles), oldest first; withdrawn ones are left out. */
  async ledger(orgId: number, from: string, to: string): Promise<ReportLedgerLine[]> {
    const p = (n: number) => this.sql.param(n);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT p.published_on, p.title, c.name AS channel, c.tier, o.name AS outlet, p.section, p.prominence, p.genre,
              p.authors, p.url, p.status
       FROM placements p JOIN channels c ON c.id = p.channel_id JOIN outlets o ON o.id = c.outlet_id
       WHERE p.organization_id = ${p(1)} AND p.published_on >= ${p(2)} AND p.published_on <= ${p(3)} AND p.status <> 'withdrawn'
       ORDER BY p.published_on, p.id`,
      [orgId, from, to],
    );
    return rows.map((r) => ({
      publishedOn: String(r.published_on),
      title: String(r.title),
      channel: String(r.channel),
      tier: r.tier as Tier,
      outlet: String(r.outlet),
      section: (r.section as string | null) ?? null,
      prominence: String(r.prominence),
      genre: (r.genre as string | null) ?? null,
      authors: (JSON.parse(String(r.authors ?? '[]')) as string[]).join('、'),
      url: (r.url as string | null) ?? null,
      status: String(r.status),
    }));
  }

  private async toFilter(f: HighlightFilter, base: CountFilter): Promise<CountFilter> {
    const out: CountFilter = { ...base };
    if (f.channel !== undefined) {
      const names = Array.isArray(f.channel) ? f.channel : [f.channel];
      const ids: number[] = [];
      for (const n of names) {
        const ch = await this.channels.resolve(n);
        if (ch) ids.push(ch.id);
      }
      out.channelIds = base.channelIds ? base.channelIds.filter((id) => ids.includes(id)) : ids;
    }
    if (f.outlet !== undefined) {
      const key = normaliseName(f.outlet);
      const outlets = await this.dataSource.getRepository(Outlet).find();
      const found = outlets.filter((o) => normaliseName(o.name) === key || o.aliases.some((a) => normaliseName(a) === key));
      out.outletIds = found.map((o) => o.id);
    }
    if (f.section !== undefined) out.section = f.section;
    if (f.prominence) out.prominence = f.prominence;
    if (f.genre) out.genre = f.genre;
    return out;
  }
}
