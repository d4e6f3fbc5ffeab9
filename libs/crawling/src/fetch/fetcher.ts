import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import type IORedis from 'ioredis';
import { request, type Agent } from 'undici';
import { decodeText } from '@pl/domain';
import { FetchError, type FetchedPage, type FetcherOptions } from '../types';
import { HostPoliteness } from './politeness';
import { RobotsCache, type RobotsCacheOptions, type RobotsResponse } from './robots';
import { AllowList, assertFetchableUrl, assertHostNotForbiddenLiteral, createGuardedAgent, type Resolver } from './ssrf-guard';

/**
 * The crawler's HTTP client. `fetch(url)`:
 *  - refuses non-http(s) URLs and URLs with credentials ('bad-url'), and
 *    addresses the SSRF guard forbids ('forbidden-address'), on every hop;
 *  - obeys robots.txt (cached per origin) on every hop ('robots');
 *  - holds the host (Redis, shared by all crawler processes) for each
 *    request, with at least `perHostDelayMs` — or robots.txt's Crawl-delay
 *    when larger — between two requests to a host;
 *  - follows up to `maxRedirects` redirects by hand, resolving relative
 *    Locations ('too-many-redirects' beyond);
 *  - gives each request (one hop, one attempt: connect, headers and the
 *    whole body) `timeoutMs` ('timeout');
 *  - reads at most `maxBodyBytes` of (decompressed) body and throws
 *    'too-large' beyond — a declared Content-Length over the cap is refused
 *    before reading;
 *  - asks for gzip, deflate and br and decompresses;
 *  - retries timeouts, network errors and 5xx responses `retries` times
 *    with exponential backoff (honouring a short Retry-After), never 4xx.
 *
 * Statuses: a response is a page whatever its status. After the retries a
 * 404, 410 or 503 comes back as a FetchedPage with that status (the caller
 * needs to see 404/410 to flag "link gone"); FetchError is thrown only when
 * there is no HTTP answer to give (the reasons above, and 'network'). Use
 * `requireOk(page)` to turn a non-2xx page into FetchError('http').
 * FetchError.url is the URL whose fetch failed (a redirect target, or a
 * robots.txt, when that is where it failed).
 */

export const DEFAULT_USER_AGENT = 'PlacementLedger/0.1 (+placement confirmation crawler)';

/** Good-citizen defaults. */
export const DEFAULT_FETCHER_OPTIONS: Readonly<FetcherOptions> = Object.freeze({
  userAgent: DEFAULT_USER_AGENT,
  timeoutMs: 15_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  perHostDelayMs: 1_000,
  retries: 2,
  allowHosts: [],
  obeyRobots: true,
});

/** Knobs beyond FetcherOptions, mostly for tests. */
export interface FetcherTuning {
  /** First retry waits about this long, doubling each time, ms (default 500). */
  retryBaseDelayMs?: number;
  /** Longest wait before a retry, incl. Retry-After, ms (default 10 s). */
  retryMaxDelayMs?: number;
  robots?: RobotsCacheOptions;
  /** Host lock TTL (a crashed holder blocks a host this long), ms (default timeoutMs + 10 s). */
  lockTtlMs?: number;
  /** Longest sleep while waiting for a host, ms (default 100). */
  pollMs?: number;
  /** TCP/TLS connect timeout, ms (default min(timeoutMs, 10 s)). */
  connectTimeoutMs?: number;
  /** DNS resolver of the SSRF guard (default dns.lookup, all addresses). */
  resolver?: Resolver;
}

/** Throws FetchError('http') unless the page has a 2xx status; returns it otherwise. */
export function requireOk(page: FetchedPage): FetchedPage {
  if (page.status >= 200 && page.status < 300) return page;
  throw new FetchError('http', `HTTP ${page.status} from ${page.finalUrl}`, page.finalUrl, page.status);
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ROBOTS_MAX_BYTES = 512 * 1024;
const ROBOTS_MAX_REDIRECTS = 5;
/** Compressed bodies may be slightly larger than what they decompress to. */
const COMPRESSED_SLACK = 64 * 1024;

interface Hop {
  status: number;
  headers: Record<string, string>;
  location: string | null;
  body: Buffer;
  fetchedAt: string;
}

interface Mode {
  robots: boolean;
  maxRedirects: number;
  maxBytes: number;
  /** Keep the first maxBytes instead of throwing 'too-large' (robots.txt). */
  truncate: boolean;
}

/** Failures retrying cannot fix although their reason is 'network'. */
const permanent = new WeakSet<FetchError>();

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Decoder = (first: Buffer) => zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;
const DECODERS: Record<string, Decoder> = {
  gzip: () => zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  'x-gzip': () => zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  // "deflate" should be zlib-wrapped, but some servers send raw deflate.
  deflate: (first) =>
    (first[0] & 0x0f) === 0x08 && ((first[0] << 8) | (first[1] ?? 0)) % 31 === 0
      ? zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH })
      : zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  br: () => zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
};

