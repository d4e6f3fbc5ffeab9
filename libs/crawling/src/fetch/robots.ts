import robotsParser from 'robots-parser';
import { FetchError } from '../types';

/**
 * robots.txt, fetched once per origin and cached (RFC 9309):
 *  - 2xx: parsed; rules for our product token (the User-Agent up to the
 *    first "/", e.g. `PlacementLedger`) or else `*`;
 *  - 4xx (except 429): "unavailable" → everything allowed;
 *  - 5xx, 429, timeouts and network errors: "unreachable" → everything
 *    disallowed for `errorTtlMs` (a short while), after which it is asked
 *    again; if an earlier copy was cached it is kept in force instead;
 *  - more redirects than the loader follows, or a redirect to another origin
 *    that may not be fetched (SSRF guard, bad scheme): unavailable → allowed;
 *  - the origin itself forbidden by the SSRF guard: the FetchError is thrown.
 * `/robots.txt` itself is always allowed. Crawl-delay is reported (capped)
 * so the fetcher can use it as the per-host minimum delay.
 *
 * The cache is per process (a map with a size bound): robots.txt is cheap
 * to refetch, and every process fetching it once an hour is still polite.
 */

/** What the loader got for `<origin>/robots.txt` after redirects. */
export interface RobotsResponse {
  status: number;
  /** The body as text (UTF-8). */
  text: string;
}

/**
 * Fetches a robots.txt URL through the guarded HTTP path (SSRF guard,
 * politeness, redirects) without consulting robots itself. Throws FetchError
 * on non-HTTP failures.
 */
export type RobotsLoader = (robotsUrl: string) => Promise<RobotsResponse>;

export interface RobotsCacheOptions {
  /** How long a fetched robots.txt (or a 4xx) is trusted, ms (default 1 h). */
  ttlMs?: number;
  /** How long a 5xx/network failure disallows everything before asking again, ms (default 5 min). */
  errorTtlMs?: number;
  /** Crawl-delay above this is capped, ms (default 60 s). */
  maxCrawlDelayMs?: number;
  /** Origins kept (default 10,000); the oldest entries are dropped first. */
  maxEntries?: number;
  /** Clock, for tests of expiry. */
  now?: () => number;
}

type Robot = ReturnType<typeof robotsParser>;

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The cached verdict for one origin. */
export interface RobotsRules {
  origin: string;
  /** parsed: a robots.txt applies; allow-all: unavailable (4xx); disallow-all: unreachable (5xx/network). */
  kind: 'parsed' | 'allow-all' | 'disallow-all';
  /** HTTP status of the robots.txt response, or null after a network failure. */
  status: number | null;
  fetchedAt: number;
  expiresAt: number;
  robot: Robot | null;
}

export class RobotsCache {
  private readonly entries = new Map<string, RobotsRules>();
  private readonly inFlight = new Map<string, Promise<RobotsRules>>();
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly maxCrawlDelayMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly load: RobotsLoader,
    options: RobotsCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.errorTtlMs = options.errorTtlMs ?? 5 * 60 * 1000;
    this.maxCrawlDelayMs = options.maxCrawlDelayMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether robots.txt lets `userAgent` fetch `url` (fetching robots.txt if needed). */
  async isAllowed(url: string, userAgent: string): Promise<boolean> {
    const u = new URL(url);
    if (u.pathname === '/robots.txt') return true;
    const rules = await this.rulesFor(u);
    if (rules.kind === 'allow-all') return true;
    if (rules.kind === 'disallow-all') return false;
    return (rules.robot as Robot).isAllowed(u.href, userAgent) !== false;
  }

  /**
   * The Crawl-delay robots.txt asks of `userAgent` on the URL's origin, ms
   * (capped), or null. Uses the cached copy only: call after isAllowed.
   */
  crawlDelayMs(url: string, userAgent: string): number | null {
    const entry = this.entries.get(new URL(url).origin);
    const seconds = entry?.robot?.getCrawlDelay(userAgent);
    if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return null;
    return Math.min(Math.round(seconds * 1000), this.maxCrawlDelayMs);
  }

  /** The rules for the URL's origin, fetched when missing or expired. */
  async rulesFor(url: URL | string): Promise<RobotsRules> {
    const origin = (typeof url === 'string' ? new URL(url) : url).origin;
    const cached = this.entries.get(origin);
    if (cached && cached.expiresAt > this.now()) return cached;
    const pending = this.inFlight.get(origin);
    if (pending) return pending;
    const p = this.refresh(origin, cached).finally(() => this.inFlight.delete(origin));
    this.inFlight.set(origin, p);
    return p;
  }

  /** Forget everything (or one origin). */
  clear(origin?: string): void {
    if (origin) this.entries.delete(origin);
    else this.entries.clear();
  }

  private async refresh(origin: string, stale: RobotsRules | undefined): Promise<RobotsRules> {
    const robotsUrl = `${origin}/robots.txt`;
    const now = this.now();
    let rules: RobotsRules;
    try {
      const res = await this.load(robotsUrl);
      if (res.status >= 200 && res.status < 300) {
        rules = { origin, kind: 'parsed', status: res.status, fetchedAt: now, expiresAt: now + this.ttlMs, robot: robotsParser(robotsUrl, res.text) };
      } else if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        rules = { origin, kind: 'allow-all', status: res.status, fetchedAt: now, expiresAt: now + this.ttlMs, robot: null };
      } else if (res.status >= 300 && res.status < 400) {
        // A redirect the loader did not follow (no Location): unavailable.
        rules = { origin, kind: 'allow-all', status: res.status, fetchedAt: now, expiresAt: now + this.ttlMs, robot: null };
      } else {
        rules = this.unreachable(origin, res.status, now, stale);
      }
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      const elsewhere = err.url !== robotsUrl && originOf(err.url) !== origin;
      if (err.reason === 'too-many-redirects' || (elsewhere && (err.reason === 'forbidden-address' || err.reason === 'bad-url'))) {
        // A redirect we cannot (or may not) follow: unavailable, as after too many redirects.
        rules = { origin, kind: 'allow-all', status: null, fetchedAt: now, expiresAt: now + this.ttlMs, robot: null };
      } else if (err.reason === 'timeout' || err.reason === 'network' || err.reason === 'http') {
        rules = this.unreachable(origin, err.status ?? null, now, stale);
      } else {
        throw err; // forbidden-address, bad-url… of the origin itself: its pages cannot be fetched either
      }
    }
    this.remember(rules);
    return rules;
  }

  private unreachable(origin: string, status: number | null, now: number, stale: RobotsRules | undefined): RobotsRules {
    if (stale && stale.kind !== 'disallow-all') return { ...stale, expiresAt: now + this.errorTtlMs };
    return { origin, kind: 'disallow-all', status, fetchedAt: now, expiresAt: now + this.errorTtlMs, robot: null };
  }

  private remember(rules: RobotsRules): void {
    this.entries.delete(rules.origin);
    this.entries.set(rules.origin, rules);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
