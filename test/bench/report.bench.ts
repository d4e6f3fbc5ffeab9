import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import YAML from 'yaml';
import { Accounts } from '@pl/accounts';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { CATALOG, loadCatalog, PLACEMENT_COLUMNS, ChannelsService, LedgerCounts, OrganizationsService } from '@pl/placements';
import { loadConfig, repoRoot } from '@pl/config';
import { COUNTED_STATUSES, TIERS, Tier } from '@pl/domain';
import { Organization } from '@pl/persistence';
import {
  AnnualReportComposer,
  BudgetsService,
  ProfilesService,
  ReportDocument,
  ReportsService,
  renderReport,
} from '@pl/reporting';
import { BenchChannel, ORGS, REGION, ownChannels, placementBatches, planPlacements } from './report-data';
import { REDIS_URL, createBenchDatabase, deleteQueueKeys, envInt, fmt, log, runTag, table, usingPostgres,
  cleanUp,
  onCleanup,
} from './support';

/**
 * npm run bench:report — the reporting benchmark of issue 3 ("Performance").
 * Builds a ledger of 1,000,000 placements (BENCH_REPORT_PLACEMENTS) over the
 * twelve media centres of 邵阳市 and 2019–2021 in a fresh database (SQLite by
 * default, PostgreSQL when DATABASE_URL is set), then measures in one run:
 *  (1) the raw SQL GROUP BY tier × month for the largest organization's year,
 *      through the driver itself (better-sqlite3 / pg), by year and by date range;
 *  (2) the platform answering the same question: LedgerCounts.count by
 *      ['tier','month'] in process, and the HTTP summary endpoint: groupBy=tier,month
 *      in one request, and for comparison month for one tier and the four tiers one by one;
 *  (3) the annual report (.docx) of the largest organization over HTTP, and
 *      its composition and its rendering alone, in process.
 * Measurements of a group are interleaved run by run (so that a change in
 * the machine's load hits all of them alike); figures are medians after
 * warm-up runs. Loopback only; exit 0 whether or not the targets are met,
 * non-zero on errors.
 *
 * Environment: BENCH_REPORT_PLACEMENTS (1,000,000), BENCH_REPORT_RUNS (20) and
 * BENCH_REPORT_WARMUP (3) for the queries, BENCH_REPORT_DOCX_RUNS (5) and
 * BENCH_REPORT_DOCX_WARMUP (1) for the report, BENCH_REPORT_COMPARE=1 to
 * measure everything again with the indexes as they were before the count
 * index (migration 1764300000000), BENCH_REPORT_KEEP=1 to keep the database,
 * BENCH_TIMEOUT_SECONDS (3600), DATABASE_URL for PostgreSQL.
 */

const SIZES = {
  placements: envInt('BENCH_REPORT_PLACEMENTS', 1_000_000),
  queryRuns: envInt('BENCH_REPORT_RUNS', 20),
  queryWarmup: envInt('BENCH_REPORT_WARMUP', 3),
  reportRuns: envInt('BENCH_REPORT_DOCX_RUNS', 5),
  reportWarmup: envInt('BENCH_REPORT_DOCX_WARMUP', 1),
  /** Rows per transaction when loading. */
  loadTxRows: envInt('BENCH_REPORT_LOAD_TX_ROWS', 50_000),
  timeoutMs: envInt('BENCH_TIMEOUT_SECONDS', 3600) * 1000,
};
const YEAR = 2021;
const FROM = `${YEAR}-01-01`;
const TO = `${YEAR}-12-31`;
const LARGEST = ORGS[0];
/** Rows per statement of the PostgreSQL loader (one unnest() insert). */
const PG_ROWS_PER_STATEMENT = 5_000;

const TARGETS = { summaryRatio: 2, docxMs: 3000 };
/** The index migration 1764300000000 adds for counts (BENCH_REPORT_COMPARE=1 measures without it too). */
const COUNT_INDEX = 'idx_placements_org_date_counts';

// ---------------------------------------------------------------------------
// Timing

interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}

function stat(times: number[]): Stat {
  const s = [...times].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: s.length };
}

