import { ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { CATALOG, loadCatalog, PLACEMENT_COLUMNS, INGESTION_JOB_OPTIONS, INGESTION_QUEUE, IngestionJob, IngestionQueue, RecordPlacementsJob } from '@pl/placements';
import { AppConfig, loadConfig } from '@pl/config';
import { placementDedupKey, yearMonthOf } from '@pl/domain';
import { Channel, Organization, SqlDialect, openDatabase } from '@pl/persistence';
import { Accounts } from '@pl/accounts';
import { JobsConnections, producerConnection, workerConnection } from '@pl/jobs';
import type { LoadResult, LoadSpec } from './load-generator';
import type { PollerMessage, WatchRequest } from './poller';
import {
  BenchDatabase,
  MB,
  absoluteNow,
  REDIS_URL,
  createBenchDatabase,
  deleteQueueKeys,
  envInt,
  fmt,
  log,
  placementCount,
  placementDraft,
  placementInput,
  processedCount,
  procCpuMs,
  procMemory,
  redisUsedMemory,
  runTag,
  sleep,
  table,
  usingPostgres,
  waitUntil,
  runBench,
  cleanUp,
  onCleanup,
} from './support';
import { startNoopNestApp } from './http-ceiling';

/** How `npm run start:worker` and docker/compose.yml launch the worker. */
const WORKER_NODE_ARGS = '--max-old-space-size=256';
/** How `npm start` and `npm run start:api` launch the API. */
const API_NODE_ARGS = '--max-semi-space-size=64';

/**
 * npm run bench:ingest — the ingestion benchmark of issue 2 ("Performance").
 * In one run, against the same Redis and the same (fresh) database:
 *  (a) raw BullMQ no-op pipeline: addBulk of 50, a Worker of concurrency 100;
 *  (b) single POST /api/orgs/:org/placements end to end (202 → row committed);
 *  (c) the bulk endpoint end to end, and a raw batched SQL insert to compare;
 *  (d) the real worker process's peak RSS while it ingests 1,000,000 placements.
 * SQLite by default, PostgreSQL when DATABASE_URL is set. Loopback only; every
 * size is configurable (see SIZES) for a quick run; exit 0 whether or not the
 * targets are met, non-zero on errors.
 *
 * (b) and (c) start the API as it is deployed, `dist/apps/api/src/main.js` in a
 * process of its own (see startDeployment), so that the RSS and CPU printed for
 * it are its own. Besides the sizes:
 *  - BENCH_TOPOLOGY=split|one, BENCH_ONLY=a,b,c,d, BENCH_BASELINE_DIST: below;
 *  - BENCH_API_NODE_ARGS: node flags of the API process (default `--max-semi-space-size=64`,
 *    as `npm start`); BENCH_WORKER_NODE_ARGS: the worker process's (default `--max-old-space-size=256`);
 *  - BENCH_RSS_AFTER_SECONDS: how long after (b)'s load the API's RSS is read (default 30);
 *  - BENCH_PROFILE_DIR=dir: a V8 CPU profile of each API process (its whole life), written to dir
 *    when it stops (open it in Chrome DevTools); off by default, profiling costs CPU;
 *  - BENCH_CHILD_LOG_DIR=dir: the whole output of each API and worker process in dir/<name>-<pid>.log
 *    (only their warnings and errors are relayed), e.g. with BENCH_API_NODE_ARGS="--max-semi-space-size=64 --trace-gc".
 */

const SIZES = {
  rawJobs: envInt('BENCH_RAW_JOBS', 40_000),
  /** Untimed jobs first, through the same queue and worker, so that the timed pass runs JIT-compiled code. */
  rawWarmup: envInt('BENCH_RAW_WARMUP', 5_000),
  rawBatch: envInt('BENCH_RAW_BATCH', 50),
  rawConcurrency: envInt('BENCH_RAW_CONCURRENCY', 100),
  single: envInt('BENCH_SINGLE_PLACEMENTS', 40_000),
  /** Untimed single POSTs first (another organization), so that API and worker run JIT-compiled code. */
  singleWarmup: envInt('BENCH_SINGLE_WARMUP', 3_000),
  singleConnections: envInt('BENCH_SINGLE_CONNECTIONS', 64),
  bulk: envInt('BENCH_BULK_PLACEMENTS', 100_000),
  bulkSize: envInt('BENCH_BULK_SIZE', 10_000),
  bulkConnections: envInt('BENCH_BULK_CONNECTIONS', 2),
  rawInsertRows: envInt('BENCH_RAW_INSERT_ROWS', envInt('BENCH_BULK_PLACEMENTS', 100_000)),
  rawInsertTxRows: envInt('BENCH_RAW_INSERT_TX_ROWS', 2_000),
  worker: envInt('BENCH_WORKER_PLACEMENTS', 1_000_000),
  workerWindow: envInt('BENCH_WORKER_WINDOW', 100_000),
  stallMs: envInt('BENCH_STALL_SECONDS', 60) * 1000,
  /** How long after the single POSTs of (b) end the API process's RSS is read (issue 13: < 400 MB after 30 s). */
  rssAfterMs: envInt('BENCH_RSS_AFTER_SECONDS', 30) * 1000,
  progressMs: envInt('BENCH_PROGRESS_MS', 5000),
  timeoutMs: envInt('BENCH_TIMEOUT_SECONDS', 3600) * 1000,
};
/**
 * (b) runs against both ways of deploying: `split`, the API and the worker as
 * separate processes (docker/compose.yml), and `one`, both in one process
 * (`npm start`); (c) against the first. BENCH_TOPOLOGY=split|one picks one.
 */
type Topology = 'split' | 'one';
const TOPOLOGIES: Topology[] =
  process.env.BENCH_TOPOLOGY === 'split' || process.env.BENCH_TOPOLOGY === 'one' ? [process.env.BENCH_TOPOLOGY] : ['split', 'one'];
/**
 * BENCH_BASELINE_DIST: the dist/ folder of a build from before the sign-in guard (e.g. main at
 * 0aa5f39, built in a worktree with its own node_modules). (b) then runs against it too, right
 * after the guarded API, deployed the same way from that dist/ (its API process, and its worker
 * process for split), and the summary compares the two (target: guarded >= 0.9x).
 */
const BASELINE_DIST = process.env.BENCH_BASELINE_DIST || '';
/** Which parts to run: BENCH_ONLY=a,b,c,d (default all). */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d').split(',').map((s) => s.trim().toLowerCase()));
/** Placements per 'placements.record' job in (d), as the API's chunking makes them. */
const JOB_PLACEMENTS = 500;
const ENQUEUE_JOBS_PER_CALL = 10;
const ROWS_PER_STATEMENT = 500;

interface Results {
  a?: { jobs: number; ms: number; rate: number; producerMs: number; cpuUs: number };
  /** Both passes of (a) when there were two; `a` is the faster. */
  aPasses?: number[];
  b: { topology: Topology; n: number; ms: number; rate: number; acceptMs: number; cpuUs: number; build?: 'baseline' }[];
  /**
   * The API process's RSS SIZES.rssAfterMs after the single POSTs of (b) ended, with its RSS once
   * ready, right before the timed load (after the warm-up), its peak sampled during the load and its VmHWM.
   */
  rssAfter: { topology: Topology; rss: number; ready: number; before: number; peak: number; hwm: number }[];
  ceiling?: number;
  c?: { n: number; ms: number; rate: number; acceptMs: number; cpuUs: number; bodyMb: number; rawRows: number; rawMs: number; rawRate: number };
  d?: { n: number; ms: number; rate: number; peakRss: number; sampledRss: number; redisPeak: number; cpuUs: number };
}


const rate = (n: number, ms: number) => (n * 1000) / ms;
/** CPU time (user + system) this process spent since `from`, in µs. */
const cpuMicros = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return d.user + d.system;
};
const loadAvg = () => os.loadavg()[0].toFixed(2);
const perItem = (us: number, n: number) => fmt(us / n, 1);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// ---------------------------------------------------------------------------
// (a) raw BullMQ