async function* decompress(source: AsyncIterable<Buffer>, coding: string): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const decoder = DECODERS[coding](first.value);
  const input = Readable.from(
    (async function* () {
      yield first.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(),
  );
  pipeline(input, decoder, () => undefined);
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } finally {
    decoder.destroy();
    await it.return?.();
  }
}

class TooLarge extends Error {}

/** Read a response body, decompressing, keeping at most maxBytes (throwing TooLarge beyond unless truncating). */
async function readBody(body: Readable, contentEncoding: string | undefined, maxBytes: number, truncate: boolean): Promise<Buffer> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  for (const c of codings) {
    if (!DECODERS[c]) throw new Error(`unsupported Content-Encoding "${c}"`);
  }
  const rawCap = codings.length ? maxBytes + COMPRESSED_SLACK : maxBytes;
  let rawSeen = 0;
  async function* raw(): AsyncGenerator<Buffer> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      rawSeen += chunk.length;
      if (rawSeen > rawCap) {
        if (!truncate) throw new TooLarge();
        yield chunk.subarray(0, chunk.length - (rawSeen - rawCap));
        return;
      }
      yield chunk;
    }
  }
  let source: AsyncIterable<Buffer> = raw();
  for (const c of [...codings].reverse()) source = decompress(source, c);

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      if (size + chunk.length > maxBytes) {
        if (!truncate) throw new TooLarge();
        chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks, size);
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return undefined;
}

/** Any failure of one request → FetchError about `url`. */
function toFetchError(err: unknown, url: URL): FetchError {
  const inner = err instanceof FetchError ? err : (err as { cause?: unknown } | null)?.cause;
  if (inner instanceof FetchError) {
    const fe = inner.url === url.href ? inner : new FetchError(inner.reason, inner.message, url.href, inner.status);
    if (permanent.has(inner)) permanent.add(fe);
    return fe;
  }
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new FetchError('timeout', `${url.host}: ${message}`, url.href);
  }
  const fe = new FetchError('network', `${url.host}: ${code ? `${code} ` : ''}${message}`, url.href);
  if (code === 'ENOTFOUND') permanent.add(fe);
  return fe;
}

export class Fetcher {
  readonly robots: RobotsCache;
  readonly politeness: HostPoliteness;
  private readonly agent: Agent;
  private readonly allow: AllowList;
  private readonly requestHeaders: Record<string, string>;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;

