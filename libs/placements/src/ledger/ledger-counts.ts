import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { COUNTED_STATUSES, Genre, PlacementStatus, Prominence, TIERS, Tier } from '@pl/domain';
import { SqlDialect } from '@pl/persistence';

/** The dimensions placements can be counted by. */
export const COUNT_DIMENSIONS = ['tier', 'outlet', 'channel', 'section', 'prominence', 'genre', 'year', 'month', 'organization', 'author'] as const;
export type CountDimension = (typeof COUNT_DIMENSIONS)[number];

/** Which placements to count. Dates are local YYYY-MM-DD, both ends included. */
export interface CountFilter {
  organizationIds: number[];
  from: string;
  to: string;
  tier?: Tier;
  channelIds?: number[];
  outletIds?: number[];
  section?: string;
  prominence?: Prominence;
  genre?: Genre;
  /** Defaults to the counted statuses (claimed, confirmed); an empty list means every status. */
  statuses?: readonly PlacementStatus[];
}

export interface CountRow {
  count: number;
  tier?: Tier;
  outletId?: number;
  outletName?: string;
  channelId?: number;
  channelName?: string;
  /** Display order of the channel (or the smallest of the outlet's channels). */
  displayOrder?: number;
  /** The highest tier among the grouped channels (an outlet such as 红网 spans tiers). */
  topTier?: Tier;
  section?: string | null;
  prominence?: Prominence;
  genre?: Genre | null;
  year?: number;
  month?: number;
  organizationId?: number;
  /** An author's name ('' for placements that name none). A placement with two authors counts once for each. */
  author?: string;
  /** With `author`: Σ 1 ÷ (the placement's number of authors), for sharing points equally. */
  authorShare?: number;
}

/** The rank of the highest tier among grouped channels: 0 central … 3 district. */
const TIER_RANK = `MIN(CASE c.tier ${TIERS.map((t, i) => `WHEN '${t}' THEN ${i}`).join(' ')} END)`;

const COLUMNS: Record<CountDimension, { select: string[]; group: string[] }> = {
  tier: { select: ['c.tier AS tier'], group: ['c.tier'] },
  outlet: { select: ['o.id AS outlet_id', 'o.name AS outlet_name', 'MIN(c.display_order) AS display_order', `${TIER_RANK} AS tier_rank`], group: ['o.id', 'o.name'] },
  channel: { select: ['c.id AS channel_id', 'c.name AS channel_name', 'MIN(c.display_order) AS display_order', `${TIER_RANK} AS tier_rank`], group: ['c.id', 'c.name'] },
  section: { select: ['p.section AS section'], group: ['p.section'] },
  prominence: { select: ['p.prominence AS prominence'], group: ['p.prominence'] },
  genre: { select: ['p.genre AS genre'], group: ['p.genre'] },
  year: { select: ['p.year AS year'], group: ['p.year'] },
  month: { select: ['p.year AS year', 'p.month AS month'], group: ['p.year', 'p.month'] },
  organization: { select: ['p.organization_id AS organization_id'], group: ['p.organization_id'] },
  // Authors are a JSON list per placement: grouped by the list, split into names afterwards (portable SQL).
  author: { select: ['p.authors AS authors'], group: ['p.authors'] },
};

/** The distinct names of a placement's authors column (a JSON list). */
function authorNames(raw: unknown): string[] {
  let list: unknown = [];
  try {
    list = typeof raw === 'string' ? JSON.parse(raw) : (raw ?? []);
  } catch {
    list = [];
  }
  return Array.isArray(list) ? [...new Set(list.map((a) => String(a).trim()).filter(Boolean))] : [];
}

/** Rows grouped by author lists → one row per author (and the other dimensions), counts summed. */
function splitAuthors(rows: CountRow[], authors: unknown[]): CountRow[] {
  const merged = new Map<string, CountRow>();
  rows.forEach((row, i) => {
    const names = authorNames(authors[i]);
    for (const author of names.length ? names : ['']) {
      const key = JSON.stringify({ ...row, count: 0, author });
      const share = row.count / Math.max(1, names.length);
      const existing = merged.get(key);
      if (existing) {
        existing.count += row.count;
        existing.authorShare! += share;
      } else merged.set(key, { ...row, author, authorShare: share });
    }
  });
  return [...merged.values()];
}

