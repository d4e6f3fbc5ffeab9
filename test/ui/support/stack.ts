import { ChildProcess, execFile, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createBenchDatabase, deleteQueueKeys, REDIS_URL, runTag } from '../../bench/support';
import { FixtureServer, startFixtureServer } from '../../fixtures/crawl/server';

/**
 * The app the browser tests drive: a database of its own with the demo data
 * (`demo --no-reports`, as `npm run demo` loads it), the API with its workers
 * and crawler in one process (`npm start`'s dist/apps/api/src/main.js
 * --with-worker) on a free loopback port, the real Redis under a queue prefix
 * of its own, and the crawl fixture server on loopback, which the crawler may
 * fetch (CRAWLER_ALLOW_HOSTS).
 */
export interface Stack {
  baseUrl: string;
  fixtureUrl: string;
  /** The administrator the tests act as (signed in for the pages, its token for fixtures). */
  admin: { username: string; password: string; token: string };
  env: Record<string, string>;
  stop(): Promise<void>;
}

const repoDir = path.resolve(__dirname, '..', '..', '..');

/** The demo users' password here (daxiang-editor, daxiang-viewer). */
export const DEMO_USERS_PASSWORD = 'ui-demo-password';
const ADMIN = { username: 'ui-admin', password: 'ui-admin-password' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, api: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (api.exitCode !== null) throw new Error(`the API exited (${api.exitCode}):\n${output()}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the API did not answer /health within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startStack(): Promise<Stack> {
  const tag = runTag();
  const db = await createBenchDatabase(tag, 'ui');
  const fixtures: FixtureServer = await startFixtureServer();
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'test',
    REDIS_URL,
    QUEUE_PREFIX: `plui-${tag}`,
    LOG_LEVEL: 'warn',
    CRAWLER_SYNC_SCHEDULES: 'false',
    CRAWLER_ALLOW_HOSTS: fixtures.host,
    CRAWLER_HOST_DELAY_MS: '0',
    CRAWLER_RETRIES: '0',
    PORT: String(port),
    // The demo's editor and viewer get this password (npm run demo prints a random one otherwise).
    DEMO_PASSWORD: DEMO_USERS_PASSWORD,
    ...db.env,
  };
  let api: ChildProcess | null = null;
  const stop = async () => {
    if (api && api.exitCode === null) {
      const gone = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      if (api.exitCode === null) api.kill('SIGKILL');
    }
    await fixtures.close();
    await deleteQueueKeys([env.QUEUE_PREFIX]);
    await db.drop();
  };
  try {
    const cli = path.join(repoDir, 'dist', 'apps', 'cli', 'src', 'main.js');
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { cwd: repoDir, env, timeout: 300_000 });
    await run('demo', '--no-reports');
    await run('users', 'add', ADMIN.username, '--role', 'admin', '--password', ADMIN.password);
    const token = (await run('tokens', 'add', 'ui-fixtures', '--user', ADMIN.username)).stdout.trimEnd().split('\n').pop()!;
    let output = '';
    api = spawn(process.execPath, ['--max-semi-space-size=64', path.join(repoDir, 'dist', 'apps', 'api', 'src', 'main.js'), '--with-worker'], {
      cwd: repoDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout?.setEncoding('utf8').on('data', (s: string) => (output += s));
    api.stderr?.setEncoding('utf8').on('data', (s: string) => (output += s));
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, api, () => output);
    return { baseUrl, fixtureUrl: fixtures.url, admin: { ...ADMIN, token }, env, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