/**
 * Runs every operation `warmup` times, then `runs` rounds in which each
 * operation runs once, in turn; returns each one's timings.
 */
async function interleaved(ops: Record<string, () => Promise<unknown>>, runs: number, warmup: number): Promise<Record<string, Stat>> {
  const names = Object.keys(ops);
  for (let i = 0; i < warmup; i++) for (const n of names) await ops[n]();
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) {
    for (const n of names) {
      const t0 = performance.now();
      await ops[n]();
      times[n].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((n) => [n, stat(times[n])]));
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`);

// ---------------------------------------------------------------------------
// HTTP over loopback, one keep-alive connection

/** The API needs a signed-in caller: every request carries the bench's API token, as a script's would. */
let authorization = '';

function httpGet(agent: http.Agent, port: number, urlPath: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'GET', agent, headers: authorization ? { authorization } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function getJson<T>(agent: http.Agent, port: number, urlPath: string): Promise<T> {
  const res = await httpGet(agent, port, urlPath);
  if (res.status !== 200) throw new Error(`GET ${urlPath}: ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

// ---------------------------------------------------------------------------
// The raw driver: better-sqlite3 or pg, no pool, no ORM

interface RawDb {
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  /** Inserts placement rows (values in PLACEMENT_COLUMNS order) in one transaction. */
  insertPlacements(rows: unknown[][]): Promise<void>;
  param(n: number): string;
  close(): Promise<void>;
}

/** The part of better-sqlite3's API the bench uses (the package ships no types). */
interface SqliteDatabase {
  pragma(s: string): unknown;
  prepare(sql: string): { run(params: unknown[]): unknown; all(...params: unknown[]): unknown[] };
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  exec(sql: string): void;
  close(): void;
}

function openRawSqlite(file: string): RawDb {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as new (file: string) => SqliteDatabase;
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare(
    `INSERT INTO placements (${PLACEMENT_COLUMNS.join(', ')}) VALUES (${PLACEMENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  const insertAll = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  return {
    query: async (sql, params) => db.prepare(sql).all(...params) as Record<string, unknown>[],
    exec: async (sql) => {
      db.exec(sql);
    },
    insertPlacements: async (rows) => insertAll(rows),
    param: () => '?',
    close: async () => db.close(),
  };
}

const PG_TYPES: Record<string, string> = {
  organization_id: 'int', channel_id: 'int', year: 'int', month: 'int', created_at: 'timestamp', updated_at: 'timestamp',
};

async function openRawPostgres(url: string): Promise<RawDb> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const unnest = PLACEMENT_COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ');
  const insertSql = `INSERT INTO placements (${PLACEMENT_COLUMNS.join(', ')}) SELECT * FROM unnest(${unnest})`;
  return {
    query: async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[],
    exec: async (sql) => {
      await client.query(sql);
    },
    insertPlacements: async (rows) => {
      await client.query('BEGIN');
      try {
        for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT) {
          const part = rows.slice(i, i + PG_ROWS_PER_STATEMENT);
          await client.query(insertSql, PLACEMENT_COLUMNS.map((_, c) => part.map((r) => r[c])));
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    param: (n) => `$${n}`,
    close: () => client.end(),
  };
}

// ---------------------------------------------------------------------------

type Cell = { tier: string; month: number; n: number };
const cellKey = (tier: string, month: number) => `${tier}|${month}`;
function cellsEqual(a: Cell[], b: Cell[]): boolean {
  const m = (cs: Cell[]) => new Map(cs.filter((c) => c.n > 0).map((c) => [cellKey(c.tier, c.month), c.n]));
  const [x, y] = [m(a), m(b)];
  return x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
}

interface Row {
  figure: string;
  stat: Stat;
  baseline?: { name: string; median: number };
  target?: { text: string; met: boolean };
}

async function main(): Promise<void> {
  const tag = runTag();
  const started = performance.now();
  log(`bench:report — ${fmt(SIZES.placements)} placements, ${ORGS.length} organizations of ${REGION}, 2019–2021; ` +
    `queries: ${SIZES.queryWarmup} warm-up + ${SIZES.queryRuns} runs (median); annual .docx: ${SIZES.reportWarmup} warm-up + ${SIZES.reportRuns} runs`);

  const db = await createBenchDatabase(`r${tag}`);
  if (process.env.BENCH_REPORT_KEEP === '1') log(`database: ${db.describe} — kept afterwards (BENCH_REPORT_KEEP=1)`);
  else {
    onCleanup('database', () => db.drop());
    log(`database: ${db.describe}`);
  }
  log(`machine: ${os.cpus().length} CPUs, load average ${loadAverage()} at start`);
  const prefix = `plbench-report-${tag}`;
  onCleanup('queue keys', () => deleteQueueKeys([prefix]));

  const env = {
    NODE_ENV: 'production',
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    // Render the annual report in the request even over 100,000 placements (no queued job).
    REPORT_SYNC_LIMIT: '100000000',
    ...db.env,
  };
  const config = loadConfig(env);
  const app: INestApplication = await createApiApp(config, { withWorker: false });
  onCleanup('API', () => app.close());
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as http.Server;
  // The bench's one keep-alive connection idles for seconds between the slow runs (a report composed in process):
  // keep it open rather than race Node's 5 s idle close (ECONNRESET on reuse).
  server.keepAliveTimeout = 10 * 60_000;
  const port = (server.address() as AddressInfo).port;
  const ds = app.get<DataSource>(getDataSourceToken());
  const accounts = new Accounts(ds);
  await accounts.addUser({ username: 'bench', password: `bench-${tag}`, role: 'admin' });
  authorization = `Bearer ${(await accounts.addToken({ name: 'bench', username: 'bench', createdBy: 'cli:bench' })).token}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  onCleanup('HTTP agent', async () => agent.destroy());

  // --- setup: catalog, organizations, their channels, budget and profile
  await loadCatalog(ds, CATALOG);
  const orgsService = app.get(OrganizationsService);
  const channelsService = app.get(ChannelsService);
  const orgs: { id: number; org: (typeof ORGS)[number]; foundedOn: string }[] = [];
  for (const o of ORGS) {
    let row = await ds.getRepository(Organization).findOneBy({ slug: o.slug });
    if (!row) {
      row = await orgsService.create({ slug: o.slug, name: o.name, region: REGION, foundedOn: '2019-01-01', keywords: [o.short] });
      for (const c of ownChannels(o)) await channelsService.create({ ...c, tier: 'district', owner: o.slug });
    }
    if (row.region !== REGION) throw new Error(`organization ${o.slug} is in ${row.region}, not ${REGION}`);
    orgs.push({ id: row.id, org: o, foundedOn: row.foundedOn });
  }
  const largest = await orgsService.bySlug(LARGEST.slug);
  const demo = path.join(findRepoRoot(), 'demo', LARGEST.slug);
  const yaml = (file: string) => YAML.parse(readFileSync(path.join(demo, file), 'utf8')) as unknown;
  await app.get(BudgetsService).put(largest, YEAR, yaml(`budget-${YEAR}.yaml`));
  await app.get(ProfilesService).putStanding(largest, yaml('profile.yaml'));
  await app.get(ProfilesService).putAnnual(largest, YEAR, yaml(`profile-${YEAR}.yaml`));
  const channels: BenchChannel[] = (
    await ds.query('SELECT id, name, tier, kind, owner_organization_id FROM channels ORDER BY id')
  ).map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    name: String(r.name),
    tier: r.tier as Tier,
    kind: String(r.kind),
    ownerOrganizationId: r.owner_organization_id === null ? null : Number(r.owner_organization_id),
  }));
  log(`setup: catalog, ${orgs.length} organizations (${orgs.map((o) => o.org.slug).join(', ')}), ${channels.length} channels; ` +
    `budget ${YEAR} and profiles of ${LARGEST.slug} from demo/${LARGEST.slug}/*.yaml`);

  // --- setup: the placements, bulk-inserted with SQL (reads are measured, not ingestion)
  const raw = usingPostgres ? await openRawPostgres(db.env.DATABASE_URL) : openRawSqlite(db.env.SQLITE_PATH);
  onCleanup('raw connection', () => raw.close());
  const plan = planPlacements(SIZES.placements, orgs);
  // 'YYYY-MM-DD HH:MM:SS.sss' (UTC), as SqlDialect.timestamp binds it for SQLite; PostgreSQL casts it to timestamp.
  const timestamp = (iso: string) => iso.replace('T', ' ').replace('Z', '');
  const loadStart = performance.now();
  let loaded = 0;
  let lastLog = loadStart;
  for (const batch of placementBatches(plan, channels, SIZES.loadTxRows, timestamp)) {
    await raw.insertPlacements(batch);
    loaded += batch.length;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  loading: ${fmt(loaded)} rows, ${fmt((loaded * 1000) / (lastLog - loadStart))} rows/s`);
    }
  }
  const loadMs = performance.now() - loadStart;
  const postLoad = performance.now();
  // PostgreSQL: VACUUM ANALYZE, the state autovacuum brings placements and channels to (without channel
  // statistics the planner guesses one channel per tier and a one-tier count takes a nested loop, 2.5× slower).
  if (usingPostgres) await raw.exec('VACUUM ANALYZE');
  else await raw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const postLoadMs = performance.now() - postLoad;
  const setupMs = performance.now() - started;
  log(`setup: ${fmt(loaded)} placements bulk-inserted with SQL in ${(loadMs / 1000).toFixed(1)} s ` +
    `(${fmt((loaded * 1000) / loadMs)} rows/s; transactions of ${fmt(SIZES.loadTxRows)} rows, the columns PlacementWriter writes, ` +
    `dedup_key from placementDedupKey) — setup, not a measurement; no placement_events rows (no read uses them); ` +
    (usingPostgres ? `then VACUUM ANALYZE (${(postLoadMs / 1000).toFixed(1)} s), the state autovacuum leaves` : `then a WAL checkpoint; no ANALYZE (the platform never runs one)`));

  const p = (n: number) => raw.param(n);
  const [{ n: total }] = await raw.query(`SELECT COUNT(*) AS n FROM placements`, []);
  if (Number(total) !== SIZES.placements) throw new Error(`expected ${SIZES.placements} placements, found ${total}`);
  const perOrg = await raw.query(
    `SELECT o.slug, COUNT(*) AS n FROM placements p JOIN organizations o ON o.id = p.organization_id GROUP BY o.slug ORDER BY COUNT(*) DESC`,
    [],
  );
  const statuses = COUNTED_STATUSES.map((s) => `'${s}'`).join(', ');
  const [{ n: largestYear }] = await raw.query(
    `SELECT COUNT(*) AS n FROM placements WHERE organization_id = ${p(1)} AND year = ${p(2)}`,
    [largest.id, YEAR],
  );
  const [{ n: largestYearCounted }] = await raw.query(
    `SELECT COUNT(*) AS n FROM placements WHERE organization_id = ${p(1)} AND year = ${p(2)} AND status IN (${statuses})`,
    [largest.id, YEAR],
  );
  log(`placements per organization: ${perOrg.map((r) => `${r.slug} ${fmt(Number(r.n))}`).join(', ')}`);
  log(`largest organization: ${largest.slug} (${largest.name}), ${fmt(Number(perOrg[0].n))} placements in all, ` +
    `${fmt(Number(largestYear))} in ${YEAR} (${fmt(Number(largestYearCounted))} of them claimed or confirmed)`);
  if (perOrg[0].slug !== largest.slug) throw new Error(`the largest organization is ${perOrg[0].slug}, not ${largest.slug}`);

  // --- (1) + (2): tier × month for the largest organization's year
  const rawByYear = `SELECT c.tier AS tier, p.month AS month, COUNT(*) AS n FROM placements p JOIN channels c ON c.id = p.channel_id
    WHERE p.organization_id = ${p(1)} AND p.year = ${p(2)} AND p.status IN (${statuses}) GROUP BY c.tier, p.month`;
  const rawByDate = `SELECT c.tier AS tier, p.month AS month, COUNT(*) AS n FROM placements p JOIN channels c ON c.id = p.channel_id
    WHERE p.organization_id = ${p(1)} AND p.published_on >= ${p(2)} AND p.published_on <= ${p(3)} AND p.status IN (${statuses})
    GROUP BY c.tier, p.month`;
  const rawOneTier = `SELECT p.year AS year, p.month AS month, COUNT(*) AS n FROM placements p JOIN channels c ON c.id = p.channel_id
    WHERE p.organization_id = ${p(1)} AND p.published_on >= ${p(2)} AND p.published_on <= ${p(3)} AND p.status IN (${statuses})
    AND c.tier = ${p(4)} GROUP BY p.year, p.month`;
  const counts = app.get(LedgerCounts);
  const summaryPath = (tier: Tier) => `/api/orgs/${largest.slug}/summary?groupBy=month&tier=${tier}&from=${FROM}&to=${TO}`;
  const tierMonthPath = `/api/orgs/${largest.slug}/summary?groupBy=tier,month&from=${FROM}&to=${TO}`;
  type Summary = { rows: { key: string; count: number }[]; total: number };

  // One answer each, checked against each other before timing.
  const cellsOf = (rows: Record<string, unknown>[]): Cell[] => rows.map((r) => ({ tier: String(r.tier), month: Number(r.month), n: Number(r.n) }));
  const reference = cellsOf(await raw.query(rawByYear, [largest.id, YEAR]));
  const byDate = cellsOf(await raw.query(rawByDate, [largest.id, FROM, TO]));
  const platform = (await counts.count({ organizationIds: [largest.id], from: FROM, to: TO }, ['tier', 'month'])).map((r) => ({
    tier: r.tier!, month: r.month!, n: r.count,
  }));
  const http4: Cell[] = [];
  for (const t of TIERS) {
    const s = await getJson<Summary>(agent, port, summaryPath(t));
    for (const r of s.rows) http4.push({ tier: t, month: Number(r.key.slice(5)), n: r.count });
  }
  const http2d: Cell[] = (await getJson<Summary>(agent, port, tierMonthPath)).rows.map((r) => {
    const [tier, month] = r.key.split('/');
    return { tier, month: Number(month.slice(5)), n: r.count };
  });
  const agree = cellsEqual(reference, byDate) && cellsEqual(reference, platform) && cellsEqual(reference, http4) && cellsEqual(reference, http2d);
  const referenceTotal = reference.reduce((s, c) => s + c.n, 0);
  log(`tier × month of ${largest.slug} ${YEAR}: ${reference.length} cells, ${fmt(referenceTotal)} placements; ` +
    `raw by year, raw by date, LedgerCounts, the 4 one-tier HTTP summaries and groupBy=tier,month ${agree ? 'agree cell by cell' : 'DISAGREE'}`);
  if (!agree) throw new Error('the platform and the raw query disagree');
  const busiest = TIERS.reduce((a, t) => (sum(reference, t) > sum(reference, a) ? t : a), TIERS[0]);

  const reports = app.get(ReportsService);
  const composer = app.get(AnnualReportComposer);
  const docxPath = `/api/orgs/${largest.slug}/reports/annual?year=${YEAR}&format=docx`;
  const first = await httpGet(agent, port, docxPath);
  if (first.status !== 200) throw new Error(`GET ${docxPath}: ${first.status} ${first.body.toString('utf8').slice(0, 300)}`);
  if (!first.type.includes('wordprocessingml') || first.body.subarray(0, 2).toString('latin1') !== 'PK') {
    throw new Error(`GET ${docxPath}: not a Word file (${first.type})`);
  }
  let doc: ReportDocument = await reports.compose(largest, { kind: 'annual', year: YEAR, format: 'docx' });
  const stated = (doc.data as { placements: { year: { total: number } } }).placements.year.total;
  log(`annual report of ${largest.slug} ${YEAR}: .docx of ${fmt(first.body.length)} bytes; it states ${fmt(stated)} placements in ${YEAR}` +
    `${stated === referenceTotal ? ' (= the raw count)' : ` (raw count ${fmt(referenceTotal)}!)`}`);

  /** Every measurement, in two interleaved groups: the tier × month queries, then the annual report. */
  const measure = async () => {
    log(`measuring the tier × month queries (${SIZES.queryWarmup} warm-up + ${SIZES.queryRuns} interleaved runs)…`);
    const q = await interleaved(
      {
        rawByYear: () => raw.query(rawByYear, [largest.id, YEAR]),
        rawByDate: () => raw.query(rawByDate, [largest.id, FROM, TO]),
        rawOneTier: () => raw.query(rawOneTier, [largest.id, FROM, TO, busiest]),
        ledgerCounts: () => counts.count({ organizationIds: [largest.id], from: FROM, to: TO }, ['tier', 'month']),
        httpOneTier: () => getJson(agent, port, summaryPath(busiest)),
        httpTierMonth: () => getJson(agent, port, tierMonthPath),
        httpFourTiers: async () => {
          for (const t of TIERS) await getJson(agent, port, summaryPath(t));
        },
        httpFloor: () => getJson(agent, port, '/api/orgs'),
      },
      SIZES.queryRuns,
      SIZES.queryWarmup,
    );
    log(`measuring the annual report (${SIZES.reportWarmup} warm-up + ${SIZES.reportRuns} interleaved runs)…`);
    const r = await interleaved(
      {
        httpDocx: async () => {
          const res = await httpGet(agent, port, docxPath);
          if (res.status !== 200) throw new Error(`GET ${docxPath}: ${res.status}`);
        },
        compose: async () => {
          doc = await reports.compose(largest, { kind: 'annual', year: YEAR, format: 'docx' });
        },
        // What the Excel rendering composes: the same plus the year's placements for the ledger sheet.
        composeWithLedger: () => composer.compose(largest, { year: YEAR, ledgerSheet: true }),
        render: () => renderReport(doc, 'docx'),
      },
      SIZES.reportRuns,
      SIZES.reportWarmup,
    );
    return { ...q, ...r };
  };
  const after = await measure();

  // --- the table
  const faster = after.rawByDate.median < after.rawByYear.median ? 'rawByDate' : 'rawByYear';
  const rawBase = { name: faster === 'rawByDate' ? 'raw by date' : 'raw by year', median: after[faster].median };
  const ratioTarget = (s: Stat) => ({ text: `≤ ${TARGETS.summaryRatio}× raw`, met: s.median <= TARGETS.summaryRatio * rawBase.median });
  const rows: Row[] = [
    { figure: '(1) raw SQL tier × month, WHERE year = …', stat: after.rawByYear, baseline: rawBase },
    { figure: '(1) raw SQL tier × month, WHERE published_on range', stat: after.rawByDate, baseline: rawBase },
    { figure: `(1) raw SQL months of one tier (${busiest}), date range`, stat: after.rawOneTier, baseline: rawBase },
    { figure: "(2) LedgerCounts.count(['tier','month']), in process", stat: after.ledgerCounts, baseline: rawBase, target: ratioTarget(after.ledgerCounts) },
    { figure: `(2) HTTP summary groupBy=month&tier=${busiest} (1 tier)`, stat: after.httpOneTier, baseline: rawBase, target: ratioTarget(after.httpOneTier) },
    { figure: '(2) HTTP summary groupBy=tier,month (tier × month, one request)', stat: after.httpTierMonth, baseline: rawBase, target: ratioTarget(after.httpTierMonth) },
    { figure: '    HTTP summary groupBy=month × 4 tiers (one request per tier)', stat: after.httpFourTiers, baseline: rawBase },
    { figure: '    HTTP floor: GET /api/orgs (12 rows)', stat: after.httpFloor },
    { figure: `(3) HTTP annual report ${YEAR} .docx`, stat: after.httpDocx, target: { text: '≤ 3 s', met: after.httpDocx.median <= TARGETS.docxMs } },
    { figure: '(3)   compose alone (ReportsService.compose, docx)', stat: after.compose },
    { figure: "(3)   render alone (renderReport 'docx')", stat: after.render },
    { figure: '(3)   compose with the ledger sheet (as for xlsx)', stat: after.composeWithLedger },
  ];
  log('');
  log(`machine load average now ${loadAverage()} (other processes share these CPUs: compare the ratios, which were measured interleaved)`);
  log(`Results — ${usingPostgres ? 'PostgreSQL' : 'SQLite'}, ${fmt(SIZES.placements)} placements, ${largest.slug} ${YEAR} ` +
    `(${fmt(Number(largestYear))} placements that year); medians of ${SIZES.queryRuns} (queries) and ${SIZES.reportRuns} (report), min–max beside; ` +
    `baseline: the faster raw form`);
  log(
    table(
      ['figure', 'median', 'min–max', 'baseline', 'ratio', 'target', 'met'],
      rows.map((x) => [
        x.figure,
        ms(x.stat.median),
        `${ms(x.stat.min)}–${ms(x.stat.max)}`,
        x.baseline ? `${x.baseline.name} ${ms(x.baseline.median)}` : '',
        x.baseline ? `${(x.stat.median / x.baseline.median).toFixed(2)}×` : '',
        x.target?.text ?? '',
        x.target ? (x.target.met ? 'met' : 'NOT MET') : '',
      ]),
    ),
  );
  log('');
  log(`The summary endpoint answers tier × month in one request with groupBy=tier,month (the same LedgerCounts query the reports use).`);

  // --- optionally, the same measurements with the indexes as they were before the count index
  if (process.env.BENCH_REPORT_COMPARE === '1') {
    log('');
    log(`BENCH_REPORT_COMPARE=1: back to the indexes before migration 1764300000000 ` +
      `(idx_placements_org_date (organization_id, published_on) instead of ${COUNT_INDEX}), measuring again…`);
    await raw.exec(`CREATE INDEX idx_placements_org_date ON placements (organization_id, published_on)`);
    await raw.exec(`DROP INDEX ${COUNT_INDEX}`);
    if (usingPostgres) await raw.exec('ANALYZE placements');
    const before = await measure();
    const pairs: [string, keyof typeof after][] = [
      ['(1) raw SQL tier × month, WHERE year = …', 'rawByYear'],
      ['(1) raw SQL tier × month, WHERE published_on range', 'rawByDate'],
      ["(2) LedgerCounts.count(['tier','month'])", 'ledgerCounts'],
      [`(2) HTTP summary, 1 tier (${busiest})`, 'httpOneTier'],
      ['(2) HTTP summary groupBy=tier,month', 'httpTierMonth'],
      ['    HTTP summary × 4 tiers', 'httpFourTiers'],
      ['(3) HTTP annual report .docx', 'httpDocx'],
      ['(3)   compose (docx)', 'compose'],
      ['(3)   compose with the ledger sheet', 'composeWithLedger'],
      ['(3)   render', 'render'],
    ];
    log(`load average now ${loadAverage()}`);
    log(
      table(
        ['figure', `without ${COUNT_INDEX}`, 'with it (as shipped)', 'after/before'],
        pairs.map(([label, k]) => [label, ms(before[k].median), ms(after[k].median), `${(after[k].median / before[k].median).toFixed(2)}×`]),
      ),
    );
    log(`Before the composer skipped the ledger sheet for formats other than xlsx, a .docx composed what ` +
      `"compose with the ledger sheet" composes.`);
  }
  log(`Setup took ${(setupMs / 1000).toFixed(0)} s, the whole run ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(' / ');
}

function sum(cells: Cell[], tier: string): number {
  return cells.filter((c) => c.tier === tier).reduce((s, c) => s + c.n, 0);
}

/** The checkout (for demo/), from dist/ or from a build elsewhere run in the checkout. */
function findRepoRoot(): string {
  try {
    return repoRoot(__dirname);
  } catch {
    return repoRoot(process.cwd());
  }
}

const deadline = setTimeout(() => {
  process.stderr.write(`bench:report: no result within ${SIZES.timeoutMs / 1000} s — stopping\n`);
  void cleanUp().finally(() => process.exit(2));
}, SIZES.timeoutMs);
deadline.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench:report: ${signal} — cleaning up\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(async () => {
    await cleanUp();
    process.exit(0);
  })
  .catch(async (err: unknown) => {
    process.stderr.write(`bench:report failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await cleanUp();
    process.exit(1);
  });
