import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { DataSource } from 'typeorm';
import { SqlDialect, write } from '@pl/persistence';
import type { FetchedPage } from '../types';

const brotliCompress = promisify(zlib.brotliCompress);
const brotliDecompress = promisify(zlib.brotliDecompress);

/** Where the page that confirms a placement was found. */
export const EVIDENCE_SOURCES = ['own-page', 'feed', 'list', 'epaper'] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/**
 * What a placement event keeps as proof: the matched title and its score,
 * the page (URL, HTTP status, time, sha256 of the bytes as served) and
 * where it was found. The page itself is in evidence_pages under its sha256
 * unless it was larger than the cap (`stored: false` and a note then).
 */
export interface Evidence {
  /** The article's URL (an item's link, or the placement's own page). */
  url: string;
  fetchedAt: string;
  status: number;
  /** sha256 of the page's bytes as served: the key of the stored page. */
  sha256: string;
  /** The title as the page or item gave it. */
  matchedTitle: string;
  /** The matcher's score (absent on a discovery, which no title was matched against). */
  similarity?: number;
  foundIn: EvidenceSource;
  /** The list, feed or e-paper page the item was on (absent for an own page). */
  foundOn?: string;
  /** Bytes of the page as served. */
  size: number;
  /** Whether the page is kept (see CRAWLER_EVIDENCE_MAX_BYTES). */
  stored: boolean;
  /** Why the page was not kept, in Chinese, for the editor. */
  note?: string;
}

/** A stored page, as the outlet served it. */
export interface StoredPage {
  sha256: string;
  body: Buffer;
  contentType: string | null;
  url: string;
  fetchedAt: string;
  size: number;
}

/** Brotli at a middle quality: HTML shrinks ~5–8×, at a small fraction of a fetch's CPU (quality 11 costs ~50× more). */
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } };

/**
 * The evidence pages, content-addressed: each page's bytes compressed and
 * keyed by their sha256, written once (INSERT … ON CONFLICT DO NOTHING), so
 * the same page is stored once however many confirmations rest on it. The
 * crawler writes them before it queues the confirmations that name them.
 */
@Injectable()
export class EvidenceStore {
  private readonly sql: SqlDialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlDialect(dataSource);
  }

  /** Stores the pages not stored yet, in one statement. */
  async save(pages: FetchedPage[]): Promise<void> {
    const unique = [...new Map(pages.map((p) => [p.sha256, p])).values()];
    if (unique.length === 0) return;
    const rows = await Promise.all(
      unique.map(async (p) => [p.sha256, p.body.length, p.headers['content-type']?.slice(0, 200) ?? null, p.finalUrl.slice(0, 2048), 'br', await brotliCompress(p.body, BROTLI), p.fetchedAt]),
    );
    await write(this.dataSource, (em) => em.query(
      `INSERT INTO evidence_pages (sha256, size, content_type, url, compression, body, fetched_at) VALUES ${this.sql.valuesList(rows.length, 7)}
       ON CONFLICT (sha256) DO NOTHING`,
      rows.flat(),
    ));
  }

  /** Which of these pages are stored. */
  async stored(sha256s: string[]): Promise<Set<string>> {
    const wanted = [...new Set(sha256s.filter(Boolean))];
    if (wanted.length === 0) return new Set();
    const rows: { sha256: string }[] = await this.dataSource.query(
      `SELECT sha256 FROM evidence_pages WHERE sha256 IN (${wanted.map((_, i) => this.sql.param(i + 1)).join(', ')})`,
      wanted,
    );
    return new Set(rows.map((r) => r.sha256));
  }

  /**
   * The evidence a placement's history rests on: that of its latest
   * confirmation, or of its discovery (where the crawler found it), with
   * whether the page is stored. Null when the crawler never vouched for it.
   */
  async ofPlacement(events: readonly { type: string; data: Record<string, unknown> | null }[]): Promise<(Evidence & { stored: boolean }) | null> {
    const withEvidence = [...events].reverse().find((e) => (e.type === 'confirmed' || e.type === 'discovered') && isEvidence(e.data?.evidence));
    if (!withEvidence) return null;
    const evidence = withEvidence.data!.evidence as Evidence;
    const stored = evidence.stored !== false && (await this.stored([evidence.sha256])).has(evidence.sha256);
    return { ...evidence, stored };
  }

  /** A stored page, decompressed: the bytes the outlet served. */
  async read(sha256: string): Promise<StoredPage | null> {
    const [row]: { sha256: string; size: number; content_type: string | null; url: string; compression: string; body: Buffer; fetched_at: string }[] =
      await this.dataSource.query(
        `SELECT sha256, size, content_type, url, compression, body, fetched_at FROM evidence_pages WHERE sha256 = ${this.sql.param(1)}`,
        [sha256],
      );
    if (!row) return null;
    const body = row.compression === 'br' ? await brotliDecompress(row.body) : Buffer.from(row.body);
    return { sha256: row.sha256, body, contentType: row.content_type, url: row.url, fetchedAt: row.fetched_at, size: Number(row.size) };
  }
}

function isEvidence(v: unknown): v is Evidence {
  const e = v as Partial<Evidence> | null | undefined;
  return typeof e?.sha256 === 'string' && typeof e.foundIn === 'string';
}