async function rawBullmq(prefix: string, channelIds: number[]): Promise<NonNullable<Results['a']>> {
  const producer = producerConnection(REDIS_URL);
  const consumer = workerConnection(REDIS_URL);
  producer.on('error', () => undefined);
  consumer.on('error', () => undefined);
  // Same queue name, job options and payload shape as a single POST's job: only the processing is a no-op.
  const queue = new Queue(INGESTION_QUEUE, { connection: producer, prefix, defaultJobOptions: INGESTION_JOB_OPTIONS });
  let completed = 0;
  let failed = 0;
  let target = 0;
  let finish: () => void = () => undefined;
  const worker = new Worker(INGESTION_QUEUE, async () => undefined, {
    connection: consumer,
    prefix,
    concurrency: SIZES.rawConcurrency,
  });
  worker.on('completed', () => {
    if (++completed + failed === target) finish();
  });
  worker.on('failed', () => {
    if (completed + ++failed === target) finish();
  });
  const forgetWorker = onCleanup('raw BullMQ worker', async () => {
    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  });
  await worker.waitUntilReady();
  await queue.waitUntilReady();

  /** Adds n jobs (addBulk of rawBatch) and waits until the worker has taken them all. */
  const pass = async (tag: string, n: number) => {
    const batches: { name: 'placements.record'; data: RecordPlacementsJob }[][] = [];
    for (let i = 0; i < n; i += SIZES.rawBatch) {
      batches.push(
        Array.from({ length: Math.min(SIZES.rawBatch, n - i) }, (_, k) => ({
          name: 'placements.record' as const,
          data: {
            ingestionId: `${tag}-${i + k}`,
            chunk: 0,
            accepted: 1,
            organizationId: 1,
            source: 'editor' as const,
            actor: 'editor:bench',
            placements: [placementDraft(tag, i + k, channelIds, 0)],
          },
        })),
      );
    }
    completed = 0;
    failed = 0;
    target = n;
    const allDone = new Promise<void>((r) => (finish = r));
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) await queue.addBulk(batch);
    const producerMs = performance.now() - started;
    const deadline = setTimeout(() => finish(), SIZES.stallMs);
    await allDone;
    clearTimeout(deadline);
    const ms = performance.now() - started;
    if (completed !== n) throw new Error(`(a) raw BullMQ: ${completed} of ${n} jobs completed (${failed} failed)`);
    return { jobs: n, ms, rate: rate(n, ms), producerMs, cpuUs: cpuMicros(cpu) };
  };
  if (SIZES.rawWarmup > 0) await pass('raw-warm', SIZES.rawWarmup);
  const result = await pass('raw', SIZES.rawJobs);
  await worker.close();
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  forgetWorker();
  return result;
}

// ---------------------------------------------------------------------------
// (b), (c): the real API with its in-process worker, driven over loopback HTTP

class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  /** A load generator process; prepare() and go() may be called again and again (warm-up, then the run). */
  static start(): LoadGenerator {
    const child = fork(path.join(__dirname, 'load-generator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    onCleanup('load generator', async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    return new LoadGenerator(child);
  }

  /** Builds the request bodies (untimed). */
  async prepare(spec: LoadSpec): Promise<this> {
    await this.next('ready', 120_000, () => this.child.send({ type: 'prepare', ...spec }));
    return this;
  }

  /** Starts the traffic; resolves when every response is in. */
  go(): Promise<LoadResult> {
    return this.next('done', SIZES.timeoutMs, () => this.child.send({ type: 'go' })) as Promise<LoadResult>;
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }

  private next(type: string, timeoutMs: number, send: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load generator: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (msg: { type: string; message?: string }) => {
        if (msg.type === type) {
          done();
          resolve(msg);
        } else if (msg.type === 'failed') {
          done();
          reject(new Error(`load generator failed: ${msg.message}`));
        }
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`load generator exited (${code}) before '${type}'`));
      };
      const done = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
      send();
    });
  }
}

async function createOrg(ds: DataSource, slug: string): Promise<Organization> {
  const repo = ds.getRepository(Organization);
  return repo.save(repo.create({ slug, name: `基准测试 ${slug}`, region: '邵阳市', foundedOn: '2019-06-21', keywords: ['基准'] }));
}

/**
 * Watches the organization's committed count from a child process (see
 * poller.ts); resolves with the absolute time the target was reached.
 */
class Poller {
  /** The poller's CPU (µs) at its first and its last message. */
  private readonly cpu = { first: -1, last: 0 };

  private constructor(
    private readonly child: ChildProcess,
    private readonly firstSeen: Promise<void>,
    readonly reached: Promise<number>,
  ) {}

  /** CPU the poller spent watching, µs. */
  get cpuUs(): number {
    return Math.max(0, this.cpu.last - this.cpu.first);
  }

