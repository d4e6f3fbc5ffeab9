import dns from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
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

type Ranges<A extends ipaddr.IPv4 | ipaddr.IPv6> = Record<string, [A, number][]>;

/** Our range table as ipaddr.js's subnetMatch takes it; the first matching kind wins (insertion order). */
function ranges<A extends ipaddr.IPv4 | ipaddr.IPv6>(table: [ForbiddenAddressKind, string[]][]): Ranges<A> {
  const out: Ranges<A> = {};
  for (const [kind, cidrs] of table) out[kind] = [...(out[kind] ?? []), ...cidrs.map((c) => ipaddr.parseCIDR(c) as [A, number])];
  return out;
}

/*
 * ipaddr.js parses and matches; the table is ours because ipaddr's own
 * range names are coarser than what a refusal should say (its "reserved"
 * lumps documentation, benchmarking and IETF ranges together) and its IPv6
 * list does not look inside the forms that embed an IPv4 address.
 */
const V4_RANGES = ranges<ipaddr.IPv4>([
  ['metadata', ['169.254.169.254/32']],
  ['unspecified', ['0.0.0.0/8']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']],
  ['shared (CGNAT)', ['100.64.0.0/10']],
  ['loopback', ['127.0.0.0/8']],
  ['link-local', ['169.254.0.0/16']],
  ['ietf-protocol', ['192.0.0.0/24']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24']],
  ['broadcast', ['255.255.255.255/32']],
  ['reserved', ['192.88.99.0/24', '240.0.0.0/4']], // 6to4 relay anycast (deprecated); class E
  ['benchmarking', ['198.18.0.0/15']],
  ['multicast', ['224.0.0.0/4']],
]);

const V6_RANGES = ranges<ipaddr.IPv6>([
  ['unspecified', ['::/128']],
  ['loopback', ['::1/128']],
  ['nat64-local', ['64:ff9b:1::/48']], // RFC 8215 local-use NAT64
  // Teredo tunnels to an obfuscated IPv4 client; no crawl target lives there.
  ['teredo', ['2001::/32']],
  ['documentation', ['2001:db8::/32']],
  ['discard', ['100::/64']],
  ['private', ['fc00::/7']], // unique local
  ['link-local', ['fe80::/10']],
  ['site-local', ['fec0::/10']], // deprecated
  ['multicast', ['ff00::/8']],
  ['reserved', ['::/8']], // besides the forms above, e.g. ::1:2:3
]);

/** IPv6 forms that carry an IPv4 address, judged by that address: [prefix, index of its high 16-bit part]. */
const EMBEDS_V4: [[ipaddr.IPv6, number], number][] = [
  [ipaddr.parseCIDR('::ffff:0:0/96') as [ipaddr.IPv6, number], 6], // mapped
  [ipaddr.parseCIDR('::/96') as [ipaddr.IPv6, number], 6], // compatible (deprecated)
  [ipaddr.parseCIDR('::ffff:0:0:0/96') as [ipaddr.IPv6, number], 6], // SIIT translated
  [ipaddr.parseCIDR('64:ff9b::/96') as [ipaddr.IPv6, number], 6], // well-known NAT64 prefix
  [ipaddr.parseCIDR('2002::/16') as [ipaddr.IPv6, number], 1], // 6to4: bits 16..47
];

function classifyV4(ip: ipaddr.IPv4): ForbiddenAddressKind | null {
  const kind = ipaddr.subnetMatch(ip, V4_RANGES, '');
  return kind ? (kind as ForbiddenAddressKind) : null;
}

function classifyV6(ip: ipaddr.IPv6): ForbiddenAddressKind | null {
  const p = ip.parts;
  if (!ip.match(...(V6_RANGES['unspecified'][0])) && !ip.match(...(V6_RANGES['loopback'][0]))) {
    for (const [prefix, at] of EMBEDS_V4) {
      if (ip.match(...prefix)) return classifyV4(new ipaddr.IPv4([p[at] >> 8, p[at] & 0xff, p[at + 1] >> 8, p[at + 1] & 0xff]));
    }
  }
  const kind = ipaddr.subnetMatch(ip, V6_RANGES, '');
  return kind ? (kind as ForbiddenAddressKind) : null;
}

/**
 * Why an address may not be fetched, or null when it is a public address.
 * Accepts IPv4 dotted quads and IPv6 (optionally in brackets, zone ids
 * ignored). Anything else is not an IP address and is refused ('not-an-ip'):
 * the guard fails closed.
 */
export function classifyAddress(ip: string): ForbiddenAddressKind | null {
  const text = (ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip).replace(/%.*$/, '');
  // net.isIP first: ipaddr.js also reads the legacy forms (127.1, 0x7f.1, 2130706433) that URLs normalise away.
  const family = isIP(text);
  if (family === 4) return classifyV4(ipaddr.IPv4.parse(text));
  if (family === 6) return classifyV6(ipaddr.IPv6.parse(text));
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
