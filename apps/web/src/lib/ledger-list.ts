import type { LocationQuery } from 'vue-router';
import { placements, type PlacementQuery } from '../api/endpoints';
import type { PlacementPage } from '../api/views';
import { monthBounds } from './domain-browser';

/** 台账's filters, as they stand in the page's address. */
export const LEDGER_FILTERS = ['q', 'tier', 'outlet', 'channel', 'month', 'status', 'source', 'author'] as const;
export type LedgerFilter = (typeof LEDGER_FILTERS)[number];
export const LEDGER_SORT = '-publishedOn';
export const LEDGER_PAGE_SIZE = 20;

const text = (v: LocationQuery[string]) => (typeof v === 'string' ? v : '');

/** The list query 台账's address asks for (filters, sort, page). */
export function ledgerQuery(query: LocationQuery): PlacementQuery {
  const q: PlacementQuery = {
    page: Number(query.page) || 1,
    pageSize: Number(query.pageSize) || LEDGER_PAGE_SIZE,
    sort: text(query.sort) || LEDGER_SORT,
  };
  const f = (k: LedgerFilter) => text(query[k]);
  if (f('q')) q.q = f('q');
  if (f('tier')) q.tier = f('tier');
  if (f('outlet')) q.outlet = Number(f('outlet'));
  if (f('channel')) q.channel = f('channel');
  if (f('status')) q.status = f('status');
  if (f('source')) q.source = f('source');
  if (f('author')) q.author = f('author');
  if (f('month')) Object.assign(q, monthBounds(f('month')));
  return q;
}

let early: { key: string; answer: Promise<PlacementPage> } | null = null;
const keyOf = (org: string, q: PlacementQuery) => `${org} ${JSON.stringify(q)}`;

/**
 * Asks for 台账's list as soon as the router knows the page will open, before
 * the page is drawn (drawing it takes longer than the answer on a small
 * machine); the page's first listPlacements with the same query takes it.
 */
export function requestEarly(org: string, q: PlacementQuery): void {
  // Already asked for (on the first load, as soon as the session named the organization: router.ts).
  if (early?.key === keyOf(org, q)) return;
  const answer = placements.list(org, q);
  answer.catch(() => undefined);
  early = { key: keyOf(org, q), answer };
}

/** The organization's placements for the query: the early answer when it was asked for, else a new request. */
export function listPlacements(org: string, q: PlacementQuery): Promise<PlacementPage> {
  const taken = early;
  early = null;
  return taken && taken.key === keyOf(org, q) ? taken.answer : placements.list(org, q);
}
