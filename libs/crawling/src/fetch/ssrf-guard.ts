import dns from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { FetchError } from '../types';

/**
 * The SSRF guard: the crawler fetches URLs that come from editors and from
 * other people's pages, so it must never be steered at the machine it runs
 * on, the private network around it or a cloud metadata service.
 *
 * Addresses are checked AFTER resolution, at connect time, on every
 * connection (so on every redirect hop): `createGuardedAgent` gives an
 * undici Agent whose connector refuses IP-literal hosts in forbidden ranges
 * and resolves names itself (all addresses), refusing the connection if ANY
 * of them is forbidden. The socket then connects to an address that was
 * checked, so DNS rebinding cannot slip in between the check and the connect.
 *
 * `host:port` entries of the allow list (CRAWLER_ALLOW_HOSTS) are let through
 * without the address check, matched against the host and port as written in
 * the URL (port defaulted from the scheme).
 */

/** What kind of forbidden address an IP is, or null when it is a public address. */
export type ForbiddenAddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared (CGNAT)'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'ietf-protocol'
  | 'discard'
  | 'teredo'
  | 'nat64-local'
  | 'site-local'
  | 'not-an-ip';

/** Dotted-quad IPv4 (exactly as node:net isIP accepts it) → 32-bit unsigned number. */
function parseIPv4(ip: string): number | null {
  if (isIP(ip) !== 4) return null;
  const parts = ip.split('.').map(Number);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** IPv6 text (with or without an embedded dotted quad, zone id ignored) → eight 16-bit groups. */
function parseIPv6(input: string): number[] | null {
  const ip = input.replace(/%.*$/, '');
  if (isIP(ip) !== 6) return null;
  let text = ip.toLowerCase();
  // An embedded IPv4 tail (::ffff:127.0.0.1) becomes two hex groups.
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const n = parseIPv4(v4Tail[1]);
    if (n === null) return null;
    text = text.slice(0, -v4Tail[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => parseInt(g, 16));
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}

function inV4(n: number, base: string, bits: number): boolean {
  const b = parseIPv4(base) as number;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((n & mask) >>> 0) === ((b & mask) >>> 0);
}

const V4_RANGES: Array<[string, number, ForbiddenAddressKind]> = [
  ['169.254.169.254', 32, 'metadata'],
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'ietf-protocol'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

function classifyV4(n: number): ForbiddenAddressKind | null {
  for (const [base, bits, kind] of V4_RANGES) if (inV4(n, base, bits)) return kind;
  return null;
}

function classifyV6(g: number[]): ForbiddenAddressKind | null {
  const v4At = (hi: number, lo: number): number => ((g[hi] << 16) | g[lo]) >>> 0;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);

  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), ::ffff:0:a.b.c.d (SIIT translated)
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return classifyV4(v4At(6, 7));
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return classifyV4(v4At(6, 7));
  // 64:ff9b::/96 well-known NAT64 prefix embeds an IPv4 address; 64:ff9b:1::/48 is local-use.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return classifyV4(v4At(6, 7));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'nat64-local';
  // 2002::/16 6to4 embeds an IPv4 address in bits 16..47.
  if (g[0] === 0x2002) return classifyV4(v4At(1, 2));
  // 2001::/32 Teredo: tunnels to an obfuscated IPv4 client; no crawl target lives there.
  if (g[0] === 0x2001 && g[1] === 0) return 'teredo';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if (g[0] === 0x0100 && zeros(1, 4)) return 'discard';
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return 'site-local'; // fec0::/10 (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  // ::/8 besides the forms above (reserved), e.g. ::1:2:3
  if (g[0] === 0) return 'reserved';
  return null;
}

/**
 * Why an address may not be fetched, or null when it is a public address.
 * Accepts IPv4 dotted quads and IPv6 (optionally in brackets, zone ids
 * ignored). Anything else is not an IP address and is refused ('not-an-ip'):
 * the guard fails closed.
 */
export function classifyAddress(ip: string): ForbiddenAddressKind | null {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const v4 = parseIPv4(text);
  if (v4 !== null) return classifyV4(v4);
  const v6 = parseIPv6(text);
  if (v6 !== null) return classifyV6(v6);
  return 'not-an-ip';
}

/** True when the crawler must not connect to this address (see classifyAddress). */
export function isForbiddenAddress(ip: string): boolean {
  return classifyAddress(ip) !== null;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** `host:port` as the allow list spells it (lower case, IPv6 in brackets). */
function hostPortKey(hostname: string, port: string): string {
  const h = hostname.toLowerCase();
  const bracketed = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
  return `${bracketed}:${port}`;
}

/**
 * A normalised allow list. Entries are `host:port` (`[::1]:8080` for IPv6);
 * an entry without a port allows ports 80 and 443. Host names are matched
 * as written in the URL (after WHATWG URL normalisation), not by address.
 */
export class AllowList {
  private readonly keys = new Set<string>();

  constructor(entries: Iterable<string> = []) {
    for (const raw of entries) {
      const entry = raw.trim();
      if (!entry) continue;
      let parsed: URL;
      try {
        parsed = new URL(`http://${entry}`);
      } catch {
        throw new Error(`Invalid allow-hosts entry "${entry}": expected host:port`);
      }
      if (parsed.port) this.keys.add(hostPortKey(parsed.hostname, parsed.port));
      else if (/:80$/.test(entry)) this.keys.add(hostPortKey(parsed.hostname, '80'));
      else for (const p of ['80', '443']) this.keys.add(hostPortKey(parsed.hostname, p));
    }
  }

  /** Whether host + port (as in a URL; empty port = scheme default) are allowed. */
  allows(hostname: string, port: string, protocol: string): boolean {
    const h = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    return this.keys.has(hostPortKey(h, port || defaultPort(protocol)));
  }

  allowsUrl(url: URL): boolean {
    return this.allows(url.hostname, url.port, url.protocol);
  }

  get size(): number {
    return this.keys.size;
  }
}

function toAllowList(allowHosts: AllowList | Iterable<string>): AllowList {
  return allowHosts instanceof AllowList ? allowHosts : new AllowList(allowHosts);
}

function forbidden(host: string, ip: string, kind: ForbiddenAddressKind, url: string): FetchError {
  return new FetchError('forbidden-address', `Refusing to fetch ${host}: ${ip} is a ${kind} address`, url);
}

/**
 * Only http(s) URLs without credentials may be fetched. Throws
 * FetchError('bad-url') otherwise; returns the parsed URL.
 */
export function assertFetchableUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : input;
  } catch {
    throw new FetchError('bad-url', `Not a valid URL: ${String(input)}`, String(input));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('bad-url', `Only http and https URLs are fetched, not ${url.protocol}`, url.href);
  }
  if (url.username || url.password) {
    throw new FetchError('bad-url', 'URLs with credentials are not fetched', url.href);
  }
  if (!url.hostname) throw new FetchError('bad-url', 'URL has no host', url.href);
  return url;
}

