import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, repoDir, TestDatabase, testEnv } from '../support/harness';
import { Children, databaseTouched, freePort } from '../support/processes';

/** How long a process may take to give up: loading the app takes a few seconds on a busy machine. */
const STARTUP_MS = 60_000;

/**
 * A process that cannot start (Redis unreachable, a bad variable) says so in
 * one line per problem, exits non-zero and leaves the database untouched: no
 * SQLite file, no tables, no placements.
 */
describe('starting with Redis unreachable or a bad setting', () => {
  const children = new Children();
  const dbs: TestDatabase[] = [];
  const ledger = path.join(repoDir, 'test', 'fixtures', 'ledgers', 'valid.csv');

  const commands: [string, 'api' | 'worker' | 'cli', string[]][] = [
    ['the API', 'api', []],
    ['the API with its worker (npm start)', 'api', ['--with-worker']],
    ['the worker', 'worker', []],
    ['the CLI import', 'cli', ['import', ledger, '--org', 'daxiang']],
    ['the CLI demo', 'cli', ['demo']],
  ];

  /** A fresh database nobody has opened yet, and the environment of a process using it. */
  async function freshEnv(extra: Record<string, string>): Promise<Record<string, string>> {
    const db = await createTestDatabase();
    dbs.push(db);
    return testEnv(db, { PORT: String(await freePort()), ...extra });
  }

  afterEach(async () => {
    await children.killAll();
  });
  afterAll(async () => {
    await children.killAll();
    for (const db of dbs) await db.drop();
  });

  it.each(commands)('%s exits non-zero with one line naming REDIS_URL, before touching the database', async (_, app, args) => {
    const closed = await freePort(); // nothing listens there
    const env = await freshEnv({ REDIS_URL: `redis://127.0.0.1:${closed}` });

    const child = children.app(app, args, env);
    const exit = await child.waitForExit(STARTUP_MS);

    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const lines = child.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`REDIS_URL=${env.REDIS_URL}`);
    expect(lines[0]).toMatch(/ECONNREFUSED/);
    expect(child.stdout).toBe('');
    // Not migrated, not created: nothing half-done.
    expect(await databaseTouched(env)).toBe(false);
  }, STARTUP_MS + 30_000);

  it.each(commands)('%s names each bad variable on its own line and exits non-zero', async (_, app, args) => {
    const env = await freshEnv({ PORT: 'abc', INGEST_CONCURRENCY: '0', REDIS_URL: 'localhost:6379' });

    const child = children.app(app, args, env);
    const exit = await child.waitForExit(STARTUP_MS);

    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const lines = child.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/Invalid configuration/);
    const problems = lines.slice(1);
    expect(problems).toHaveLength(3);
    expect(problems.find((l) => /^\s+- PORT: /.test(l))).toBeDefined();
    expect(problems.find((l) => /^\s+- INGEST_CONCURRENCY: .*>=\s*1/.test(l))).toBeDefined();
    expect(problems.find((l) => /^\s+- REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/.test(l))).toBeDefined();
    expect(child.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await databaseTouched(env)).toBe(false);
  }, STARTUP_MS + 30_000);
});

/**
 * Operator errors are one line (issue 13, point 6): a PostgreSQL database
 * that does not exist, or a server that refuses the connection, is named by
 * DATABASE_URL in one line and the process exits 1 — no ORM retries, no
 * stack trace unless LOG_LEVEL=debug. Runs on either database: the bad
 * DATABASE_URL is the test's own.
 */
