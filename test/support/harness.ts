import { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import request from 'supertest';
import { REDIS_URL, createBenchDatabase, usingPostgres } from '../bench/support';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { CATALOG, loadCatalog } from '@pl/placements';
import { Accounts, NewUser } from '@pl/accounts';
import { AppConfig, loadConfig } from '@pl/config';

/**
 * Test infrastructure: every test file gets its own database (a SQLite file,
 * or a fresh PostgreSQL database when DATABASE_URL is set, as `npm run
 * test:pg` does) and its own queue prefix on the real Redis, so files never
 * see each other's data.
 */
export { REDIS_URL, usingPostgres };

export interface TestDatabase {
  /** Environment variables that point a process at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  return createBenchDatabase(`t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`, 'test');
}

/** A queue prefix no other test uses. */
export function uniquePrefix(): string {
  return `pltest-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The environment for a test process: its own database and queue prefix. */
export function testEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    LOG_LEVEL: 'warn',
    // The catalog's seeded sources point at real outlets: never schedule them in tests.
    CRAWLER_SYNC_SCHEDULES: 'false',
    ...db.env,
    ...extra,
  };
}

export interface TestApi {
  app: INestApplication;
  db: TestDatabase;
  config: AppConfig;
  env: Record<string, string>;
  dataSource: DataSource;
  /** Requests as the harness's administrator, signed in once (session cookie and CSRF token on every request). */
  http: () => ReturnType<typeof request>;
  /** Requests without credentials. */
  anonymous: () => ReturnType<typeof request>;
  /** The harness's administrator: events it causes record `user:<username>`. */
  admin: { username: string; password: string };
  close(): Promise<void>;
}

export type Http = () => ReturnType<typeof request>;

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** supertest's agent with headers set on every request it starts. */
export function withHeaders(server: App, headers: Record<string, string>): Http {
  return () => {
    const agent = request(server);
    return new Proxy(agent, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof prop === 'string' && METHODS.has(prop) && typeof value === 'function') {
          return (url: string) => (value as (u: string) => request.Test).call(target, url).set(headers);
        }
        return value;
      },
    });
  };
}

/**
 * Signs in through POST /api/auth/login: requests with the session cookie
 * and its CSRF token, as the web UI sends them.
 */
export async function signIn(api: Pick<TestApi, 'app'>, username: string, password: string): Promise<Http> {
  const server = api.app.getHttpServer() as App;
  const res = await request(server).post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
  return withHeaders(server, { Cookie: cookie, 'X-CSRF-Token': res.body.csrfToken });
}

/** Adds a user (as `users add` does); the password defaults to one made up here. */
export async function addUser(api: Pick<TestApi, 'dataSource'>, user: Omit<NewUser, 'password'> & { password?: string }): Promise<{ username: string; password: string }> {
  const password = user.password ?? `pw-${randomBytes(6).toString('hex')}`;
  await new Accounts(api.dataSource).addUser({ ...user, password });
  return { username: user.username, password };
}

/** A new API token for a user (as `tokens add` does): requests with `Authorization: Bearer`. */
export async function tokenFor(api: Pick<TestApi, 'app' | 'dataSource'>, name: string, username: string, role?: 'viewer' | 'reviewer' | 'editor'): Promise<{ token: string; http: Http }> {
  const { token } = await new Accounts(api.dataSource).addToken({ name, username, createdBy: 'cli:test', role });
  return { token, http: withHeaders(api.app.getHttpServer() as App, { Authorization: `Bearer ${token}` }) };
}

/**
 * The real API (and, unless told otherwise, the worker in the same process)
 * on a fresh database with the catalog loaded. Requests go through supertest.
 */
export async function startApi(
  options: { withWorker?: boolean; env?: Record<string, string>; db?: TestDatabase; webUiDir?: string } = {},
): Promise<TestApi> {
  const db = options.db ?? (await createTestDatabase());
  const env = testEnv(db, options.env);
  const config = loadConfig(env);
  const app = await createApiApp(config, { withWorker: options.withWorker ?? true, webUiDir: options.webUiDir });
  await app.init();
  await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  const dataSource = app.get<DataSource>(getDataSourceToken());
  await loadCatalog(dataSource, CATALOG);
  const server = app.getHttpServer() as App;
  // Every test acts as a signed-in administrator unless it signs in as someone else.
  // (A second API on the same database signs in as an administrator of its own: a new password for
  // test-admin would end the first one's session.)
  const admin = await addUser({ dataSource }, { username: 'test-admin', role: 'admin' }).catch(() =>
    addUser({ dataSource }, { username: `test-admin-${randomBytes(3).toString('hex')}`, role: 'admin' }),
  );
  const http = await signIn({ app }, admin.username, admin.password);
  return {
    app,
    db,
    config,
    env,
    dataSource,
    http,
    anonymous: () => request(server),
    admin,
    close: async () => {
      await app.close();
      await deleteRedisKeys(config.redis.prefix);
      if (!options.db) await db.drop();
    },
  };
}

/** Removes every Redis key under a test's queue prefix. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until the ingestion is completed; returns its final view. */
export async function waitForIngestion(
  api: TestApi,
  ingestionId: string,
  timeoutMs = 30_000,
): Promise<{ state: string; received: number; accepted: number; inserted: number; duplicates: number; rejected: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.http().get(`/api/ingestions/${ingestionId}`);
    if (res.status === 200 && res.body.state === 'completed') return res.body;
    if (Date.now() > deadline) throw new Error(`ingestion ${ingestionId} not completed: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Row counts of the tables a write could touch. */
export async function tableCounts(ds: DataSource): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['placements', 'placement_events', 'ingestions', 'organizations', 'channels', 'outlets']) {
    out[t] = await countOf(ds, `SELECT COUNT(*) AS n FROM ${t}`);
  }
  return out;
}

/** The number a `SELECT COUNT(*) AS n …` query returns (a string on PostgreSQL, a number on SQLite). */
export async function countOf(ds: DataSource, sql: string): Promise<number> {
  const [{ n }] = await ds.query(sql);
  return Number(n);
}

export const repoDir = path.resolve(__dirname, '..', '..');

/**
 * `npm run demo` as the CLI runs it (dist/apps/cli/src/main.js demo …args)
 * on a test database, with a queue prefix of its own. The CLI exits once its
 * import has drained; its jobs are then removed from the shared Redis.
 * Returns what it printed.
 */
export async function runDemoCli(db: TestDatabase, args: string[] = [], timeoutMs = 150_000): Promise<string> {
  const env = testEnv(db);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), 'demo', ...args], {
      env: { ...process.env, ...env },
      cwd: repoDir,
      timeout: timeoutMs,
    });
    return stdout;
  } finally {
    await deleteRedisKeys(env.QUEUE_PREFIX);
  }
}