  constructor(
    readonly options: FetcherOptions,
    redis: IORedis,
    keyPrefix: string,
    tuning: FetcherTuning = {},
  ) {
    for (const k of ['timeoutMs', 'maxBodyBytes', 'maxRedirects', 'perHostDelayMs', 'retries'] as const) {
      if (!Number.isFinite(options[k]) || options[k] < 0) throw new Error(`FetcherOptions.${k} must be a number ≥ 0`);
    }
    this.allow = new AllowList(options.allowHosts);
    this.agent = createGuardedAgent({
      allowHosts: this.allow,
      connectTimeoutMs: tuning.connectTimeoutMs ?? Math.min(options.timeoutMs, 10_000),
      resolver: tuning.resolver,
    });
    this.politeness = new HostPoliteness(redis, {
      keyPrefix,
      minDelayMs: options.perHostDelayMs,
      lockTtlMs: tuning.lockTtlMs ?? options.timeoutMs + 10_000,
      pollMs: tuning.pollMs,
    });
    this.robots = new RobotsCache((robotsUrl) => this.loadRobots(robotsUrl), tuning.robots);
    this.retryBaseDelayMs = tuning.retryBaseDelayMs ?? 500;
    this.retryMaxDelayMs = tuning.retryMaxDelayMs ?? 10_000;
    this.requestHeaders = {
      'user-agent': options.userAgent,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml,*/*;q=0.8',
      'accept-encoding': 'gzip, deflate, br',
      'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5',
    };
  }

  /** Fetch a page (see the module comment for what is refused, retried and returned). */
  async fetch(url: string): Promise<FetchedPage> {
    const start = assertFetchableUrl(url);
    const { final, hop, redirects } = await this.follow(start, {
      robots: this.options.obeyRobots,
      maxRedirects: this.options.maxRedirects,
      maxBytes: this.options.maxBodyBytes,
      truncate: false,
    });
    const decoded = decodeText(hop.body, { contentType: hop.headers['content-type'] });
    return {
      requestedUrl: url,
      finalUrl: final.href,
      status: hop.status,
      headers: hop.headers,
      body: hop.body,
      text: decoded.text,
      encoding: decoded.encoding,
      sha256: createHash('sha256').update(hop.body).digest('hex'),
      fetchedAt: hop.fetchedAt,
      redirects,
    };
  }

  /** Close the connection pool. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async follow(start: URL, mode: Mode): Promise<{ final: URL; hop: Hop; redirects: string[] }> {
    let current = start;
    const redirects: string[] = [];
    for (;;) {
      assertFetchableUrl(current);
      assertHostNotForbiddenLiteral(current, this.allow);
      if (mode.robots) await this.checkRobots(current);
      const hop = await this.withRetries(current, mode);
      if (REDIRECT_STATUSES.has(hop.status) && hop.location !== null) {
        if (redirects.length >= mode.maxRedirects) {
          throw new FetchError('too-many-redirects', `More than ${mode.maxRedirects} redirects from ${start.href}`, current.href, hop.status);
        }
        let next: URL;
        try {
          next = new URL(hop.location, current);
        } catch {
          throw new FetchError('bad-url', `Bad redirect Location "${hop.location}"`, current.href, hop.status);
        }
        redirects.push(current.href);
        current = next;
        continue;
      }
      return { final: current, hop, redirects };
    }
  }

  private async checkRobots(url: URL): Promise<void> {
    if (!(await this.robots.isAllowed(url.href, this.options.userAgent))) {
      throw new FetchError('robots', `robots.txt of ${url.origin} disallows ${url.pathname}${url.search}`, url.href);
    }
  }

  private hostDelayMs(url: URL): number {
    const crawlDelay = this.options.obeyRobots ? this.robots.crawlDelayMs(url.href, this.options.userAgent) : null;
    return Math.max(this.options.perHostDelayMs, crawlDelay ?? 0);
  }

  private backoffMs(attempt: number, retryAfter?: string): number {
    const exp = this.retryBaseDelayMs * 2 ** attempt;
    let ms = exp + Math.random() * this.retryBaseDelayMs;
    const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : NaN;
    if (Number.isFinite(seconds)) ms = Math.max(ms, seconds * 1000);
    return Math.min(ms, this.retryMaxDelayMs);
  }

  private async withRetries(url: URL, mode: Mode): Promise<Hop> {
    for (let attempt = 0; ; attempt++) {
      let hop: Hop;
      try {
        hop = await this.politeness.withHost(url.hostname, () => this.hop(url, mode), { minDelayMs: this.hostDelayMs(url) });
      } catch (err) {
        const retryable = err instanceof FetchError && (err.reason === 'timeout' || err.reason === 'network') && !permanent.has(err);
        if (retryable && attempt < this.options.retries) {
          await sleep(this.backoffMs(attempt));
          continue;
        }
        throw err;
      }
      if (hop.status >= 500 && attempt < this.options.retries) {
        await sleep(this.backoffMs(attempt, hop.headers['retry-after']));
        continue;
      }
      return hop;
    }
  }

  /** One request: connect (guarded), headers and body, within timeoutMs. Throws FetchError only. */
  private async hop(url: URL, mode: Mode): Promise<Hop> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: 'GET',
        headers: this.requestHeaders,
        signal: controller.signal,
      });
      const fetchedAt = new Date().toISOString();
      const headers = flattenHeaders(res.headers);
      const location = headers.location ?? null;
      if (REDIRECT_STATUSES.has(res.statusCode) && location !== null) {
        await res.body.dump();
        return { status: res.statusCode, headers, location, body: Buffer.alloc(0), fetchedAt };
      }
      const declared = Number(headers['content-length']);
      const cap = headers['content-encoding'] ? mode.maxBytes + COMPRESSED_SLACK : mode.maxBytes;
      if (!mode.truncate && headers['content-length'] !== undefined && Number.isFinite(declared) && declared > cap) {
        res.body.destroy();
        throw new TooLarge();
      }
      let body: Buffer;
      try {
        body = await readBody(res.body, headers['content-encoding'], mode.maxBytes, mode.truncate);
      } catch (err) {
        if (err instanceof TooLarge || timedOut) throw err;
        const fe = new FetchError('network', `Could not read the body from ${url.host}: ${(err as Error).message}`, url.href, res.statusCode);
        const code = errorCode(err) ?? '';
        const transient = code.startsWith('UND_ERR') || code.startsWith('ECONN') || code === 'EPIPE' || code === 'ETIMEDOUT';
        if (!transient) permanent.add(fe); // a corrupt or unsupported encoding: retrying will not help
        throw fe;
      }
      return { status: res.statusCode, headers, location, body, fetchedAt };
    } catch (err) {
      if (err instanceof TooLarge) {
        throw new FetchError('too-large', `Body from ${url.host} exceeds ${mode.maxBytes} bytes`, url.href);
      }
      if (timedOut) throw new FetchError('timeout', `No complete response from ${url.host} within ${this.options.timeoutMs} ms`, url.href);
      throw toFetchError(err, url);
    } finally {
      clearTimeout(timer);
    }
  }

  /** robots.txt through the same guarded, polite path, without a robots check of its own. */
  private async loadRobots(robotsUrl: string): Promise<RobotsResponse> {
    const { hop } = await this.follow(new URL(robotsUrl), {
      robots: false,
      maxRedirects: ROBOTS_MAX_REDIRECTS,
      maxBytes: ROBOTS_MAX_BYTES,
      truncate: true,
    });
    return { status: hop.status, text: hop.body.toString('utf8').replace(/^\ufeff/, '') };
  }
}