  static start(
    what: string,
    database: AppConfig['database'],
    orgId: number,
    target: number,
    onProgress: (n: number, at: number) => void,
    abort: () => Error | null,
  ): Poller {
    const child = fork(path.join(__dirname, 'poller.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    onCleanup('poller', async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let seen: () => void = () => undefined;
    const firstSeen = new Promise<void>((r) => (seen = r));
    const reached = new Promise<number>((resolve, reject) => {
      let last = -1;
      let lastChange = performance.now();
      const check = setInterval(() => {
        const err = abort() ?? (performance.now() - lastChange > SIZES.stallMs
          ? new Error(`${what}: stuck at ${last} of ${target} for ${SIZES.stallMs / 1000} s`)
          : null);
        if (err) finish(() => reject(err));
      }, 100);
      const finish = (then: () => void) => {
        clearInterval(check);
        child.off('message', onMessage);
        child.off('exit', onExit);
        then();
      };
      const onMessage = (msg: PollerMessage) => {
        if (msg.type === 'progress' || msg.type === 'reached') seen();
        if (msg.type === 'progress') {
          if (msg.n !== last) {
            last = msg.n ?? 0;
            lastChange = performance.now();
            onProgress(last, msg.at ?? absoluteNow());
          }
        } else if (msg.type === 'reached') {
          finish(() => resolve(msg.at ?? absoluteNow()));
        } else if (msg.type === 'failed') {
          finish(() => reject(new Error(`${what}: poller failed: ${msg.message}`)));
        }
      };
      const onExit = (code: number | null) => finish(() => reject(new Error(`${what}: poller exited (${code})`)));
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
    reached.catch(() => undefined); // awaited by the caller; never an unhandled rejection
    child.send({ type: 'watch', database, orgId, target, intervalMs: 20 } satisfies WatchRequest);
    const poller = new Poller(child, firstSeen, reached);
    child.on('message', (msg: PollerMessage) => {
      if (msg.cpuUs === undefined) return;
      if (poller.cpu.first < 0) poller.cpu.first = msg.cpuUs;
      poller.cpu.last = msg.cpuUs;
    });
    return poller;
  }

  /** Resolves once the poller has read the database (so that timing starts with it watching). */
  ready(): Promise<void> {
    return Promise.race([
      this.firstSeen,
      this.reached.then(() => undefined),
      sleep(60_000).then(() => {
        throw new Error('poller did not start within 60 s');
      }),
    ]);
  }
}

/** Sends the placements through HTTP; returns when the last one is a committed row. */
async function endToEnd(
  what: string,
  database: AppConfig['database'],
  org: Organization,
  spec: LoadSpec,
  apiPid: number,
  others: Record<string, number | undefined> = {},
  generator?: LoadGenerator,
): Promise<{ ms: number; load: LoadResult; cpuUs: number; othersCpuUs: Record<string, number>; peakRss: number }> {
  const gen = await (generator ?? LoadGenerator.start()).prepare(spec);
  const pids: Record<string, number> = {};
  for (const [name, pid] of Object.entries(others)) if (pid) pids[name] = pid;
  const cpuOf = (): Record<string, number> => ({
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, procCpuMs(pid) ?? 0])),
    ...(usingPostgres ? { postgres: postgresCpuMs() } : {}),
  });
  let load: LoadResult | null = null;
  let loadError: Error | null = null;
  let started = absoluteNow();
  let lastReport = started;
  const poller = Poller.start(
    what,
    database,
    org.id,
    spec.count,
    (n, at) => {
      if (at - lastReport > SIZES.progressMs) {
        lastReport = at;
        log(`    … ${fmt(n)} of ${fmt(spec.count)} committed after ${secs(at - started)}`);
      }
    },
    () => {
      if (loadError) return loadError;
      if (load && load.accepted < spec.count) {
        return new Error(
          `${what}: only ${load.accepted} of ${spec.count} placements accepted; statuses ${JSON.stringify(load.statuses)}; ${load.errors.join(' | ')}`,
        );
      }
      return null;
    },
  );
  await poller.ready();
  // The API process's RSS, sampled while the load runs (its VmHWM also counts start-up and warm-up).
  let peakRss = procMemory(apiPid)?.rss ?? 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, procMemory(apiPid)?.rss ?? 0)), 100);
  const forgetSampler = onCleanup('RSS sampler', async () => clearInterval(sampler));
  const othersBefore = cpuOf();
  const apiCpuBefore = procCpuMs(apiPid) ?? 0;
  started = absoluteNow();
  lastReport = started;
  const sending = gen.go().then(
    (r) => (load = r),
    (err: unknown) => (loadError = err instanceof Error ? err : new Error(String(err))),
  );
  const committedAt = await poller.reached.finally(() => {
    clearInterval(sampler);
    forgetSampler();
  });
  const cpuUs = ((procCpuMs(apiPid) ?? 0) - apiCpuBefore) * 1000;
  const othersAfter = cpuOf();
  const othersCpuUs = Object.fromEntries(Object.keys(othersAfter).map((k) => [k, (othersAfter[k] - othersBefore[k]) * 1000]));
  await sending;
  if (!generator) gen.close();
  if (loadError) throw loadError;
  const result = load as LoadResult | null;
  if (!result) throw new Error(`${what}: load generator gave no result`);
  return {
    ms: committedAt - started,
    load: result,
    cpuUs,
    othersCpuUs: { 'load generator': result.cpuUs, ...othersCpuUs, poller: poller.cpuUs },
    peakRss,
  };
}

/** How many jobs the ingestion queue under `prefix` has been given (BullMQ's id counter). */
async function jobsSoFar(prefix: string): Promise<string> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return fmt(Number((await redis.get(`${prefix}:${INGESTION_QUEUE}:id`)) ?? 0));
  } finally {
    redis.disconnect();
  }
}

/**
 * CPU (ms) of every PostgreSQL server process on this machine, with the
 * backends that have ended (counted in their parent's cutime/cstime), so that
 * backends coming and going during a run do not make the figure drift.
 */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += procCpuMs(Number(entry), true) ?? 0;
  }
  return total;
}

/** The Redis server's pid (it runs on this machine), to count its CPU. */
async function redisPid(): Promise<number | undefined> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const m = /process_id:(\d+)/.exec(await redis.info('server'));
    return m ? Number(m[1]) : undefined;
  } finally {
    redis.disconnect();
  }
}

/** "API 2.8 s (277 µs/placement), worker 1.2 s (…)": where the CPU of an end-to-end run went. */
function cpuLine(n: number, own: [string, number], others: Record<string, number>): string {
  return [own, ...Object.entries(others)]
    .map(([name, us]) => `${name} ${(us / 1e6).toFixed(2)} s (${perItem(us, n)} µs/placement)`)
    .join(', ');
}

