import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  COUNTED_STATUSES,
  Genre,
  PlacementSource,
  PlacementStatus,
  Prominence,
  TIER_LABELS,
  TIERS,
  Tier,
  todayInShanghai,
  DomainError,
} from '@pl/domain';
import { Organization, PlacementEvent, SqlDialect, containsPattern } from '@pl/persistence';
import { ChannelDirectory } from './channel-directory';
import { CountDimension, CountFilter, CountRow, LedgerCounts, placementConditions } from './ledger-counts';

export const GROUP_BY = ['tier', 'channel', 'outlet', 'month', 'year', 'author'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Which placements a query covers. Dates are local YYYY-MM-DD, both ends included. */
export interface PlacementFilter {
  from?: string;
  to?: string;
  tier?: Tier;
  /** A channel id, name or alias. */
  channel?: string;
  outletId?: number;
  section?: string;
  prominence?: Prominence;
  genre?: Genre;
  statuses?: PlacementStatus[];
}

/** What a sort may name (`-` in front: descending). */
export const LIST_SORT_KEYS = ['publishedOn', 'title', 'channel', 'tier', 'status', 'createdAt'] as const;
export type ListSortKey = (typeof LIST_SORT_KEYS)[number];
const LIST_SORT_COLUMNS: Record<ListSortKey, string> = {
  publishedOn: 'p.published_on',
  title: 'p.title',
  channel: 'c.name',
  // Central first, as reports list tiers.
  tier: `CASE c.tier ${TIERS.map((t, i) => `WHEN '${t}' THEN ${i}`).join(' ')} END`,
  status: 'p.status',
  createdAt: 'p.id',
};

/** The list's filters beyond the counts' ones. */
export interface ListFilter {
  /** Words of the title. */
  q?: string;
  source?: PlacementSource;
  /** A name, or part of one, among the authors. */
  author?: string;
  /** Only placements whose link the crawler found gone. */
  linkGone?: boolean;
  /** A LIST_SORT_KEYS key, `-` in front for descending; default newest first. */
  sort?: ListSortKey | `-${ListSortKey}`;
}

export interface SummaryRow {
  key: string;
  label: string;
  /** Distinct placements (a placement with two authors counts once in each author's row). */
  count: number;
  /** With a points table: the row's points (积分), two decimals at most. */
  points?: number;
}

/**
 * What placements are worth (积分): hundredths of a point by tier and
 * prominence, and whether a placement's authors share its points equally
 * (`split`) or each get them in full. The reporting lib reads the table.
 */
export interface PointsWeights {
  hundredths(tier: Tier, prominence: Prominence): number;
  split: boolean;
}

export interface Summary {
  from: string;
  to: string;
  /** One dimension, or two joined by a comma (tier,month); row keys then join with '/', labels with ' · '. */
  groupBy: string;
  rows: SummaryRow[];
  /** Distinct placements, in author groupings too. */
  total: number;
  /** With a points table: the placements' points (not multiplied by their authors). */
  points?: number;
}

export interface PlacementView {
  id: number;
  title: string;
  url: string | null;
  publishedOn: string;
  channel: { id: number; name: string; tier: Tier };
  outlet: { id: number; name: string };
  section: string | null;
  prominence: Prominence;
  genre: Genre | null;
  authors: string[];
  note: string | null;
  source: string;
  status: PlacementStatus;
  /** When the crawler last found the link gone (404/410), for an editor to look at. */
  linkGoneAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Where {
  sql: string;
  params: unknown[];
  from: string;
  to: string;
}

/** Reads of the ledger: lists, one placement with its history, and counts. */
@Injectable()
export class PlacementQueries {
  private readonly sql: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelDirectory,
    private readonly counts: LedgerCounts,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  async list(
    org: Organization,
    filter: PlacementFilter & ListFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: PlacementView[]; total: number; page: number; pageSize: number }> {
    const w = await this.where(org, filter, { defaultStatuses: false });
    if (filter.q) {
      w.params.push(containsPattern(filter.q));
      w.sql += ` AND ${this.sql.like('p.title', w.params.length)}`;
    }
    if (filter.source) {
      w.params.push(filter.source);
      w.sql += ` AND p.source = ${this.sql.param(w.params.length)}`;
    }
    if (filter.author) {
      // authors is a JSON list of names: a name, or a part of one, appears inside it.
      w.params.push(containsPattern(filter.author));
      w.sql += ` AND ${this.sql.like('p.authors', w.params.length)}`;
    }
    if (filter.linkGone) w.sql += ' AND p.link_gone_at IS NOT NULL';
    const sort = filter.sort ?? '-publishedOn';
    const direction = sort.startsWith('-') ? 'DESC' : 'ASC';
    const orderBy = `${LIST_SORT_COLUMNS[sort.replace(/^-/, '') as ListSortKey]} ${direction}, p.id ${direction}`;
    const [{ n }] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM placements p JOIN channels c ON c.id = p.channel_id WHERE ${w.sql}`,
      w.params,
    );
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${SELECT_VIEW} WHERE ${w.sql} ORDER BY ${orderBy}
       LIMIT ${Number(pageSize)} OFFSET ${Number((page - 1) * pageSize)}`,
      w.params,
    );
    return { items: rows.map(toView), total: Number(n), page, pageSize };
  }

  async get(org: Organization, id: number): Promise<PlacementView & { events: Omit<PlacementEvent, 'placement'>[] }> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${SELECT_VIEW} WHERE p.organization_id = ${this.sql.param(1)} AND p.id = ${this.sql.param(2)}`,
      [org.id, id],
    );
    if (rows.length === 0) throw DomainError.notFound('PLACEMENT_NOT_FOUND', 'placement', '稿件', 'id', id);
    const events = await this.dataSource
      .getRepository(PlacementEvent)
      .find({ where: { placementId: id }, order: { id: 'ASC' } });
    return { ...toView(rows[0]), events };
  }

  /**
   * Counts placements grouped by tier, channel, outlet, month or year.
   * Counts claimed and confirmed placements unless statuses are given.
   */
  async summary(org: Organization, filter: PlacementFilter, groupBy: GroupBy | GroupBy[], weights?: PointsWeights): Promise<Summary> {
    const dims = Array.isArray(groupBy) ? groupBy : [groupBy];
    const f = await this.countFilter(org, filter, { defaultStatuses: true });
    // Points need each row's tiers and prominences: counted finer, then summed up to the asked dimensions.
    const found = await this.counts.count(f, weights ? [...new Set<CountDimension>([...dims, 'tier', 'prominence'])] : dims);
    const grouped = new Map<string, { row: CountRow; count: number; points: number }>();
    for (const r of found) {
      const key = dims.map((d) => keyOf(d, r)).join('/');
      const g = grouped.get(key) ?? { row: { ...r, count: 0 }, count: 0, points: 0 };
      g.count += r.count;
      g.row.count += r.count;
      if (weights) g.points += weights.hundredths(r.tier!, r.prominence!) * (weights.split && r.authorShare !== undefined ? r.authorShare : r.count);
      grouped.set(key, g);
    }
    const withPoints = (row: SummaryRow, points: number): SummaryRow => (weights ? { ...row, points: fromHundredths(points) } : row);
    let rows: SummaryRow[];
    if (dims.length === 1 && dims[0] === 'tier') {
      // Every tier is listed, empty ones with 0.
      rows = TIERS.map((t) => withPoints({ key: t, label: TIER_LABELS[t], count: grouped.get(t)?.count ?? 0 }, grouped.get(t)?.points ?? 0));
    } else {
      rows = [...grouped.values()]
        .sort((a, b) => {
          for (const d of dims) {
            const c = compareBy(d, a.row, b.row);
            if (c !== 0) return c;
          }
          return 0;
        })
        .map((g) =>
          withPoints(
            { key: dims.map((d) => keyOf(d, g.row)).join('/'), label: dims.map((d) => labelOf(d, g.row)).join(' · '), count: g.count },
            g.points,
          ),
        );
    }
    if (!dims.includes('author')) {
      const points = [...grouped.values()].reduce((s, g) => s + g.points, 0);
      return { from: f.from, to: f.to, groupBy: dims.join(','), rows, total: rows.reduce((s, r) => s + r.count, 0), ...(weights ? { points: fromHundredths(points) } : {}) };
    }
    // A placement with two authors is in two rows: the totals count it once.
    const whole = await this.counts.count(f, weights ? ['tier', 'prominence'] : []);
    const total = whole.reduce((s, r) => s + r.count, 0);
    const points = weights ? whole.reduce((s, r) => s + weights.hundredths(r.tier!, r.prominence!) * r.count, 0) : 0;
    return { from: f.from, to: f.to, groupBy: dims.join(','), rows, total, ...(weights ? { points: fromHundredths(points) } : {}) };
  }

  /** The count filter a PlacementFilter means for this organization (the channel resolved, defaults applied). */
  private async countFilter(org: Organization, f: PlacementFilter, opts: { defaultStatuses: boolean }): Promise<CountFilter> {
    const from = f.from ?? org.foundedOn;
    const to = f.to ?? todayInShanghai();
    if (from > to) throw DomainError.invalid('LEDGER_BAD_DATE_RANGE', [{ field: 'from', message: `from (${from}) is after to (${to})` }]);
    let channelIds: number[] | undefined;
    if (f.channel !== undefined) {
      const ch = await this.channels.resolve(f.channel);
      if (!ch) throw DomainError.invalid('LEDGER_UNKNOWN_CHANNEL', [{ field: 'channel', message: `unknown channel: ${f.channel}` }]);
      channelIds = [ch.id];
    }
    return {
      organizationIds: [org.id],
      from,
      to,
      tier: f.tier,
      channelIds,
      outletIds: f.outletId === undefined ? undefined : [f.outletId],
      section: f.section,
      prominence: f.prominence,
      genre: f.genre,
      // Lists show every status unless told; counts count claimed and confirmed.
      statuses: f.statuses?.length ? f.statuses : opts.defaultStatuses ? COUNTED_STATUSES : [],
    };
  }

  private async where(org: Organization, f: PlacementFilter, opts: { defaultStatuses: boolean }): Promise<Where> {
    const filter = await this.countFilter(org, f, opts);
    const params: unknown[] = [];
    const sql = placementConditions(this.sql, filter, params);
    return { sql, params, from: filter.from, to: filter.to };
  }
}

const SELECT_VIEW = `SELECT p.id, p.title, p.url, p.published_on, p.channel_id, c.name AS channel_name, c.tier,
  c.outlet_id, o.name AS outlet_name, p.section, p.prominence, p.genre, p.authors, p.note, p.source, p.status,
  p.link_gone_at, p.created_at, p.updated_at
  FROM placements p JOIN channels c ON c.id = p.channel_id JOIN outlets o ON o.id = c.outlet_id`;

function isoTime(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  // SQLite keeps UTC "YYYY-MM-DD HH:MM:SS(.sss)".
  return /^\d{4}-\d{2}-\d{2} /.test(s) ? new Date(s.replace(' ', 'T') + 'Z').toISOString() : s;
}

function toView(r: Record<string, unknown>): PlacementView {
  return {
    id: Number(r.id),
    title: String(r.title),
    url: (r.url as string | null) ?? null,
    publishedOn: String(r.published_on),
    channel: { id: Number(r.channel_id), name: String(r.channel_name), tier: r.tier as Tier },
    outlet: { id: Number(r.outlet_id), name: String(r.outlet_name) },
    section: (r.section as string | null) ?? null,
    prominence: r.prominence as Prominence,
    genre: (r.genre as Genre | null) ?? null,
    authors: JSON.parse(String(r.authors ?? '[]')) as string[],
    note: (r.note as string | null) ?? null,
    source: String(r.source),
    status: r.status as PlacementStatus,
    linkGoneAt: (r.link_gone_at as string | null) ?? null,
    createdAt: isoTime(r.created_at),
    updatedAt: isoTime(r.updated_at),
  };
}

/** Hundredths of a point as the figure shown: two decimals at most. */
const fromHundredths = (h: number): number => Math.round(h) / 100;

const idOf = (d: GroupBy, r: CountRow): number => (d === 'channel' ? r.channelId! : r.outletId!);

/**
 * Row order per dimension: tiers central first; channels and outlets by
 * their highest tier (红网 is provincial though 红网大祥站 is district), then
 * by count, then by catalog order; months and years in time order.
 */
function compareBy(d: GroupBy, a: CountRow, b: CountRow): number {
  switch (d) {
    case 'tier':
      return TIERS.indexOf(a.tier!) - TIERS.indexOf(b.tier!);
    case 'channel':
    case 'outlet':
      return (
        TIERS.indexOf(a.topTier!) - TIERS.indexOf(b.topTier!) ||
        b.count - a.count ||
        a.displayOrder! - b.displayOrder! ||
        idOf(d, a) - idOf(d, b)
      );
    case 'month':
      return a.year! - b.year! || a.month! - b.month!;
    case 'year':
      return a.year! - b.year!;
    case 'author':
      // Most placements first; the unsigned ones last.
      return Number(a.author === '') - Number(b.author === '') || b.count - a.count || a.author!.localeCompare(b.author!, 'zh-CN');
  }
}

function keyOf(d: GroupBy, r: CountRow): string {
  switch (d) {
    case 'tier':
      return r.tier!;
    case 'channel':
    case 'outlet':
      return String(idOf(d, r));
    case 'month':
      return `${r.year}-${String(r.month).padStart(2, '0')}`;
    case 'year':
      return String(r.year);
    case 'author':
      return r.author!;
  }
}

function labelOf(d: GroupBy, r: CountRow): string {
  switch (d) {
    case 'tier':
      return TIER_LABELS[r.tier!];
    case 'channel':
      return r.channelName!;
    case 'outlet':
      return r.outletName!;
    case 'month':
      return `${r.year}年${r.month}月`;
    case 'year':
      return `${r.year}年`;
    case 'author':
      return r.author || '（未署名）';
  }
}
