import { createTestDatabase, TestDatabase, testEnv } from '../support/harness';
import { Child, Children, freePort } from '../support/processes';

const STARTUP_MS = 90_000;

interface LogLine {
  level: string;
  time: string;
  msg?: string;
  context?: string;
  req?: { id?: unknown; method?: string; url?: string };
  res?: { statusCode?: number };
}

/** Every stderr line as JSON (a line that is not JSON fails the test). */
function lines(child: Child): LogLine[] {
  return child.stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${l}`);
      }
    });
}

/**
 * The API's logs: one JSON line each on stderr (time, level as a word,
 * context, message), nothing on stdout; a line per request only with
 * LOG_REQUESTS=true, carrying the request's id; a bad LOG_REQUESTS stops the
 * start, naming it, before anything is logged.
 */
describe('JSON logs (nestjs-pino)', () => {
  const children = new Children();
  const dbs: TestDatabase[] = [];

  async function startApi(extra: Record<string, string>): Promise<{ child: Child; port: number }> {
    const db = await createTestDatabase();
    dbs.push(db);
    const port = await freePort();
    const child = children.app('api', [], testEnv(db, { PORT: String(port), LOG_LEVEL: 'log', ...extra }));
    await child.waitForOutput(/Placement Ledger API on/, STARTUP_MS);
    return { child, port };
  }

  afterAll(async () => {
    await children.killAll();
    for (const db of dbs) await db.drop();
  });

  it('writes JSON lines on stderr only, and no line per request by default', async () => {
    const { child, port } = await startApi({});
    for (let i = 0; i < 3; i++) expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/orgs`)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));

    expect(child.stdout).toBe('');
    const logged = lines(child);
    const ready = logged.find((l) => l.msg?.startsWith('Placement Ledger API on'));
    expect(ready).toMatchObject({ level: 'info', context: 'Main' });
    expect(Number.isNaN(Date.parse(ready!.time))).toBe(false);
    expect(logged.filter((l) => l.req !== undefined || l.res !== undefined)).toEqual([]);
  }, STARTUP_MS + 30_000);

  it('with LOG_REQUESTS=true logs each request, a refused one too, with its id, method, URL and status', async () => {
    const { child, port } = await startApi({ LOG_REQUESTS: 'true' });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/orgs`)).status).toBe(401);
    const deadline = Date.now() + 10_000;
    const requestLines = () => lines(child).filter((l) => l.req !== undefined && l.res !== undefined);
    while (requestLines().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    expect(child.stdout).toBe('');
    const logged = requestLines();
    expect(logged.map((l) => [l.req!.method, l.req!.url, l.res!.statusCode])).toEqual([
      ['GET', '/health', 200],
      ['GET', '/api/orgs', 401],
    ]);
    const ids = logged.map((l) => l.req!.id);
    for (const id of ids) expect(id).toBeDefined();
    expect(new Set(ids).size).toBe(2);
  }, STARTUP_MS + 30_000);

  it('refuses to start with a LOG_REQUESTS that is not true or false, naming it', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const child = children.app('api', [], testEnv(db, { PORT: String(await freePort()), LOG_REQUESTS: 'yes' }));
    const exit = await child.waitForExit(STARTUP_MS);
    expect(exit.code).toBe(1);
    expect(child.stderr.trimEnd().split('\n')).toEqual(['placement-ledger: Invalid configuration:', expect.stringMatching(/^\s+- LOG_REQUESTS: .*"true"\|"false"/)]);
    expect(child.stdout).toBe('');
  }, STARTUP_MS + 30_000);
});
