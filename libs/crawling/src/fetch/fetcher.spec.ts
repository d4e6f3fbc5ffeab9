import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type IORedis from 'ioredis';
import { dropKeys, testRedis, uniqueKeyPrefix } from '../../../../test/fixtures/crawl/redis';
import { startFixtureServer, type FixtureServer } from '../../../../test/fixtures/crawl/server';
import { FetchError, type FetcherOptions } from '../types';
import { DEFAULT_FETCHER_OPTIONS, DEFAULT_USER_AGENT, Fetcher, requireOk, type FetcherTuning } from './fetcher';

const ARTICLE = '<html><head><meta charset="utf-8"><title>大祥区融媒体中心：新闻发布会</title></head><body><h1>新闻</h1><p>正文。</p></body></html>';
const GBK_ARTICLE = Buffer.concat([
  Buffer.from('<html><head><title>', 'latin1'),
  Buffer.from([0xb4, 0xf3, 0xcf, 0xe9, 0xc7, 0xf8]), // 大祥区
  Buffer.from('</title></head></html>', 'latin1'),
]);
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('Fetcher', () => {
  let server: FixtureServer;
  let redis: IORedis;
  const prefix = uniqueKeyPrefix();
  const fetchers: Fetcher[] = [];
  const tuning: FetcherTuning = { retryBaseDelayMs: 5, retryMaxDelayMs: 50 };

  function fetcher(over: Partial<FetcherOptions> = {}): Fetcher {
    const f = new Fetcher(
      { ...DEFAULT_FETCHER_OPTIONS, allowHosts: [server.host], perHostDelayMs: 0, retries: 2, timeoutMs: 3000, ...over },
      redis,
      prefix,
      tuning,
    );
    fetchers.push(f);
    return f;
  }

  async function failure(p: Promise<unknown>): Promise<FetchError> {
    const result = await p.then(
      (v) => v,
      (e: unknown) => e,
    );
    if (!(result instanceof FetchError)) throw new Error(`expected a FetchError, got ${String(result)}`);
    return result;
  }

  beforeAll(async () => {
    server = await startFixtureServer({
      files: {
        '/news/article.html': { body: ARTICLE },
        '/news/gbk.html': { body: GBK_ARTICLE, headers: { 'Content-Type': 'text/html; charset=gbk' } },
      },
    });
    redis = testRedis();
  });
  afterAll(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    await server.close();
    await dropKeys(redis, prefix);
    redis.disconnect();
  });
  beforeEach(() => server.hits.reset());

  it('fetches a page: status, headers, decoded text, sha256 of the body, product User-Agent', async () => {
    const url = `${server.url}/news/article.html`;
    const page = await fetcher().fetch(url);
    expect(page).toMatchObject({ requestedUrl: url, finalUrl: url, status: 200, encoding: 'utf-8', text: ARTICLE, redirects: [] });
    expect(page.body.equals(Buffer.from(ARTICLE))).toBe(true);
    expect(page.sha256).toBe(sha256(ARTICLE));
    expect(page.headers['content-type']).toBe('text/html');
    expect(new Date(page.fetchedAt).toISOString()).toBe(page.fetchedAt);
    const [hit] = server.hits.forPath('/news/article.html');
    expect(hit.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(hit.headers['user-agent']).toMatch(/^PlacementLedger\//);
    expect(hit.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('decodes a GBK page from its bytes', async () => {
    const page = await fetcher().fetch(`${server.url}/news/gbk.html`);
    expect(page.encoding).toBe('gb18030');
    expect(page.text).toBe('<html><head><title>大祥区</title></head></html>');
    expect(page.sha256).toBe(sha256(GBK_ARTICLE));
  });

  it.each(['gzip', 'deflate', 'deflate-raw', 'br'])('decompresses %s; the sha256 is of the decompressed body', async (coding) => {
    const page = await fetcher().fetch(`${server.url}/${coding}/news/article.html`);
    expect(page.headers['content-encoding']).toBe(coding === 'deflate-raw' ? 'deflate' : coding);
    expect(page.text).toBe(ARTICLE);
    expect(page.sha256).toBe(sha256(ARTICLE));
  });

  it('retries a 503 and returns the page that finally succeeds', async () => {
    const page = await fetcher({ retries: 2 }).fetch(`${server.url}/flaky?fail=2&key=retry-ok`);
    expect(page.status).toBe(200);
    expect(page.text).toBe('ok after 2 failures');
    expect(server.hits.count('/flaky')).toBe(3);
  });

  it('returns the last 5xx page when the retries run out', async () => {
    const page = await fetcher({ retries: 2 }).fetch(`${server.url}/flaky?fail=10&key=retry-out`);
    expect(page.status).toBe(503);
    expect(server.hits.count('/flaky')).toBe(3);
    expect(() => requireOk(page)).toThrow(expect.objectContaining({ reason: 'http', status: 503 }));
  });

  it.each([404, 410, 403, 400])('does not retry a %i; returns it as a page (link gone is the caller’s call)', async (code) => {
    const page = await fetcher({ retries: 3 }).fetch(`${server.url}/status/${code}`);
    expect(page.status).toBe(code);
    expect(server.hits.count(`/status/${code}`)).toBe(1);
  });

  it('gives up on a slow response after the timeout, retrying timeouts', async () => {
    const err = await failure(fetcher({ timeoutMs: 300, retries: 1 }).fetch(`${server.url}/slow?ms=5000`));
    expect(err.reason).toBe('timeout');
    expect(server.hits.count('/slow')).toBe(2);
  });

  it('times out the whole request, body included', async () => {
    const err = await failure(fetcher({ timeoutMs: 300, retries: 0 }).fetch(`${server.url}/slow?ms=5000&phase=body`));
    expect(err.reason).toBe('timeout');
    expect(server.hits.count('/slow')).toBe(1);
  });

  it('refuses bodies over the cap — declared, streamed or decompressed — without retrying', async () => {
    const f = fetcher({ maxBodyBytes: 100_000 });
    expect((await failure(f.fetch(`${server.url}/big?bytes=200000`))).reason).toBe('too-large');
    expect((await failure(f.fetch(`${server.url}/big?bytes=5000000&chunked=1`))).reason).toBe('too-large');
    expect((await failure(f.fetch(`${server.url}/gzip-bomb?bytes=5000000`))).reason).toBe('too-large');
    expect(server.hits.count('/big')).toBe(2);
    expect(server.hits.count('/gzip-bomb')).toBe(1);
    const exact = await f.fetch(`${server.url}/big?bytes=100000&chunked=1`);
    expect(exact.body.length).toBe(100_000);
  });

  it('follows redirects up to the limit, resolving relative Locations, and records them', async () => {
    const f = fetcher({ maxRedirects: 3 });
    const page = await f.fetch(`${server.url}/redirect?n=3&code=301`);
    expect(page.status).toBe(200);
    expect(page.finalUrl).toBe(`${server.url}/status/200`);
    expect(page.redirects).toEqual([
      `${server.url}/redirect?n=3&code=301`,
      `${server.url}/redirect?n=2&code=301`,
      `${server.url}/redirect?n=1&code=301`,
    ]);
    for (const code of [302, 303, 307, 308]) {
      expect((await f.fetch(`${server.url}/redirect?n=1&code=${code}&to=%2Fnews%2Farticle.html`)).text).toBe(ARTICLE);
    }
  });

  it('stops after too many redirects', async () => {
    const err = await failure(fetcher({ maxRedirects: 3 }).fetch(`${server.url}/redirect?n=4`));
    expect(err.reason).toBe('too-many-redirects');
    expect(server.hits.count('/redirect')).toBe(4);
    expect(server.hits.count('/status/200')).toBe(0);
  });

  it('checks robots.txt on every redirect hop', async () => {
    const err = await failure(fetcher().fetch(`${server.url}/redirect?to=%2Fprivate%2Fsecret.html`));
    expect(err.reason).toBe('robots');
    expect(err.url).toBe(`${server.url}/private/secret.html`);
    expect(server.hits.count('/private/secret.html')).toBe(0);
  });

  it('reports a refused connection as a network failure after retrying', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const f = fetcher({ allowHosts: [`127.0.0.1:${port}`], retries: 1, obeyRobots: false });
    const err = await failure(f.fetch(`http://127.0.0.1:${port}/`));
    expect(err.reason).toBe('network');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses what is not a URL', async () => {
    expect((await failure(fetcher().fetch('not a url'))).reason).toBe('bad-url');
    expect((await failure(fetcher().fetch('mailto:editor@example.org'))).reason).toBe('bad-url');
  });
});
