/**
 * The bodies the API answers with, as the UI reads them. The OpenAPI
 * document does not describe response bodies yet; once it does (zod schemas
 * → OpenAPI), these become aliases of the generated schema types.
 */
import type { Genre, PlacementSource, Prominence, Tier } from '../labels';

export interface Organization {
  id: number;
  slug: string;
  name: string;
  region: string;
  foundedOn: string;
  keywords: string[];
}

export interface ChannelView {
  id: number;
  name: string;
  tier: Tier;
  kind: string;
  outlet: { id: number; name: string };
  owner: string | null;
  aliases: string[];
  urlPatterns: string[];
  displayOrder: number;
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
  source: PlacementSource;
  status: string;
  linkGoneAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PlacementEvent {
  id: number;
  type: string;
  actor: string | null;
  data: Record<string, unknown> | null;
  occurredAt: string;
  ingestionId?: string | null;
}

/** What the crawler's latest confirmation or discovery of a placement rests on (佐证). */
export interface EvidenceView {
  url: string;
  fetchedAt: string;
  status: number;
  sha256: string;
  matchedTitle: string;
  similarity?: number;
  /** own-page, list, feed, epaper… */
  foundIn: string;
  foundOn?: string;
  size: number;
  stored: boolean;
  /** Why the page was not kept (Chinese). */
  note?: string;
  /** The stored page as the outlet served it (a download), when it is kept. */
  page?: string;
}

export interface PlacementDetail extends PlacementView {
  events: PlacementEvent[];
  evidence: EvidenceView | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface SummaryRow {
  key: string;
  label: string;
  count: number;
}

export interface Summary {
  from: string;
  to: string;
  groupBy: string;
  rows: SummaryRow[];
  total: number;
}

export interface IngestionView {
  id: string;
  kind: string;
  state: 'queued' | 'processing' | 'completed';
  received: number;
  accepted: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  /** Why the worker refused an edit, withdrawal or restoration the API had accepted (code, Chinese message, the duplicated placement). */
  refusal?: { code: string; field: string; message: string; messageZh: string; duplicateOf?: { id: number; title: string; status: string } };
}

export interface ImportRowError {
  row: number;
  field: string;
  column: string | null;
  reason: string;
  /** For an unknown medium: the nearest names in the catalog. */
  suggestions?: string[];
}

export interface ImportReceipt {
  ingestionId: string;
  fileName: string;
  received: number;
  accepted: number;
  /** The first errors (IMPORT_MAX_ERRORS), by row. */
  errors: ImportRowError[];
  /** Every error, listed or not. */
  errorCount: number;
  /** The error report (CSV) to download, or null without errors. */
  reportUrl: string | null;
}

export interface ImportPreview {
  fileName: string;
  received: number;
  accepted: number;
  /** Which column feeds which field. */
  columns: { column: string; field: string | null }[];
  errors: ImportRowError[];
  errorCount: number;
  reportUrl: string | null;
  /** A few accepted rows as they will be written. */
  sample: Record<string, unknown>[];
}

export interface LinkPreview {
  url: string;
  title: string | null;
  publishedOn: string | null;
  channel: { id: number; name: string; tier: Tier } | null;
  duplicateOf: { id: number; title: string; publishedOn: string; status: string; channel: string } | null;
  fetch: { ok: true; status: number } | { ok: false; reason: string; status: number | null };
}

export interface ReportJob {
  id: string;
  kind: string;
  format: string;
  state: 'queued' | 'running' | 'completed' | 'failed';
  error: string | null;
  fileName: string | null;
  fileUrl: string | null;
}

export interface CrawlSource {
  id: number;
  channelId: number;
  type: 'list' | 'epaper' | 'feed';
  url: string;
  selectors: Record<string, unknown> | null;
  schedule: string | null;
  enabled: boolean;
}

export interface CrawlRun {
  id: string;
  kind: string;
  sourceId: number | null;
  organizationId: number | null;
  state: 'queued' | 'running' | 'completed' | 'failed';
  pages: number;
  items: number;
  confirmed: number;
  discovered: number;
  linkGone: number;
  errors: { url?: string; placementId?: number; message: string }[];
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Me {
  username: string;
  /** The global role (admin), when the user has one. */
  role?: string | null;
  organizations: { slug: string; name: string; role: string }[];
  region?: string | null;
}

export interface UserView {
  id?: number;
  username: string;
  role?: string | null;
  disabled?: boolean;
  organizations?: { slug: string; role: string }[];
  region?: string | null;
}

export interface TokenView {
  id?: number | string;
  name: string;
  user?: string;
  createdAt?: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}