/** Exactly-once check after an end-to-end run: rows, events and the ingestions' counters agree. */
async function verifyOrg(ds: DataSource, orgId: number, expected: number): Promise<string> {
  const p = new SqlDialect(ds).param(1);
  const [{ rows }] = await ds.query(`SELECT COUNT(*) AS rows FROM placements WHERE organization_id = ${p}`, [orgId]);
  const [{ events }] = await ds.query(`SELECT COUNT(*) AS events FROM placement_events WHERE organization_id = ${p}`, [orgId]);
  const [{ inserted, duplicates }] = await ds.query(
    `SELECT COALESCE(SUM(inserted), 0) AS inserted, COALESCE(SUM(duplicates), 0) AS duplicates FROM ingestions WHERE organization_id = ${p}`,
    [orgId],
  );
  const counts = { rows: Number(rows), events: Number(events), inserted: Number(inserted), duplicates: Number(duplicates) };
  const ok = counts.rows === expected && counts.events === expected && counts.inserted === expected && counts.duplicates === 0;
  const line = `rows ${fmt(counts.rows)}, events ${fmt(counts.events)}, ingestions.inserted ${fmt(counts.inserted)}, duplicates ${counts.duplicates}`;
  if (!ok) throw new Error(`exactly-once check failed (expected ${expected}): ${line}`);
  return line;
}

/** Raw batched INSERT of the same columns into the same table: 500 rows a statement, `txRows` a transaction. */
async function rawInsert(ds: DataSource, org: Organization, channelIds: number[], tag: string): Promise<{ rows: number; ms: number }> {
  const sql = new SqlDialect(ds);
  const n = SIZES.rawInsertRows;
  const ts = sql.timestamp(new Date());
  const statements: { text: string; params: unknown[] }[] = [];
  for (let i = 0; i < n; i += ROWS_PER_STATEMENT) {
    const count = Math.min(ROWS_PER_STATEMENT, n - i);
    const params: unknown[] = [];
    for (let k = 0; k < count; k++) {
      const d = placementDraft(`${tag}-raw`, i + k, channelIds, k);
      const { year, month } = yearMonthOf(d.publishedOn);
      params.push(
        org.id, d.channelId, d.title, d.url, d.publishedOn, year, month, d.section,
        d.prominence, d.genre, JSON.stringify(d.authors), d.note, 'editor', 'claimed', placementDedupKey(d), ts, ts,
      );
    }
    statements.push({
      text: `INSERT INTO placements (${PLACEMENT_COLUMNS.join(', ')}) VALUES ${sql.valuesList(count, PLACEMENT_COLUMNS.length)}`,
      params,
    });
  }
  const perTx = Math.max(1, Math.round(SIZES.rawInsertTxRows / ROWS_PER_STATEMENT));
  const started = performance.now();
  for (let s = 0; s < statements.length; s += perTx) {
    await ds.transaction(async (em) => {
      for (const st of statements.slice(s, s + perTx)) await em.query(st.text, st.params);
    });
  }
  const ms = performance.now() - started;
  const got = await placementCount(ds, org.id);
  if (got !== n) throw new Error(`raw insert: ${got} rows instead of ${n}`);
  return { rows: n, ms };
}

// ---------------------------------------------------------------------------
// (d): the real worker process

/** This build's dist/ (the bench runs from dist/test/bench). */
const OWN_DIST = path.resolve(__dirname, '..', '..');

/** Node flags from an environment variable (space-separated), or the default. */
const nodeArgsFrom = (name: string, def: string) => (process.env[name] ?? def).split(' ').filter(Boolean);

/**
 * Starts `node <nodeArgs> <script> <args>` as a process of its own, relays its
 * warning and error lines, and resolves once `ready` says so (or throws when
 * it exits first or is not ready within 60 s). Stopped with SIGTERM (SIGKILL
 * after 15 s) by `stopProcess` or at clean-up.
 */
async function startNodeProcess(
  label: string,
  script: string,
  args: string[],
  nodeArgs: string[],
  env: Record<string, string>,
  ready: (output: string) => boolean | Promise<boolean>,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(label, () => stopProcess(child));
  let output = '';
  const relay = (stream: NodeJS.ReadableStream, sink: NodeJS.WriteStream) =>
    stream.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      if (output.length < 20_000) output += text;
      if (/warn|error/i.test(text)) sink.write(text.split('\n').filter(Boolean).map((l) => `    [${label}] ${l}\n`).join(''));
    });
  relay(child.stdout!, process.stdout);
  relay(child.stderr!, process.stderr);
  // BENCH_CHILD_LOG_DIR=dir: each process's whole output (e.g. with --trace-gc in BENCH_API_NODE_ARGS) in dir/<label>-<pid>.log.
  const logDir = process.env.BENCH_CHILD_LOG_DIR;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    const file = createWriteStream(path.join(logDir, `${label.replace(/[^a-z0-9]+/gi, '-')}-${child.pid}.log`));
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }
  const deadline = Date.now() + 60_000;
  while (!(await ready(output))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) throw new Error(`${label} not ready within 60 s:\n${output}`);
    await sleep(100);
  }
  return child;
}

/** SIGTERM (the process drains and exits), SIGKILL if it has not exited after 15 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', () => r(true)));
  child.kill('SIGTERM');
  if (!(await Promise.race([exited, sleep(15_000).then(() => false)]))) child.kill('SIGKILL');
}

/** The worker process of a build (`dist`), as `npm run start:worker` launches it. */
function startWorkerProcess(env: Record<string, string>, dist = OWN_DIST): Promise<ChildProcess> {
  // BENCH_WORKER_NODE_ARGS (e.g. --max-old-space-size=256): node flags for the worker, as a launcher would give them.
  // Default: the heap cap `npm run start:worker` and docker/compose.yml launch the worker with.
  return startNodeProcess(
    'worker',
    path.join(dist, 'apps', 'worker', 'src', 'main.js'),
    [],
    nodeArgsFrom('BENCH_WORKER_NODE_ARGS', WORKER_NODE_ARGS),
    env,
    (output) => /worker ready/.test(output),
  );
}

