import { dropKeys, testRedis, uniqueKeyPrefix } from '../../../../test/fixtures/crawl/redis';
import { startFixtureServer, type FixtureServer } from '../../../../test/fixtures/crawl/server';
import { DEFAULT_FETCHER_OPTIONS, Fetcher } from './fetcher';
import { HostBusyError, HostPoliteness } from './politeness';

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Timer and clock rounding between Node and Redis (both on this machine). */
const SLACK_MS = 3;

interface Span {
  name: string;
  start: number;
  end: number;
}

describe('HostPoliteness (real Redis)', () => {
  const redisA = testRedis();
  const redisB = testRedis(); // a second "process"
  const prefix = uniqueKeyPrefix();

  afterAll(async () => {
    await dropKeys(redisA, prefix);
    redisA.disconnect();
    redisB.disconnect();
  });

  async function run(p: HostPoliteness, host: string, name: string, spans: Span[], workMs: number, minDelayMs?: number): Promise<void> {
    await p.withHost(
      host,
      async () => {
        const start = now();
        await sleep(workMs);
        spans.push({ name, start, end: now() });
      },
      { minDelayMs },
    );
  }

  it('runs one holder at a time per host across processes, with the minimum delay between them', async () => {
    const a = new HostPoliteness(redisA, { keyPrefix: prefix, minDelayMs: 120 });
    const b = new HostPoliteness(redisB, { keyPrefix: prefix, minDelayMs: 120 });
    const spans: Span[] = [];
    await Promise.all([
      run(a, 'news.example', 'a1', spans, 30),
      run(b, 'news.example', 'b1', spans, 30),
      run(a, 'news.example', 'a2', spans, 30),
      run(b, 'NEWS.example', 'b2', spans, 30),
    ]);
    expect(spans).toHaveLength(4);
    spans.sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i].start - spans[i - 1].end).toBeGreaterThanOrEqual(120 - SLACK_MS);
    }
  });

  it('lets different hosts proceed at the same time', async () => {
    const p = new HostPoliteness(redisA, { keyPrefix: prefix, minDelayMs: 500 });
    const spans: Span[] = [];
    await Promise.all([run(p, 'one.example', 'one', spans, 100), run(p, 'two.example', 'two', spans, 100)]);
    const [x, y] = spans.sort((s, t) => s.start - t.start);
    expect(y.start).toBeLessThan(x.end); // overlapping
  });

  it('leaves a cool-down of the minimum delay on the host after release', async () => {
    const p = new HostPoliteness(redisA, { keyPrefix: prefix, minDelayMs: 1_000 });
    await p.withHost('cool.example', async () => undefined);
    const ttl = await redisA.pttl(p.keyFor('cool.example'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
    await p.withHost('zero.example', async () => undefined, { minDelayMs: 0 });
    expect(await redisA.exists(p.keyFor('zero.example'))).toBe(0);
  });

  it('takes the host over once a dead holder’s lock expires', async () => {
    const p = new HostPoliteness(redisA, { keyPrefix: prefix, minDelayMs: 0, pollMs: 20 });
    const key = p.keyFor('crashed.example');
    const lockedAt = now();
    await redisB.set(key, 'token-of-a-killed-process', 'PX', 250); // it never releases
    let ranAt = 0;
    const result = await p.withHost('crashed.example', async () => {
      ranAt = now();
      return 'ran';
    });
    expect(result).toBe('ran');
    expect(ranAt - lockedAt).toBeGreaterThanOrEqual(250 - SLACK_MS);
  });

  it('gives a key without expiry a TTL instead of waiting forever', async () => {
    const p = new HostPoliteness(redisA, { keyPrefix: prefix, minDelayMs: 0, lockTtlMs: 200, pollMs: 20 });
    await redisB.set(p.keyFor('stuck.example'), 'no-ttl');
    expect(await p.withHost('stuck.example', async () => 'ran')).toBe('ran');
  });

  it('releases the host when the work fails', async () => {
    const p = new HostPoliteness(redisA, { keyPrefix: prefix, minDelayMs: 0 });
    await expect(p.withHost('failing.example', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await redisA.exists(p.keyFor('failing.example'))).toBe(0);
  });

  it('gives up after maxWaitMs when asked to', async () => {
    const p = new HostPoliteness(redisA, { keyPrefix: prefix, minDelayMs: 0, maxWaitMs: 100, pollMs: 20 });
    await redisB.set(p.keyFor('busy.example'), 'someone-else', 'PX', 5_000);
    await expect(p.withHost('busy.example', async () => 'ran')).rejects.toBeInstanceOf(HostBusyError);
  });
});

describe('Fetcher politeness against the fixture server', () => {
  let server: FixtureServer;
  const redisA = testRedis();
  const redisB = testRedis();
  const prefix = uniqueKeyPrefix();
  const fetchers: Fetcher[] = [];

  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    await server.close();
    await dropKeys(redisA, prefix);
    redisA.disconnect();
    redisB.disconnect();
  });

  it('serialises two concurrent fetches to one host (two processes) with the minimum delay between them', async () => {
    const options = { ...DEFAULT_FETCHER_OPTIONS, allowHosts: [server.host], perHostDelayMs: 300, retries: 0, timeoutMs: 5_000 };
    const one = new Fetcher(options, redisA, prefix);
    const two = new Fetcher(options, redisB, prefix);
    fetchers.push(one, two);
    const pages = await Promise.all([one.fetch(`${server.url}/slow?ms=100`), two.fetch(`${server.url}/slow?ms=100&second`)]);
    expect(pages.map((p) => p.status)).toEqual([200, 200]);

    // The server's log: robots.txt (each process asks once), then the two pages,
    // never two requests at once, each at least 300 ms after the previous one finished.
    const log = server.hits.all().sort((x, y) => x.receivedAt - y.receivedAt);
    expect(log.filter((h) => h.path === '/slow')).toHaveLength(2);
    for (let i = 1; i < log.length; i++) {
      expect(log[i].receivedAt - (log[i - 1].finishedAt as number)).toBeGreaterThanOrEqual(300 - SLACK_MS);
    }
  });
});