/**
 * Throws FetchError('forbidden-address') unless the URL's `host:port` is in
 * the allow list or `resolvedIp` (what the host resolved to) is public.
 */
export function assertAllowed(url: string | URL, resolvedIp: string, allowHosts: AllowList | Iterable<string>): void {
  const u = assertFetchableUrl(url);
  if (toAllowList(allowHosts).allowsUrl(u)) return;
  const kind = classifyAddress(resolvedIp);
  if (kind) throw forbidden(u.host, resolvedIp, kind, u.href);
}

/**
 * The host of a URL is an IP literal in a forbidden range and not allowed:
 * refuse before any DNS, robots.txt or politeness work. (Names are checked at
 * connect time by the guarded agent.)
 */
export function assertHostNotForbiddenLiteral(url: URL, allowHosts: AllowList): void {
  if (allowHosts.allowsUrl(url)) return;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) === 0) return;
  const kind = classifyAddress(host);
  if (kind) throw forbidden(url.host, host, kind, url.href);
}

type LookupAddress = { address: string; family: number };
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** The resolver the guard asks; dns.lookup by default. */
export type Resolver = (hostname: string, options: { family?: number; hints?: number }) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname, options) =>
  dns.promises.lookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints });

/**
 * A `lookup` for net.connect: resolves every address of the name and fails
 * with FetchError('forbidden-address') if any of them is forbidden.
 */
export function createGuardedLookup(resolver: Resolver = systemResolver) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    const family = typeof options.family === 'number' ? options.family : options.family === 'IPv6' ? 6 : options.family === 'IPv4' ? 4 : 0;
    resolver(hostname, { family, hints: options.hints }).then(
      (addresses) => {
        if (addresses.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          callback(err, '');
          return;
        }
        for (const a of addresses) {
          const kind = classifyAddress(a.address);
          if (kind) {
            callback(forbidden(hostname, a.address, kind, hostname), '');
            return;
          }
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

export interface GuardedAgentOptions {
  allowHosts: AllowList | Iterable<string>;
  /** TCP/TLS connect timeout, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Defaults to dns.lookup with all: true. */
  resolver?: Resolver;
  /** Idle keep-alive sockets are closed after this long, ms (default 4 s). */
  keepAliveTimeoutMs?: number;
}

/**
 * An undici Agent that only connects to public addresses, or to hosts of the
 * allow list. Every new connection is checked, so every redirect hop is.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const allow = toAllowList(options.allowHosts);
  const timeout = options.connectTimeoutMs ?? 10_000;
  const plain = buildConnector({ timeout });
  const guarded = buildConnector({ timeout, lookup: createGuardedLookup(options.resolver) });
  const connect: buildConnector.connector = (opts, callback) => {
    if (opts.protocol !== 'http:' && opts.protocol !== 'https:') {
      callback(new FetchError('bad-url', `Refusing to connect over ${opts.protocol}`, opts.hostname), null);
      return;
    }
    if (allow.allows(opts.hostname, opts.port, opts.protocol)) {
      plain(opts, callback);
      return;
    }
    if (isIP(opts.hostname) !== 0) {
      const kind = classifyAddress(opts.hostname);
      if (kind) {
        callback(forbidden(opts.hostname, opts.hostname, kind, opts.hostname), null);
        return;
      }
    }
    guarded(opts, callback);
  };
  return new Agent({ connect, keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000 });
}