/** A free loopback port for a process to listen on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A deployment of one build under test: its API process, and its worker process when split. */
interface Deployment {
  api: ChildProcess;
  worker: ChildProcess | null;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a build's API the way it is deployed: `dist/apps/api/src/main.js` in
 * a process of its own (with `--with-worker`, as `npm start`, for `one`; with
 * the build's worker process beside it for `split`), with the node flags of
 * `npm start` (BENCH_API_NODE_ARGS to change them); resolves once `/health`
 * answers. Its RSS and CPU are then its own, read from /proc/<pid>.
 * Each build runs in its own processes: two builds never load two copies of
 * SQLite into one process (closing one copy's connection deletes the -wal file
 * the other still writes to: "SqliteError: disk I/O error").
 */
async function startDeployment(topology: Topology, env: Record<string, string>, dist = OWN_DIST): Promise<Deployment> {
  const split = topology === 'split';
  const worker = split ? await startWorkerProcess({ ...env, LOG_LEVEL: 'log' }, dist) : null;
  const port = await freePort();
  const nodeArgs = nodeArgsFrom('BENCH_API_NODE_ARGS', API_NODE_ARGS);
  // BENCH_PROFILE_DIR=dir: a V8 CPU profile of the API process over its whole life, written to dir when it stops.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  if (profileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`);
  const health = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
    } catch {
      return false;
    }
  };
  const api = await startNodeProcess(
    split ? 'API' : 'API+workers',
    path.join(dist, 'apps', 'api', 'src', 'main.js'),
    split ? [] : ['--with-worker'],
    nodeArgs,
    { ...env, PORT: String(port), HOST: '127.0.0.1' },
    health,
  );
  return {
    api,
    worker,
    port,
    stop: async () => {
      await stopProcess(api);
      if (worker) await stopProcess(worker);
    },
  };
}

async function workerMemory(
  ds: DataSource,
  dbEnv: Record<string, string>,
  prefix: string,
  channelIds: number[],
  tag: string,
): Promise<NonNullable<Results['d']>> {
  const n = SIZES.worker;
  const org = await createOrg(ds, `bench-worker-${tag}`);
  const env = { NODE_ENV: 'production', REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'log', ...passThroughEnv(), ...dbEnv };
  const worker = await startWorkerProcess(env);
  const pid = worker.pid!;
  const startRss = procMemory(pid);
  const args = ` (node ${process.env.BENCH_WORKER_NODE_ARGS ?? WORKER_NODE_ARGS})`;
  log(`    worker pid ${pid}${args} ready, RSS ${fmt((startRss?.rss ?? 0) / MB, 1)} MB`);

  const config = loadConfig(env);
  const connections = new JobsConnections(config);
  const queue = new IngestionQueue(connections);
  onCleanup('(d) producer', () => connections.onApplicationShutdown());
  await connections.onModuleInit();
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  onCleanup('(d) redis probe', async () => redis.disconnect());

  let sampledRss = 0;
  let redisPeak = 0;
  const sampler = setInterval(() => {
    const m = procMemory(pid);
    if (m) sampledRss = Math.max(sampledRss, m.rss);
  }, 100);
  const redisSampler = setInterval(() => {
    redisUsedMemory(redis).then((b) => (redisPeak = Math.max(redisPeak, b)), () => undefined);
  }, 1000);
  onCleanup('(d) samplers', async () => {
    clearInterval(sampler);
    clearInterval(redisSampler);
  });

  const processed = async () => {
    if (worker.exitCode !== null || worker.signalCode !== null) {
      throw new Error(`worker process exited (${worker.exitCode ?? worker.signalCode}) during (d)`);
    }
    return processedCount(ds, org.id);
  };

  const perIngestion = 10_000; // as a bulk request of 10,000 would be chunked
  const cpuBefore = procCpuMs(pid) ?? 0;
  const started = performance.now();
  let enqueued = 0;
  let done = 0;
  let lastChange = performance.now();
  let lastReport = started;
  while (enqueued < n) {
    if (enqueued - done >= SIZES.workerWindow) {
      await sleep(50);
      const now = await processed();
      if (now !== done) {
        done = now;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > SIZES.stallMs) {
        throw new Error(`(d): stuck at ${done} of ${n} processed`);
      }
      if (performance.now() - lastReport > SIZES.progressMs) {
        lastReport = performance.now();
        const m = procMemory(pid);
        log(`    … ${fmt(done)} of ${fmt(n)} committed after ${secs(lastReport - started)}, worker RSS ${fmt((m?.rss ?? 0) / MB, 1)} MB`);
      }
      continue;
    }
    const jobs: IngestionJob[] = [];
    for (let j = 0; j < ENQUEUE_JOBS_PER_CALL && enqueued < n; j++) {
      const first = enqueued;
      const count = Math.min(JOB_PLACEMENTS, n - first);
      const ingestion = Math.floor(first / perIngestion);
      jobs.push({
        name: 'placements.record',
        data: {
          ingestionId: `bench-${tag}-${ingestion}`,
          chunk: Math.floor((first % perIngestion) / JOB_PLACEMENTS),
          accepted: Math.min(perIngestion, n - ingestion * perIngestion),
          organizationId: org.id,
          source: 'import',
          actor: 'import:bench',
          placements: Array.from({ length: count }, (_, k) => placementDraft(`${tag}-w`, first + k, channelIds, k)),
        },
      });
      enqueued += count;
    }
    await queue.enqueue(jobs);
  }
  let reportAt = performance.now();
  const finishedAt = await waitUntil('(d) worker ingestion', processed, n, {
    intervalMs: 100,
    stallMs: SIZES.stallMs,
    onProgress: (now) => {
      if (performance.now() - reportAt > SIZES.progressMs) {
        reportAt = performance.now();
        const m = procMemory(pid);
        log(`    … ${fmt(now)} of ${fmt(n)} committed after ${secs(reportAt - started)}, worker RSS ${fmt((m?.rss ?? 0) / MB, 1)} MB`);
      }
    },
  });
  const ms = finishedAt - started;
  const peak = procMemory(pid);
  const rows = await placementCount(ds, org.id);
  if (rows !== n) throw new Error(`(d): ${rows} placements stored instead of ${n}`);
  const cpuUs = ((procCpuMs(pid) ?? 0) - cpuBefore) * 1000;
  return { n, ms, rate: rate(n, ms), peakRss: peak?.hwm ?? 0, sampledRss, redisPeak, cpuUs };
}

