import type IORedis from 'ioredis';
import { dropKeys, testRedis, uniqueKeyPrefix } from '../../../../test/fixtures/crawl/redis';
import { startFixtureServer, type FixtureServer } from '../../../../test/fixtures/crawl/server';
import { loadConfig } from '@pl/config';
import { FetchError, type FetcherOptions } from '../types';
import { DEFAULT_FETCHER_OPTIONS, Fetcher, type FetcherTuning } from './fetcher';
import { AllowList, assertAllowed, assertFetchableUrl, classifyAddress, createGuardedLookup, isForbiddenAddress } from './ssrf-guard';

const FORBIDDEN: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'metadata'],
  ['169.254.0.1', 'link-local'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['100.64.0.1', 'shared (CGNAT)'],
  ['100.127.255.255', 'shared (CGNAT)'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['192.0.0.8', 'ietf-protocol'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['::', 'unspecified'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:a9fe:a9fe', 'metadata'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::127.0.0.1', 'loopback'],
  ['::ffff:0:127.0.0.1', 'loopback'],
  ['64:ff9b::7f00:1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['64:ff9b:1::1', 'nat64-local'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:a9fe:a9fe::1', 'metadata'],
  ['2002:c0a8:0101::1', 'private'],
  ['2001:db8::1', 'documentation'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
  ['100::1', 'discard'],
  ['localhost', 'not-an-ip'],
  ['2130706433', 'not-an-ip'],
  ['0x7f.1', 'not-an-ip'],
  ['', 'not-an-ip'],
];

const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '172.15.255.255',
  '172.32.0.1',
  '192.169.0.1',
  '100.63.255.255',
  '100.128.0.1',
  '169.253.255.255',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2400:3200::1',
  '::ffff:8.8.8.8',
  '2002:0808:0808::1',
  '64:ff9b::808:808',
];

describe('SSRF guard: address classification', () => {
  it.each(FORBIDDEN)('refuses %s (%s)', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(PUBLIC)('lets public %s through', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe('SSRF guard: assertAllowed and the allow list', () => {
  const code = (fn: () => void): string | null => {
    try {
      fn();
      return null;
    } catch (err) {
      return err instanceof FetchError ? err.reason : String(err);
    }
  };

  it('allows exactly the listed host:port, as written in the URL', () => {
    const allow = ['127.0.0.1:8080'];
    expect(code(() => assertAllowed('http://127.0.0.1:8080/a', '127.0.0.1', allow))).toBeNull();
    expect(code(() => assertAllowed('http://127.0.0.1:8081/a', '127.0.0.1', allow))).toBe('forbidden-address');
    expect(code(() => assertAllowed('http://localhost:8080/a', '127.0.0.1', allow))).toBe('forbidden-address');
    expect(code(() => assertAllowed('https://127.0.0.1:8080/a', '127.0.0.1', allow))).toBeNull();
    expect(code(() => assertAllowed('http://example.org/', '93.184.216.34', allow))).toBeNull();
    expect(code(() => assertAllowed('http://example.org/', '10.1.2.3', allow))).toBe('forbidden-address');
  });

  it('defaults the port from the scheme and understands IPv6 entries', () => {
    expect(new AllowList(['intranet.test:80']).allowsUrl(new URL('http://intranet.test/x'))).toBe(true);
    expect(new AllowList(['intranet.test:80']).allowsUrl(new URL('https://intranet.test/x'))).toBe(false);
    expect(new AllowList(['intranet.test:443']).allowsUrl(new URL('https://intranet.test/x'))).toBe(true);
    expect(new AllowList(['INTRANET.test']).allowsUrl(new URL('https://intranet.test/x'))).toBe(true);
    expect(new AllowList(['[::1]:8080']).allowsUrl(new URL('http://[::1]:8080/'))).toBe(true);
    expect(new AllowList(['[::1]:8080']).allowsUrl(new URL('http://[::1]:8081/'))).toBe(false);
    expect(new AllowList([]).size).toBe(0);
  });

  it('refuses other schemes and URLs with credentials', () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/', 'gopher://127.0.0.1:6379/_INFO', 'data:text/html,hi', 'javascript:alert(1)', 'http://user:pw@example.org/', 'http://user@example.org/', 'not a url']) {
      expect(code(() => assertFetchableUrl(url))).toBe('bad-url');
    }
  });
});

describe('SSRF guard: the connect-time lookup', () => {
  type Result = { err: Error | null; address: unknown; family?: number };
  const lookup = (answers: Array<{ address: string; family: number }>, all: boolean): Promise<Result> =>
    new Promise((resolve) => {
      createGuardedLookup(async () => answers)('news.example', { all }, (err, address, family) => resolve({ err, address, family }));
    });

  it('hands public addresses to net.connect, one or all as asked', async () => {
    const answers = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];
    expect(await lookup(answers, true)).toEqual({ err: null, address: answers, family: undefined });
    expect(await lookup(answers, false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('refuses the name when any address is forbidden (no picking the good one)', async () => {
    const { err } = await lookup(
      [
        { address: '93.184.216.34', family: 4 },
        { address: '::ffff:169.254.169.254', family: 6 },
      ],
      true,
    );
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).reason).toBe('forbidden-address');
    expect((err as FetchError).message).toMatch(/metadata/);
  });
});

describe('SSRF guard: through the fetcher, after resolution, on every hop', () => {
  let server: FixtureServer;
  let redis: IORedis;
  let fetcher: Fetcher;
  const prefix = uniqueKeyPrefix();
  const tuning: FetcherTuning = { retryBaseDelayMs: 5 };
  const options = (over: Partial<FetcherOptions> = {}): FetcherOptions => ({
    ...DEFAULT_FETCHER_OPTIONS,
    allowHosts: [server.host],
    perHostDelayMs: 0,
    retries: 0,
    timeoutMs: 3000,
    ...over,
  });

  beforeAll(async () => {
    server = await startFixtureServer();
    redis = testRedis();
    fetcher = new Fetcher(options(), redis, prefix, tuning);
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
    await dropKeys(redis, prefix);
    redis.disconnect();
  });
  beforeEach(() => server.hits.reset());

  async function reason(url: string, f: Fetcher = fetcher): Promise<string> {
    try {
      const page = await f.fetch(url);
      return `fetched ${page.status}`;
    } catch (err) {
      return err instanceof FetchError ? err.reason : `other: ${String(err)}`;
    }
  }

  it('refuses loopback, private and metadata hosts in every spelling, without a request', async () => {
    const port = server.port;
    const urls = [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0x7f000001/',
      'http://0x7f.0x0.0x0.0x1/',
      'http://017700000001/',
      'http://0177.0.0.1/',
      'http://127.000.000.001/',
      'http://127.1/',
      'http://0/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[0:0:0:0:0:ffff:127.0.0.1]/',
      'http://[::127.0.0.1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/',
      'http://10.0.0.1/',
      'http://192.168.0.1/',
      'http://172.16.0.1/',
      'http://100.64.0.1/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://[2002:7f00:1::]/',
      'http://localhost/',
      'http://LOCALHOST/',
      // The fixture server itself, reachable, but not by the allowed host:port:
      `http://localhost:${port}/status/200`,
      `http://127.0.0.2:${port}/status/200`,
      `http://127.1:${port + 1}/status/200`,
      `http://[::1]:${port}/status/200`,
      `http://[::ffff:127.0.0.1]:${port}/status/200`,
    ];
    const results = await Promise.all(urls.map(async (u) => [u, await reason(u)]));
    expect(results).toEqual(urls.map((u) => [u, 'forbidden-address']));
    expect(server.hits.all()).toEqual([]);
  });

  it('lets exactly the allowed fixture through', async () => {
    const page = await fetcher.fetch(`${server.url}/status/200`);
    expect(page.status).toBe(200);
    expect(page.text).toBe('status 200');
    expect(server.hits.count('/status/200')).toBe(1);
    // WHATWG URL parsing turns 2130706433 into 127.0.0.1: the same allowed host:port.
    expect((await fetcher.fetch(`http://2130706433:${server.port}/status/200`)).finalUrl).toBe(`${server.url}/status/200`);
  });

  it('refuses the fixture too when the allow list is empty', async () => {
    const closed = new Fetcher(options({ allowHosts: [] }), redis, prefix, tuning);
    try {
      expect(await reason(`${server.url}/status/200`, closed)).toBe('forbidden-address');
      expect(server.hits.all()).toEqual([]);
    } finally {
      await closed.close();
    }
  });

  it('refuses a redirect to the metadata service', async () => {
    const err = await fetcher.fetch(`${server.url}/to-metadata`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({ reason: 'forbidden-address', url: 'http://169.254.169.254/latest/meta-data/' });
    expect(server.hits.count('/to-metadata')).toBe(1);
  });

  it('refuses redirects to private addresses, to the fixture by another name, to other schemes and to credentials', async () => {
    expect(await reason(`${server.url}/to-private`)).toBe('forbidden-address');
    expect(await reason(`${server.url}/to-localhost`)).toBe('forbidden-address');
    expect(await reason(`${server.url}/redirect?to=${encodeURIComponent(`http://[::ffff:7f00:1]:${server.port}/status/200`)}`)).toBe('forbidden-address');
    expect(await reason(`${server.url}/redirect?to=${encodeURIComponent(`http://2130706434:${server.port}/status/200`)}`)).toBe('forbidden-address');
    expect(await reason(`${server.url}/to-file`)).toBe('bad-url');
    expect(await reason(`${server.url}/to-credentials`)).toBe('bad-url');
    // None of the refused targets was requested, though some point at this very server.
    expect(server.hits.count('/status/200')).toBe(0);
    expect(server.hits.count('/to-private')).toBe(1);
  });

  it('checks names after resolution: a name resolving to loopback is refused at connect time', async () => {
    const rebinding = new Fetcher(options(), redis, prefix, {
      ...tuning,
      resolver: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    try {
      expect(await reason(`http://innocent.example:${server.port}/status/200`, rebinding)).toBe('forbidden-address');
      expect(server.hits.all()).toEqual([]);
    } finally {
      await rebinding.close();
    }
  });
});

describe('CRAWLER_ALLOW_HOSTS with an IPv6 entry', () => {
  let server: FixtureServer;
  let redis: IORedis;
  const prefix = uniqueKeyPrefix();

  beforeAll(async () => {
    server = await startFixtureServer({ listenHost: '::1' });
    redis = testRedis();
  });
  afterAll(async () => {
    await server.close();
    await dropKeys(redis, prefix);
    redis.disconnect();
  });

  it('accepts [::1]:port beside other entries, and the fetcher it configures reaches exactly that server', async () => {
    expect(server.host).toBe(`[::1]:${server.port}`);
    const config = loadConfig({ CRAWLER_ALLOW_HOSTS: `127.0.0.2:8080, ${server.host}` });
    expect(config.crawler.allowHosts).toEqual(['127.0.0.2:8080', server.host]);
    const fetcher = new Fetcher({ ...DEFAULT_FETCHER_OPTIONS, allowHosts: config.crawler.allowHosts, perHostDelayMs: 0, retries: 0 }, redis, prefix);
    const elsewhere = new Fetcher({ ...DEFAULT_FETCHER_OPTIONS, allowHosts: ['[::1]:1'], perHostDelayMs: 0, retries: 0 }, redis, prefix);
    try {
      const page = await fetcher.fetch(`${server.url}/status/200`);
      expect(page.status).toBe(200);
      await expect(elsewhere.fetch(`${server.url}/status/200`)).rejects.toMatchObject({ reason: 'forbidden-address' });
      expect(server.hits.count('/status/200')).toBe(1);
    } finally {
      await fetcher.close();
      await elsewhere.close();
    }
  });

  it('refuses malformed entries, naming the variable', () => {
    for (const bad of ['::1:8080', '[::1]', '[::1]:port', 'example.org']) {
      expect(() => loadConfig({ CRAWLER_ALLOW_HOSTS: bad })).toThrow(/CRAWLER_ALLOW_HOSTS/);
    }
  });
});
