import type IORedis from 'ioredis';
import { dropKeys, testRedis, uniqueKeyPrefix } from '../../../../test/fixtures/crawl/redis';
import { startFixtureServer, type FixtureServer } from '../../../../test/fixtures/crawl/server';
import { FetchError, type FetcherOptions } from '../types';
import { DEFAULT_FETCHER_OPTIONS, Fetcher, type FetcherTuning } from './fetcher';
import { RobotsCache } from './robots';

describe('robots.txt through the fetcher', () => {
  let server: FixtureServer;
  let redis: IORedis;
  const prefix = uniqueKeyPrefix();
  const fetchers: Fetcher[] = [];

  function fetcher(over: Partial<FetcherOptions> = {}, tuning: FetcherTuning = {}): Fetcher {
    const f = new Fetcher(
      { ...DEFAULT_FETCHER_OPTIONS, allowHosts: [server.host], perHostDelayMs: 0, retries: 0, timeoutMs: 3000, ...over },
      redis,
      prefix,
      { retryBaseDelayMs: 5, ...tuning },
    );
    fetchers.push(f);
    return f;
  }

  async function reason(p: Promise<unknown>): Promise<string> {
    return p.then(
      () => 'fetched',
      (e: unknown) => (e instanceof FetchError ? e.reason : `other: ${String(e)}`),
    );
  }

  beforeAll(async () => {
    server = await startFixtureServer();
    redis = testRedis();
  });
  afterAll(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    await server.close();
    await dropKeys(redis, prefix);
    redis.disconnect();
  });
  beforeEach(() => {
    server.hits.reset();
    server.setRobots('User-agent: *\nDisallow: /private/\n');
  });

  it('refuses a disallowed path without requesting it, and asks for robots.txt once per origin', async () => {
    const f = fetcher();
    expect(await reason(f.fetch(`${server.url}/private/report.html`))).toBe('robots');
    expect(await reason(f.fetch(`${server.url}/status/200`))).toBe('fetched');
    expect(await reason(f.fetch(`${server.url}/status/201`))).toBe('fetched');
    expect(await reason(f.fetch(`${server.url}/private/other.html`))).toBe('robots');
    expect(server.hits.count('/private/report.html')).toBe(0);
    expect(server.hits.count('/private/other.html')).toBe(0);
    expect(server.hits.count('/robots.txt')).toBe(1);
  });

  it('asks once even when several fetches start together', async () => {
    const f = fetcher();
    await Promise.all([1, 2, 3, 4].map((i) => f.fetch(`${server.url}/status/20${i}`)));
    expect(server.hits.count('/robots.txt')).toBe(1);
  });

  it('follows the group for our product token over *', async () => {
    server.setRobots('User-agent: PlacementLedger\nDisallow: /news/\n\nUser-agent: *\nDisallow: /\n');
    const f = fetcher();
    expect(await reason(f.fetch(`${server.url}/news/1.html`))).toBe('robots');
    expect(await reason(f.fetch(`${server.url}/status/200`))).toBe('fetched');
  });

  it('obeys no robots.txt when told not to (tests of the guard only)', async () => {
    server.setRobots('User-agent: *\nDisallow: /\n');
    expect(await reason(fetcher({ obeyRobots: false }).fetch(`${server.url}/status/200`))).toBe('fetched');
    expect(server.hits.count('/robots.txt')).toBe(0);
  });

  it('allows everything when robots.txt is missing (4xx)', async () => {
    server.setRobots(null);
    const f = fetcher();
    expect(await reason(f.fetch(`${server.url}/private/page.html`))).toBe('fetched');
    expect(server.hits.count('/private/page.html')).toBe(1);
    server.setRobots({ status: 403 });
    expect(await reason(fetcher().fetch(`${server.url}/private/page.html`))).toBe('fetched');
  });

  it('disallows everything while robots.txt fails with 5xx, for a short while only', async () => {
    server.setRobots({ status: 503, body: 'down' });
    const f = fetcher({ retries: 1 }, { robots: { errorTtlMs: 300 } });
    expect(await reason(f.fetch(`${server.url}/status/200`))).toBe('robots');
    expect(server.hits.count('/robots.txt')).toBe(2); // retried like any 5xx
    expect(server.hits.count('/status/200')).toBe(0);
    expect(await reason(f.fetch(`${server.url}/status/200`))).toBe('robots'); // cached failure
    expect(server.hits.count('/robots.txt')).toBe(2);

    server.setRobots('User-agent: *\nDisallow: /private/\n');
    await new Promise((r) => setTimeout(r, 350));
    expect(await reason(f.fetch(`${server.url}/status/200`))).toBe('fetched');
    expect(server.hits.count('/robots.txt')).toBe(3);
  });

  it('honours Crawl-delay as the minimum delay between requests to the host', async () => {
    server.setRobots('User-agent: *\nCrawl-delay: 0.4\nDisallow: /private/\n');
    const f = fetcher({ perHostDelayMs: 0 });
    await f.fetch(`${server.url}/status/200`);
    await f.fetch(`${server.url}/status/201`);
    const [robots] = server.hits.forPath('/robots.txt');
    const [first] = server.hits.forPath('/status/200');
    const [second] = server.hits.forPath('/status/201');
    expect(robots).toBeDefined();
    expect(first.receivedAt - (robots.finishedAt as number)).toBeGreaterThanOrEqual(0); // robots.txt came first
    expect(second.receivedAt - (first.finishedAt as number)).toBeGreaterThanOrEqual(398);
  });
});