/** Ingestion tuning the caller may set for the API/worker under test. */
function passThroughEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['INGEST_CONCURRENCY', 'INGEST_CHUNK_SIZE', 'INGEST_MAX_BATCH']) {
    const v = process.env[k];
    if (v) out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const tag = runTag();
  const prefixes = { raw: `plbench-${tag}-raw`, api: `plbench-${tag}-api`, base: `plbench-${tag}-base`, worker: `plbench-${tag}-worker` };
  onCleanup('queue keys', async () => {
    const n = await deleteQueueKeys([...Object.values(prefixes), `${prefixes.raw}-again`]);
    log(`cleanup: deleted ${fmt(n)} Redis keys under plbench-${tag}-*`);
  });
  const db: BenchDatabase = await createBenchDatabase(tag);
  onCleanup('database', async () => {
    await db.drop();
    log(`cleanup: dropped ${db.describe}`);
  });

  log(`Ingestion bench ${tag}: ${db.describe}; Redis ${REDIS_URL}; node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAvg()}`);
  log(`sizes: ${JSON.stringify(SIZES)}; parts ${[...ONLY].join(',')}`);

  const apiEnv = { NODE_ENV: 'production', REDIS_URL, QUEUE_PREFIX: prefixes.api, LOG_LEVEL: 'warn', ...passThroughEnv(), ...db.env };
  const config: AppConfig = loadConfig(apiEnv);
  const ds = await openDatabase(config.database);
  onCleanup('bench data source', () => ds.destroy());
  await loadCatalog(ds, CATALOG);
  // The API needs a signed-in caller: the bench's requests carry an API token, as a script's would.
  await new Accounts(ds).addUser({ username: 'bench', password: `bench-${tag}`, role: 'admin' });
  const authorization = `Bearer ${(await new Accounts(ds).addToken({ name: 'bench', username: 'bench', createdBy: 'cli:bench' })).token}`;
  const channels = await ds.getRepository(Channel).find({ order: { id: 'ASC' } });
  const channelIds = channels.map((c) => c.id);
  const channelNames = channels.map((c) => c.name);
  log(`ingestion config: concurrency ${config.ingestion.concurrency}, chunk ${config.ingestion.chunkSize}, max batch ${config.ingestion.maxBatch}`);

  const results: Results = { b: [], rssAfter: [] };

  if (ONLY.has('a')) {
    log(`\n(a) raw BullMQ no-op: ${fmt(SIZES.rawJobs)} jobs, addBulk of ${SIZES.rawBatch}, worker concurrency ${SIZES.rawConcurrency}`);
    results.a = await rawBullmq(prefixes.raw, channelIds);
    log(`    ${fmt(results.a.rate)} jobs/s (${secs(results.a.ms)}; producer done after ${secs(results.a.producerMs)}); bench process CPU ${perItem(results.a.cpuUs, results.a.jobs)} µs/job; load average ${loadAvg()}`);
  }

  for (const topology of ONLY.has('b') || ONLY.has('c') ? TOPOLOGIES : []) {
    // split: the API and the worker as separate processes, as docker/compose.yml deploys them;
    // one: one process running both (the workers on a worker thread), as `npm start` does.
    // Either way the API is a process of its own, started from dist/ as deployed, so that its RSS
    // and CPU are its own (the load generator and the poller are processes of their own too).
    const split = topology === 'split';
    const deploymentName = split ? 'API process, worker process beside it' : 'API process with its workers on a worker thread (npm start)';
    let dep: Deployment | null = await startDeployment(topology, apiEnv);
    const describe = (d: Deployment) =>
      `API pid ${d.api.pid} on 127.0.0.1:${d.port}${d.worker ? `, worker pid ${d.worker.pid}` : ''}; API RSS ${fmt((procMemory(d.api.pid!)?.rss ?? 0) / MB, 1)} MB once ready`;
    log(`
${deploymentName}: ${describe(dep)}`);

    if (ONLY.has('b')) {
      const apiPid = dep.api.pid!;
      const ready = procMemory(apiPid)?.rss ?? 0;
      const others = { worker: dep.worker?.pid, redis: await redisPid() };
      // One load generator for the warm-up and the run, so that it too runs warm.
      const gen = LoadGenerator.start();
      const single = (org: Organization, count: number, suffix: string) =>
        endToEnd('(b) single POST', config.database, org, {
          mode: 'single', port: dep!.port, org: org.slug, tag: `${tag}-${suffix}`, count,
          connections: SIZES.singleConnections, bulkSize: 1, channels: channelNames, authorization,
        }, apiPid, others, gen);
      if (SIZES.singleWarmup > 0) {
        const warm = await single(await createOrg(ds, `bench-warm-${topology}-${tag}`), SIZES.singleWarmup, `w${topology}`);
        log(`(b) warm-up: ${fmt(SIZES.singleWarmup)} single POSTs, untimed (${fmt(rate(SIZES.singleWarmup, warm.ms))}/s)`);
      }
      const org = await createOrg(ds, `bench-single-${topology}-${tag}`);
      const before = procMemory(apiPid)?.rss ?? 0;
      log(`(b) single POST …/placements: ${fmt(SIZES.single)} placements over ${SIZES.singleConnections} keep-alive connections; API RSS ${fmt(before / MB, 1)} MB before`);
      const { ms, load, cpuUs, othersCpuUs, peakRss } = await single(org, SIZES.single, `s${topology}`);
      gen.close();
      const b = { topology, n: SIZES.single, ms, rate: rate(SIZES.single, ms), acceptMs: load.elapsedMs, cpuUs };
      results.b.push(b);
      log(`    ${fmt(b.rate)} placements/s committed (${secs(ms)}); HTTP 202s at ${fmt(rate(SIZES.single, load.elapsedMs))}/s (${secs(load.elapsedMs)}); load average ${loadAvg()}`);
      log(`    CPU: ${cpuLine(SIZES.single, [split ? 'API' : 'API+worker', cpuUs], othersCpuUs)}`);
      log(`    latency ms p50 ${load.latency.p50.toFixed(1)}, p90 ${load.latency.p90.toFixed(1)}, p99 ${load.latency.p99.toFixed(1)}, max ${load.latency.max.toFixed(1)}; responses per second ${load.perSecond.join(' ')}`);
      log(`    check: ${await verifyOrg(ds, org.id, SIZES.single)}`);
      log(`    queue: ${await jobsSoFar(prefixes.api)} ingestion jobs so far, warm-up included (single POSTs packed together)`);
      // Issue 13, 7a: what the API process holds once the load is over (idle, nothing forced: no gc() call).
      const atEnd = procMemory(apiPid)?.rss ?? 0;
      log(`    API process RSS at the end of the load ${fmt(atEnd / MB, 1)} MB (peak sampled during it ${fmt(peakRss / MB, 1)} MB); waiting ${secs(SIZES.rssAfterMs)} idle`);
      await sleep(SIZES.rssAfterMs);
      const after = procMemory(apiPid);
      if (!after) throw new Error(`the API process (pid ${apiPid}) is gone`);
      results.rssAfter.push({ topology, rss: after.rss, ready, before, peak: Math.max(peakRss, atEnd), hwm: after.hwm });
      log(
        `    API process RSS ${secs(SIZES.rssAfterMs)} after the load ended: ${fmt(after.rss / MB, 1)} MB ` +
          `(once ready ${fmt(ready / MB, 1)} MB, before the load ${fmt(before / MB, 1)} MB, peak during it ${fmt(peakRss / MB, 1)} MB, ` +
          `VmHWM ${fmt(after.hwm / MB, 1)} MB${split ? '' : '; the workers run on a thread of this process'})`,
      );
    }

    if (ONLY.has('b') && BASELINE_DIST) {
      // Back to back with the run above: the same load against a build from before the sign-in guard,
      // deployed the same way from its own dist/ (its API, and its worker process when split), on the
      // same database and Redis (a queue prefix of its own); its requests carry no token. The guarded
      // deployment is stopped first, so that the two never run at once.
      await dep.stop();
      dep = null;
      const base = await startDeployment(topology, { ...apiEnv, QUEUE_PREFIX: prefixes.base }, path.resolve(BASELINE_DIST));
      log(`(b) the same against the build before the sign-in guard (${BASELINE_DIST}), without a token, right after: ${describe(base)}`);
      const baseOthers = { worker: base.worker?.pid, redis: await redisPid() };
      const gen = LoadGenerator.start();
      const single = (org: Organization, count: number, suffix: string) =>
        endToEnd('(b) single POST, baseline build', config.database, org, {
          mode: 'single', port: base.port, org: org.slug, tag: `${tag}-${suffix}`, count,
          connections: SIZES.singleConnections, bulkSize: 1, channels: channelNames,
        }, base.api.pid!, baseOthers, gen);
      if (SIZES.singleWarmup > 0) await single(await createOrg(ds, `bench-warm-base-${topology}-${tag}`), SIZES.singleWarmup, `wb${topology}`);
      const org = await createOrg(ds, `bench-base-${topology}-${tag}`);
      const { ms, load, cpuUs, othersCpuUs } = await single(org, SIZES.single, `sb${topology}`);
      gen.close();
      const b = { topology, n: SIZES.single, ms, rate: rate(SIZES.single, ms), acceptMs: load.elapsedMs, cpuUs, build: 'baseline' as const };
      results.b.push(b);
      const guarded = results.b.find((x) => x.topology === topology && !x.build)!;
      log(`    ${fmt(b.rate)} placements/s committed (${secs(ms)}); HTTP 202s at ${fmt(rate(SIZES.single, load.elapsedMs))}/s; load average ${loadAvg()}`);
      log(`    CPU: ${cpuLine(SIZES.single, [split ? 'API' : 'API+worker', cpuUs], othersCpuUs)}`);
      log(`    guarded / baseline: ${(guarded.rate / b.rate).toFixed(2)}x committed, ${(load.elapsedMs / guarded.acceptMs).toFixed(2)}x HTTP 202s; API CPU ${perItem(guarded.cpuUs, guarded.n)} vs ${perItem(cpuUs, b.n)} µs/placement`);
      log(`    check: ${await verifyOrg(ds, org.id, SIZES.single)}`);
      await base.stop();
    }

    if (ONLY.has('c') && topology === TOPOLOGIES[0]) {
      if (!dep) {
        dep = await startDeployment(topology, apiEnv);
        log(`
${deploymentName}, started again for (c): ${describe(dep)}`);
      }
      const rawOrg = await createOrg(ds, `bench-raw-${tag}`);
      log(`(c) raw batched INSERT: ${fmt(SIZES.rawInsertRows)} rows, ${ROWS_PER_STATEMENT} a statement, ${SIZES.rawInsertTxRows} a transaction`);
      const raw = await rawInsert(ds, rawOrg, channelIds, tag);
      log(`    ${fmt(rate(raw.rows, raw.ms))} rows/s (${secs(raw.ms)}); load average ${loadAvg()}`);

      const org = await createOrg(ds, `bench-bulk-${tag}`);
      const requests = Math.ceil(SIZES.bulk / SIZES.bulkSize);
      const sample = JSON.stringify({
        placements: Array.from({ length: Math.min(SIZES.bulk, SIZES.bulkSize) }, (_, i) =>
          placementInput(`${tag}-b`, i, channelNames),
        ),
      });
      const bodyMb = Buffer.byteLength(sample) / MB;
      log(`(c) bulk POST …/placements/bulk: ${fmt(SIZES.bulk)} placements as ${requests} requests of ${fmt(SIZES.bulkSize)} (${bodyMb.toFixed(2)} MB each), ${SIZES.bulkConnections} at a time`);
      const { ms, load, cpuUs, othersCpuUs } = await endToEnd('(c) bulk POST', config.database, org, {
        mode: 'bulk', port: dep.port, org: org.slug, tag: `${tag}-b`, count: SIZES.bulk,
        connections: SIZES.bulkConnections, bulkSize: SIZES.bulkSize, channels: channelNames, authorization,
      }, dep.api.pid!, { worker: dep.worker?.pid, redis: await redisPid() });
      results.c = {
        n: SIZES.bulk, ms, rate: rate(SIZES.bulk, ms), acceptMs: load.elapsedMs, cpuUs, bodyMb,
        rawRows: raw.rows, rawMs: raw.ms, rawRate: rate(raw.rows, raw.ms),
      };
      log(`    ${fmt(results.c.rate)} placements/s committed (${secs(ms)}); all 202s after ${secs(load.elapsedMs)}; load average ${loadAvg()}`);
      log(`    CPU: ${cpuLine(SIZES.bulk, [split ? 'API' : 'API+worker', cpuUs], othersCpuUs)}`);
      log(`    latency ms p50 ${load.latency.p50.toFixed(0)}, max ${load.latency.max.toFixed(0)}`);
      log(`    check: ${await verifyOrg(ds, org.id, SIZES.bulk)}`);
    }
    await dep?.stop();
  }

  if (ONLY.has('b')) {
    // The ceiling: the same load against a Nest POST that does nothing.
    const noop = await startNoopNestApp(config);
    const noopPort = ((noop.getHttpServer() as Server).address() as AddressInfo).port;
    const gen = LoadGenerator.start();
    const ceilingLoad = async (count: number, suffix: string) =>
      (
        await gen.prepare({
          mode: 'single', port: noopPort, org: 'noop', tag: `${tag}-${suffix}`, count,
          connections: SIZES.singleConnections, bulkSize: 1, channels: channelNames,
        })
      ).go();
    if (SIZES.singleWarmup > 0) await ceilingLoad(SIZES.singleWarmup, 'nw');
    const cpu = process.cpuUsage();
    const load = await ceilingLoad(SIZES.single, 'n');
    const ceilingCpuUs = cpuMicros(cpu);
    gen.close();
    await noop.close();
    results.ceiling = rate(SIZES.single, load.elapsedMs);
    log(`\nHTTP ceiling: a do-nothing Nest POST on the same HTTP adapter answers ${fmt(results.ceiling)} requests/s under the same load (after the same warm-up)`);
    log(`    CPU: ${cpuLine(SIZES.single, ['do-nothing API', ceilingCpuUs], { 'load generator': load.cpuUs })}`);
  }

  if (ONLY.has('a') && ONLY.has('b') && results.a) {
    // (a) once more, after (b): one pass can be caught by whatever else the machine does at that
    // moment; (b) is compared with the faster of the two, the conservative choice.
    log(`\n(a) again, after (b)`);
    const again = await rawBullmq(`${prefixes.raw}-again`, channelIds);
    log(`    ${fmt(again.rate)} jobs/s (${secs(again.ms)}); bench process CPU ${perItem(again.cpuUs, again.jobs)} µs/job; load average ${loadAvg()}`);
    results.aPasses = [results.a.rate, again.rate];
    if (again.rate > results.a.rate) results.a = again;
  }

  if (ONLY.has('d')) {
    log(`\n(d) worker process ingesting ${fmt(SIZES.worker)} placements (jobs of ${JOB_PLACEMENTS}, at most ${fmt(SIZES.workerWindow)} in flight)`);
    results.d = await workerMemory(ds, db.env, prefixes.worker, channelIds, tag);
    log(`    peak RSS ${fmt(results.d.peakRss / MB, 1)} MB (VmHWM; sampled max ${fmt(results.d.sampledRss / MB, 1)} MB), ${fmt(results.d.rate)} placements/s (${secs(results.d.ms)}), Redis used_memory peak ${fmt(results.d.redisPeak / MB, 1)} MB; worker CPU ${perItem(results.d.cpuUs, results.d.n)} µs/placement; load average ${loadAvg()}`);
  }

  printSummary(results);
}

