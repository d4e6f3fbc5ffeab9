import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { PlacementDraft } from '@pl/domain';

/**
 * Helpers of the ingestion benchmark (npm run bench:ingest): its own fresh
 * database and queue prefixes on the real Redis, the placements it sends,
 * polling, RSS sampling and the closing table. Loopback only.
 */

export const usingPostgres = Boolean(process.env.DATABASE_URL);
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A positive integer from the environment, or the default. */
export function envInt(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export function runTag(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface BenchDatabase {
  /** Environment variables that point a process at this database. */
  env: Record<string, string>;
  describe: string;
  drop(): Promise<void>;
}

/**
 * A fresh database of its own: a new PostgreSQL database when DATABASE_URL
 * is set, else a new SQLite file. `purpose` names it (bench, test).
 */
export async function createBenchDatabase(tag: string, purpose = 'bench'): Promise<BenchDatabase> {
  if (usingPostgres) {
    const admin = new URL(process.env.DATABASE_URL as string);
    const name = `pl_${purpose}_${tag}`;
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const url = new URL(admin.toString());
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      describe: `PostgreSQL database ${name} on ${url.host}`,
      drop: async () => {
        const c = new Client({ connectionString: admin.toString() });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const file = path.join(os.tmpdir(), `placement-ledger-${purpose}`, `${tag}.sqlite`);
  return {
    env: { SQLITE_PATH: file, DATABASE_URL: '' },
    describe: `SQLite file ${file} (WAL)`,
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}

/** Deletes every key of the given queue prefixes (the bench's own, nothing else). */
export async function deleteQueueKeys(prefixes: string[]): Promise<number> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    await redis.connect();
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Redis used_memory in bytes. */
export async function redisUsedMemory(redis: IORedis): Promise<number> {
  const info = await redis.info('memory');
  const m = /used_memory:(\d+)/.exec(info);
  return m ? Number(m[1]) : 0;
}

// ---------------------------------------------------------------------------
// The placements the bench sends: distinct, deterministic, realistic enough.

const TOPICS = [
  '“一件事一次办”跑出便民加速度',
  '春耕备耕忙 田间地头处处新',
  '社区网格化服务提质增效',
  '非遗传承人走进校园',
  '产业园项目建设按下快进键',
  '志愿服务温暖老旧小区',
  '乡村振兴路上的致富带头人',
  '防汛抗旱演练筑牢安全防线',
];
const GENRES_IN = ['消息', '通讯', '评论', null, 'news', '图片'];
const SECTIONS = ['要闻', '综合', null, '地方新闻'];
const AUTHORS = ['张三、李四', '王芳', null, '李明，刘洋'];

/** Day `i` of the seed period, as YYYY-MM-DD. */
function dayOf(i: number): string {
  const d = new Date(Date.UTC(2019, 6, 1) + (i % 900) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** What an editor posts: channel by name, Chinese genre, authors as one string. */
export function placementInput(tag: string, i: number, channels: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    channel: channels[i % channels.length],
    title: `大祥区：${TOPICS[i % TOPICS.length]}（${tag}-${i}）`,
    publishedOn: dayOf(i),
  };
  if (i % 2 === 0) out.url = `https://bench.example.cn/${tag}/article/${i}.html?utm_source=bench`;
  const genre = GENRES_IN[i % GENRES_IN.length];
  if (genre) out.genre = genre;
  const section = SECTIONS[i % SECTIONS.length];
  if (section) out.section = section;
  const authors = AUTHORS[i % AUTHORS.length];
  if (authors) out.authors = authors;
  return out;
}

const GENRE_NORMAL: Record<string, PlacementDraft['genre']> = {
  消息: 'news', 通讯: 'feature', 评论: 'commentary', news: 'news', 图片: 'photo',
};

/** The same placement as the queue carries it (a PlacementDraft, channel resolved). */
export function placementDraft(tag: string, i: number, channelIds: number[], row: number): PlacementDraft {
  const input = placementInput(tag, i, channelIds.map(String));
  const genre = input.genre as string | undefined;
  const authors = input.authors as string | undefined;
  return {
    channelId: channelIds[i % channelIds.length],
    row,
    title: input.title as string,
    publishedOn: input.publishedOn as string,
    url: (input.url as string | undefined) ?? null,
    section: (input.section as string | undefined) ?? null,
    prominence: 'normal',
    genre: genre ? GENRE_NORMAL[genre] : null,
    authors: authors ? authors.split(/[、，,;；\s]+/).filter(Boolean) : [],
    note: null,
  };
}

// ---------------------------------------------------------------------------
// Waiting and measuring.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A time in ms comparable between processes (performance.now() is per process). */
export const absoluteNow = () => performance.timeOrigin + performance.now();

export async function placementCount(ds: DataSource, orgId: number): Promise<number> {
  const p = ds.options.type === 'postgres' ? '$1' : '?';
  const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM placements WHERE organization_id = ${p}`, [orgId]);
  return Number(n);
}

/**
 * Placements of the organization the worker has processed (inserted,
 * duplicate or refused), from the ingestions' counters. The worker adds to
 * them in the same transaction as the rows, so this reaches N exactly when
 * the N-th row is committed; unlike COUNT(*) on a growing placements table,
 * polling it costs the database next to nothing.
 */
export async function processedCount(ds: DataSource, orgId: number): Promise<number> {
  const p = ds.options.type === 'postgres' ? '$1' : '?';
  const [{ n }] = await ds.query(
    `SELECT COALESCE(SUM(inserted + duplicates + worker_rejected), 0) AS n FROM ingestions WHERE organization_id = ${p}`,
    [orgId],
  );
  return Number(n);
}

/**
 * Polls `read` until it reaches `target`; returns the time it did (ms,
 * performance.now()). Fails when nothing moves for `stallMs`, so a lost
 * job ends the bench instead of hanging it.
 */
export async function waitUntil(
  what: string,
  read: () => Promise<number>,
  target: number,
  opts: { intervalMs: number; stallMs: number; onProgress?: (n: number) => void },
): Promise<number> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const n = await read();
    const now = performance.now();
    if (n >= target) return now;
    if (n !== last) {
      last = n;
      lastChange = now;
      opts.onProgress?.(n);
    } else if (now - lastChange > opts.stallMs) {
      throw new Error(`${what}: stuck at ${n} of ${target} for ${Math.round(opts.stallMs / 1000)} s`);
    }
    await sleep(opts.intervalMs);
  }
}

/** VmRSS and VmHWM (peak) of a process, in bytes, from /proc/<pid>/status. */
export function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) a process has used so far, in ms, from
 * /proc/<pid>/stat; with `withReapedChildren`, plus that of its children that
 * have exited (cutime, cstime), e.g. a PostgreSQL server's ended backends.
 */
export function procCpuMs(pid: number, withReapedChildren = false): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime, stime, cutime, cstime are the 12th to 15th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const ticks = f[11] + f[12] + (withReapedChildren ? f[13] + f[14] : 0);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

export const MB = 1024 * 1024;

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A plain text table, columns padded (CJK-free content). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => (x ?? '').padEnd(widths[c])).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

/**
 * Runs a bench: exits 0 when it ends (targets met or not), 1 on an error or
 * when it runs past `timeoutMs` (BENCH_TIMEOUT_SECONDS), 130 on SIGINT or
 * SIGTERM — cleaning up (databases, Redis keys, child processes) every time.
 */
export function runBench(main: () => Promise<void>, cleanUp: () => Promise<void>, timeoutMs: number, beforeExit: () => void = () => undefined): void {
  let exitCode = 0;
  const timeout = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${timeoutMs / 1000} s (BENCH_TIMEOUT_SECONDS)\n`);
    void cleanUp().finally(() => process.exit(1));
  }, timeoutMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, cleaning up\n`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  main()
    .catch((err: unknown) => {
      exitCode = 1;
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    })
    .finally(async () => {
      clearTimeout(timeout);
      await cleanUp();
      beforeExit();
      process.exit(exitCode);
    });
}

const cleanups: { name: string; run: () => Promise<unknown> }[] = [];

/** Registers something the bench made, to undo at the end; returns a function that forgets it (when undone early). */
export function onCleanup(name: string, run: () => Promise<unknown>): () => void {
  const entry = { name, run };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Undoes everything registered, newest first, whatever fails. */
export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const c = cleanups.pop()!;
    try {
      await c.run();
    } catch (err) {
      process.stderr.write(`cleanup "${c.name}" failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}
