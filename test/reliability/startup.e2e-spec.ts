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