function printSummary(r: Results): void {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const cpu = (us: number, n: number, what: string) => `${perItem(us, n)} µs/${what}`;
  const rows: string[][] = [];
  if (r.a) {
    const passes = r.aPasses ? `faster of ${r.aPasses.map((x) => fmt(x)).join(' and ')}` : '';
    rows.push(['(a) raw BullMQ no-op (addBulk 50, conc. 100)', `${fmt(r.a.rate)} jobs/s`, passes, 'baseline', '', cpu(r.a.cpuUs, r.a.jobs, 'job')]);
  }
  for (const b of r.b) {
    if (b.build === 'baseline') {
      const guarded = r.b.find((x) => x.topology === b.topology && !x.build)!;
      const ratio = guarded.rate / b.rate;
      rows.push([`    same, build before the sign-in guard (no token)`, `${fmt(b.rate)} placements/s`, `guarded ${ratio.toFixed(2)}x`, '>= 0.90x', met(ratio >= 0.9), cpu(b.cpuUs, b.n, 'placement')]);
      continue;
    }
    const ratio = r.a ? b.rate / r.a.rate : NaN;
    rows.push([
      `(b) single POST end to end with a Bearer token, ${b.topology === 'split' ? 'API + worker process' : 'all in one process (npm start)'}`,
      `${fmt(b.rate)} placements/s`,
      r.a ? `${ratio.toFixed(2)}x (a)` : 'n/a',
      '>= 0.50x (a)',
      r.a ? met(ratio >= 0.5) : 'n/a (no (a))',
      cpu(b.cpuUs, b.n, 'placement'),
    ]);
  }
  for (const m of r.rssAfter) {
    rows.push([
      `(b) API process RSS ${secs(SIZES.rssAfterMs)} after the single POSTs, ${m.topology === 'split' ? 'API alone' : 'API with its workers (npm start)'}`,
      `${fmt(m.rss / MB, 1)} MB`,
      `before the load ${fmt(m.before / MB, 1)} MB, peak ${fmt(m.peak / MB, 1)} MB`,
      '< 400 MB after 30 s',
      SIZES.rssAfterMs >= 30_000 ? met(m.rss < 400 * MB) : `n/a (read after ${secs(SIZES.rssAfterMs)})`,
      '',
    ]);
  }
  if (r.ceiling !== undefined) {
    rows.push([
      '    HTTP ceiling: do-nothing Nest POST, same load',
      `${fmt(r.ceiling)} requests/s`,
      r.a ? `${(r.ceiling / r.a.rate).toFixed(2)}x (a)` : '',
      '',
      '',
      '',
    ]);
  }
  if (r.c) {
    const ratio = r.c.rate / r.c.rawRate;
    rows.push(['(c) raw batched INSERT (500/stmt)', `${fmt(r.c.rawRate)} rows/s`, '', 'baseline', '', '']);
    rows.push([
      '(c) bulk POST end to end',
      `${fmt(r.c.rate)} placements/s`,
      `${ratio.toFixed(2)}x raw`,
      '>= 0.25x raw insert',
      met(ratio >= 0.25),
      cpu(r.c.cpuUs, r.c.n, 'placement'),
    ]);
  }
  if (r.d) {
    rows.push([
      `(d) worker peak RSS, ${fmt(r.d.n)} placements`,
      `${fmt(r.d.peakRss / MB, 1)} MB`,
      `${fmt(r.d.rate)} placements/s`,
      '<= 300 MB',
      met(r.d.peakRss <= 300 * MB),
      cpu(r.d.cpuUs, r.d.n, 'placement'),
    ]);
  }
  log(`\nSummary (${usingPostgres ? 'PostgreSQL' : 'SQLite'}, ${os.cpus().length} CPUs, load average now ${loadAvg()})`);
  log(table(['figure', 'value', 'ratio / rate', 'target', 'result', 'CPU of the measured process'], rows));
  log('CPU: (a) the bench process (producer + worker); (b), (c) the API process (with its worker thread when all in one); (d) the worker process.');
  log('RSS of the API process: dist/apps/api/src/main.js in a process of its own, read from /proc/<pid>/status; "before the load" is after the warm-up, "peak" sampled every 100 ms during the load.');
  log(`(a) and (b) each timed after an untimed warm-up (${fmt(SIZES.rawWarmup)} jobs, ${fmt(SIZES.singleWarmup)} POSTs).`);
}

runBench(main, cleanUp, SIZES.timeoutMs);