describe('starting with the database unreachable', () => {
  const children = new Children();
  const dbs: TestDatabase[] = [];
  const admin = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

  const commands: [string, 'api' | 'worker' | 'crawler' | 'cli', string[]][] = [
    ['the API', 'api', []],
    ['the worker', 'worker', []],
    ['the crawler', 'crawler', []],
    ['the CLI migrate', 'cli', ['migrate']],
    ['the CLI report', 'cli', ['report', 'annual', '--org', 'daxiang', '--year', '2021', '--format', 'md']],
  ];

  async function envWith(databaseUrl: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const db = await createTestDatabase();
    dbs.push(db);
    return testEnv(db, { PORT: String(await freePort()), DATABASE_URL: databaseUrl, ...extra });
  }
  const missingDatabase = () => {
    const u = new URL(admin.toString());
    u.pathname = `/pl_missing_${Date.now().toString(36)}`;
    return u.toString();
  };
  const refused = async () => {
    const u = new URL(admin.toString());
    u.port = String(await freePort()); // nothing listens there
    return u.toString();
  };

  afterEach(async () => {
    await children.killAll();
  });
  afterAll(async () => {
    await children.killAll();
    for (const db of dbs) await db.drop();
  });

  it.each(commands)('%s: a database that does not exist is one line naming DATABASE_URL, exit 1', async (name, app, args) => {
    const url = missingDatabase();
    const env = await envWith(url);
    const started = Date.now();
    const child = children.app(app, args, env);
    const exit = await child.waitForExit(STARTUP_MS);
    // The time includes loading the app, which depends on the machine's load: printed, not asserted.
    console.log(`${name}: missing database reported in ${Date.now() - started} ms (exit ${exit.code})`);

    expect(exit.code).toBe(1);
    const lines = child.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`DATABASE_URL=${url}`);
    expect(lines[0]).toContain(`database "${new URL(url).pathname.slice(1)}" does not exist`);
    expect(child.stdout).toBe('');
  }, STARTUP_MS + 30_000);

  it.each(commands)('%s: a server that refuses the connection is one line naming DATABASE_URL, exit 1', async (name, app, args) => {
    const url = await refused();
    const env = await envWith(url);
    const started = Date.now();
    const child = children.app(app, args, env);
    const exit = await child.waitForExit(STARTUP_MS);
    console.log(`${name}: refused connection reported in ${Date.now() - started} ms (exit ${exit.code})`);

    expect(exit.code).toBe(1);
    const lines = child.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`DATABASE_URL=${url}`);
    expect(lines[0]).toMatch(/ECONNREFUSED/);
  }, STARTUP_MS + 30_000);

  it('gives the full trace with LOG_LEVEL=debug', async () => {
    const url = missingDatabase();
    const env = await envWith(url, { LOG_LEVEL: 'debug' });
    const child = children.app('worker', [], env);
    const exit = await child.waitForExit(STARTUP_MS);

    expect(exit.code).toBe(1);
    expect(child.stderr).toContain(`DATABASE_URL=${url}`);
    expect(child.stderr).toMatch(/\n\s+at /); // the stack
    expect(child.stderr).toContain('caused by: error: database'); // and the driver's error
  }, STARTUP_MS + 30_000);
});

/**
 * The CLI's report commands render in the process: they work while Redis is
 * down. A --template that is not a template is refused without quoting the
 * file, whatever file it was.
 */
describe('the CLI report without Redis, and a bad --template', () => {
  const children = new Children();
  let db: TestDatabase;
  let env: Record<string, string>;
  let tmp: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pl-cli-report-'));
    const seed = children.app('cli', ['seed'], env);
    expect((await seed.waitForExit(STARTUP_MS)).code).toBe(0);
  }, STARTUP_MS + 30_000);
  afterEach(async () => {
    await children.killAll();
  });
  afterAll(async () => {
    await children.killAll();
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the annual report with Redis unreachable', async () => {
    const out = path.join(tmp, 'no-redis');
    const closed = await freePort();
    const child = children.app('cli', ['report', 'annual', '--org', 'daxiang', '--year', '2021', '--format', 'md', '--out', out], {
      ...env,
      REDIS_URL: `redis://127.0.0.1:${closed}`,
    });
    const exit = await child.waitForExit(STARTUP_MS);

    expect(child.stderr).toBe('');
    expect(exit.code).toBe(0);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(child.stdout.trim()).toBe(path.join(out, files[0]));
    expect(readFileSync(path.join(out, files[0]), 'utf8')).toContain('2021');
  }, STARTUP_MS + 30_000);

  it.each([
    ['a text file that is not a template', 'db_password=hunter2-秘密\n'],
    ['JSON broken half-way', '{"title": "hunter2-秘密",\n  "sections": [}'],
  ])('refuses %s in one line that does not quote it, exit 2', async (_, content) => {
    const file = path.join(tmp, `template-${Date.now()}.json`);
    writeFileSync(file, content);
    const child = children.app('cli', ['report', 'annual', '--org', 'daxiang', '--year', '2021', '--template', file, '--out', tmp], env);
    const exit = await child.waitForExit(STARTUP_MS);

    expect(exit.code).toBe(2);
    const lines = child.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`placement-ledger: --template: invalid report template ${file}: line `);
    expect(child.stderr).not.toContain('hunter2');
    expect(child.stderr).not.toContain('秘密');
  }, STARTUP_MS + 30_000);
});
