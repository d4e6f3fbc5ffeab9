import ExcelJS from 'exceljs';
import type { Test } from 'supertest';
import type { DataSource } from 'typeorm';
import { TestApi, usingPostgres, waitForIngestion } from './harness';

/**
 * Helpers for the reporting tests: fetch binary reports, read Excel sheets
 * back, run hand-written SQL on either database, and put a known ledger in
 * place through the real API and queue.
 */

/** Makes supertest collect the body as a Buffer (docx, xlsx). */
export function asBuffer(req: Test): Test {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

/** The sheets' title row and 单位 / 制表日期 row come before the column headers. */
export const XLSX_HEADER_ROW = 3;

/** The rows of every sheet of an .xlsx: cell values, the column headers first (the title rows above them left out), totals last. */
export async function xlsxSheets(file: Buffer): Promise<Record<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const out: Record<string, unknown[][]> = {};
  wb.eachSheet((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow((row) => {
      if (row.number >= XLSX_HEADER_ROW) rows.push((row.values as unknown[]).slice(1));
    });
    out[ws.name] = rows;
  });
  return out;
}

/** Markdown with its backslash escapes removed: the text a reader sees. */
export const markdownText = (md: string): string => md.replace(/\\([\\`*_[\]()#+\-.!|<>~])/g, '$1');

/** Runs SQL written with `?` placeholders on SQLite or PostgreSQL. */
export async function sql<T = Record<string, unknown>>(ds: DataSource, text: string, params: unknown[] = []): Promise<T[]> {
  let i = 0;
  const query = usingPostgres ? text.replace(/\?/g, () => `$${++i}`) : text;
  return ds.query(query, params);
}

export interface NewOrganization {
  slug: string;
  name: string;
  region: string;
  foundedOn?: string;
}

/** POST /api/orgs; returns the organization's id. */
export async function createOrganization(api: TestApi, org: NewOrganization): Promise<number> {
  const res = await api
    .http()
    .post('/api/orgs')
    .send({ foundedOn: '2019-06-21', keywords: [], ...org })
    .expect(201);
  return res.body.id as number;
}

export interface LedgerEntry {
  channel: string;
  title: string;
  publishedOn: string;
  section?: string | null;
  prominence?: string;
  genre?: string | null;
  authors?: string[];
  /** claimed (as submitted) unless said otherwise; others are set through PATCH. */
  status?: 'claimed' | 'confirmed' | 'rejected';
}

/**
 * Writes a ledger through the API: one bulk POST (the worker writes it), then
 * a PATCH per placement whose status is not `claimed`. Waits until all of it
 * is in the database; every entry must be new.
 */
export async function loadLedger(api: TestApi, slug: string, entries: LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const placements = entries.map(({ status: _status, ...p }) => p);
  const res = await api.http().post(`/api/orgs/${slug}/placements/bulk`).send({ placements }).expect(202);
  expect(res.body).toMatchObject({ accepted: entries.length, rejected: [] });
  const done = await waitForIngestion(api, res.body.ingestionId);
  expect(done).toMatchObject({ inserted: entries.length, duplicates: 0 });

  const changes = entries.filter((e) => e.status && e.status !== 'claimed');
  if (changes.length === 0) return;
  const ids = new Map<string, number>();
  for (let page = 1; ; page++) {
    const list = await api.http().get(`/api/orgs/${slug}/placements`).query({ from: '1990-01-01', to: '2999-12-31', pageSize: 500, page }).expect(200);
    for (const p of list.body.items as { id: number; title: string; channel: { name: string }; publishedOn: string }[]) {
      ids.set(`${p.publishedOn}|${p.title}`, p.id);
    }
    if (page * 500 >= list.body.total) break;
  }
  const receipts = await Promise.all(
    changes.map(async (e) => {
      const id = ids.get(`${e.publishedOn}|${e.title}`);
      if (id === undefined) throw new Error(`placement not found after ingestion: ${e.publishedOn} ${e.title}`);
      const r = await api.http().patch(`/api/orgs/${slug}/placements/${id}`).send({ status: e.status }).expect(202);
      return r.body.ingestionId as string;
    }),
  );
  await Promise.all(receipts.map((id) => waitForIngestion(api, id)));
}