describe('RobotsCache', () => {
  it('keeps robots.txt for the TTL, then asks again', async () => {
    let clock = 1_000_000;
    const asked: string[] = [];
    const cache = new RobotsCache(
      async (url) => {
        asked.push(url);
        return { status: 200, text: 'User-agent: *\nDisallow: /secret\n' };
      },
      { ttlMs: 60_000, now: () => clock },
    );
    expect(await cache.isAllowed('https://news.example/a', 'PlacementLedger/0.1')).toBe(true);
    expect(await cache.isAllowed('https://news.example/secret/b', 'PlacementLedger/0.1')).toBe(false);
    expect(await cache.isAllowed('https://news.example/robots.txt', 'PlacementLedger/0.1')).toBe(true);
    clock += 59_000;
    await cache.isAllowed('https://news.example/c', 'PlacementLedger/0.1');
    expect(asked).toEqual(['https://news.example/robots.txt']);
    clock += 2_000;
    await cache.isAllowed('https://news.example/c', 'PlacementLedger/0.1');
    await cache.isAllowed('http://other.example:8080/c', 'PlacementLedger/0.1');
    expect(asked).toEqual(['https://news.example/robots.txt', 'https://news.example/robots.txt', 'http://other.example:8080/robots.txt']);
  });

  it('keeps a cached copy in force when a refresh fails, and reports the crawl delay', async () => {
    let clock = 0;
    let up = true;
    const cache = new RobotsCache(
      async () => {
        if (!up) throw new FetchError('network', 'ECONNRESET', 'x');
        return { status: 200, text: 'User-agent: *\nCrawl-delay: 5\nDisallow: /secret\n' };
      },
      { ttlMs: 1_000, errorTtlMs: 100, now: () => clock },
    );
    expect(await cache.isAllowed('https://news.example/a', 'PlacementLedger')).toBe(true);
    expect(cache.crawlDelayMs('https://news.example/a', 'PlacementLedger')).toBe(5_000);
    up = false;
    clock += 2_000;
    expect(await cache.isAllowed('https://news.example/a', 'PlacementLedger')).toBe(true);
    expect(await cache.isAllowed('https://news.example/secret', 'PlacementLedger')).toBe(false);
  });

  it('treats a robots.txt redirected to a forbidden address as unavailable', async () => {
    const cache = new RobotsCache(async () => {
      throw new FetchError('forbidden-address', 'no', 'http://169.254.169.254/robots.txt');
    });
    expect(await cache.isAllowed('http://news.example/a', 'PlacementLedger')).toBe(true);
    expect((await cache.rulesFor('http://news.example/')).kind).toBe('allow-all');
  });

  it('does not turn a forbidden address into a robots verdict', async () => {
    const cache = new RobotsCache(async (url) => {
      throw new FetchError('forbidden-address', 'no', url);
    });
    await expect(cache.isAllowed('http://intranet.example/', 'PlacementLedger')).rejects.toMatchObject({ reason: 'forbidden-address' });
  });
});