/**
 * Counts placements by any combination of dimensions with one GROUP BY over
 * the indexed columns (organization, date, year, month). Portable SQL only.
 */
@Injectable()
export class LedgerCounts {
  private readonly sql: SqlDialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlDialect(dataSource);
  }

  async count(filter: CountFilter, dims: CountDimension[] = []): Promise<CountRow[]> {
    if (filter.organizationIds.length === 0) return [];
    const params: unknown[] = [];
    const where = placementConditions(this.sql, filter, params);

    const unique = [...new Set(dims)];
    const select = [...new Set(unique.flatMap((d) => COLUMNS[d].select))];
    const group = [...new Set(unique.flatMap((d) => COLUMNS[d].group))];
    const needsOutlet = unique.includes('outlet');
    const sql = `SELECT ${[...select, 'COUNT(*) AS n'].join(', ')}
      FROM placements p JOIN channels c ON c.id = p.channel_id${needsOutlet ? ' JOIN outlets o ON o.id = c.outlet_id' : ''}
      WHERE ${where}${group.length ? ` GROUP BY ${group.join(', ')}` : ''}`;
    const rows: Record<string, unknown>[] = await this.dataSource.query(sql, params);
    const counted = rows.map((r) => {
      const out: CountRow = { count: Number(r.n) };
      if ('tier' in r) out.tier = r.tier as Tier;
      if ('outlet_id' in r) {
        out.outletId = Number(r.outlet_id);
        out.outletName = String(r.outlet_name);
      }
      if ('channel_id' in r) {
        out.channelId = Number(r.channel_id);
        out.channelName = String(r.channel_name);
      }
      if ('display_order' in r) out.displayOrder = Number(r.display_order);
      if ('tier_rank' in r) out.topTier = TIERS[Number(r.tier_rank)];
      if ('section' in r) out.section = (r.section as string | null) ?? null;
      if ('prominence' in r) out.prominence = r.prominence as Prominence;
      if ('genre' in r) out.genre = (r.genre as Genre | null) ?? null;
      if ('year' in r) out.year = Number(r.year);
      if ('month' in r) out.month = Number(r.month);
      if ('organization_id' in r) out.organizationId = Number(r.organization_id);
      return out;
    });
    return unique.includes('author') ? splitAuthors(counted, rows.map((r) => r.authors)) : counted;
  }

  /** The number of placements matching the filter. */
  async total(filter: CountFilter): Promise<number> {
    const [row] = await this.count(filter);
    return row?.count ?? 0;
  }
}

/**
 * The WHERE conditions of a placement filter over `placements p JOIN
 * channels c`, appending their parameters to `params`. Shared by counts and
 * lists so that a filter means the same everywhere.
 */
export function placementConditions(sql: SqlDialect, filter: CountFilter, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return sql.param(params.length);
  };
  const list = (vs: readonly unknown[]) => vs.map((v) => p(v)).join(', ');
  const where = [
    `p.organization_id IN (${list(filter.organizationIds)})`,
    `p.published_on >= ${p(filter.from)}`,
    `p.published_on <= ${p(filter.to)}`,
  ];
  const statuses = filter.statuses ?? COUNTED_STATUSES;
  if (statuses.length) where.push(`p.status IN (${list(statuses)})`);
  if (filter.tier) where.push(`c.tier = ${p(filter.tier)}`);
  if (filter.channelIds) where.push(filter.channelIds.length ? `p.channel_id IN (${list(filter.channelIds)})` : '1 = 0');
  if (filter.outletIds) where.push(filter.outletIds.length ? `c.outlet_id IN (${list(filter.outletIds)})` : '1 = 0');
  if (filter.section !== undefined) where.push(`p.section = ${p(filter.section)}`);
  if (filter.prominence) where.push(`p.prominence = ${p(filter.prominence)}`);
  if (filter.genre) where.push(`p.genre = ${p(filter.genre)}`);
  return where.join(' AND ');
}
