import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';

/**
 * Per-host politeness shared by every crawler process through Redis: one
 * request at a time per host, and a minimum delay between the end of one
 * request and the start of the next.
 *
 * One key per host, `<keyPrefix>host:<hostname>`:
 *  - acquire: `SET key token NX PX lockTtlMs` (in a small Lua script that
 *    also reports the key's state); while another request holds the host,
 *    poll every `pollMs`; during a cool-down, sleep until it ends;
 *  - release: if the key still holds our token, replace it by a cool-down
 *    marker that expires after the minimum delay, so the next request waits
 *    that long; with a zero delay the key is deleted.
 * A key without a TTL (not ours) is given one, so it cannot block a host
 * forever.
 * A process that dies holding the key blocks the host for at most
 * `lockTtlMs` (choose it above the fetch timeout). If `fn` outlives the lock
 * TTL, the release is a no-op (the token no longer matches) and another
 * process may already be talking to the host.
 */

export interface HostPolitenessOptions {
  /** Prefix of the Redis keys, e.g. `<QUEUE_PREFIX>:crawl:`. */
  keyPrefix: string;
  /** Default minimum delay between two requests to one host, ms. */
  minDelayMs: number;
  /** How long a holder may keep a host before the lock expires on its own, ms (default 60 s). */
  lockTtlMs?: number;
  /** Longest sleep between two tries while another request holds the host, ms (default 50). */
  pollMs?: number;
  /** Give up waiting for a host after this long, ms (default: wait as long as it takes). */
  maxWaitMs?: number;
}

/** Waited longer than maxWaitMs for a host. */
export class HostBusyError extends Error {
  constructor(readonly host: string, readonly waitedMs: number) {
    super(`Host ${host} stayed busy for ${waitedMs} ms`);
    this.name = 'HostBusyError';
  }
}

/** Release: if we still hold the key, turn it into a cool-down marker that expires after the delay. */
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  local delay = tonumber(ARGV[2])
  if delay > 0 then
    redis.call('set', KEYS[1], 'cooldown', 'PX', delay)
  else
    redis.call('del', KEYS[1])
  end
  return 1
end
return 0`;

/**
 * Acquire: SET NX PX. On failure returns how long the key lives on and
 * whether it is a cool-down (exact wait) or a holder (poll).
 */
const ACQUIRE = `
if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {1, 0, 0}
end
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('pexpire', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
local cooling = 0
if redis.call('get', KEYS[1]) == 'cooldown' then cooling = 1 end
return {0, ttl, cooling}`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class HostPoliteness {
  private readonly lockTtlMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly redis: IORedis,
    private readonly options: HostPolitenessOptions,
  ) {
    this.lockTtlMs = options.lockTtlMs ?? 60_000;
    this.pollMs = options.pollMs ?? 50;
  }

  /** The Redis key of a host. */
  keyFor(host: string): string {
    return `${this.options.keyPrefix}host:${host.toLowerCase()}`;
  }

  /**
   * Run `fn` while holding the host: no other holder (in any process) runs
   * at the same time, and the next one starts at least `minDelayMs` (default
   * the configured delay) after `fn` settles.
   */
  async withHost<T>(host: string, fn: () => Promise<T>, opts: { minDelayMs?: number } = {}): Promise<T> {
    const key = this.keyFor(host);
    const token = randomUUID();
    await this.acquire(host, key, token);
    try {
      return await fn();
    } finally {
      const delay = Math.max(0, Math.round(opts.minDelayMs ?? this.options.minDelayMs));
      await this.redis.eval(RELEASE, 1, key, token, String(delay));
    }
  }

  private async acquire(host: string, key: string, token: string): Promise<void> {
    const started = Date.now();
    for (;;) {
      const [acquired, ttl, cooling] = (await this.redis.eval(ACQUIRE, 1, key, token, String(this.lockTtlMs))) as [number, number, number];
      if (acquired === 1) return;
      const waited = Date.now() - started;
      if (this.options.maxWaitMs !== undefined && waited >= this.options.maxWaitMs) throw new HostBusyError(host, waited);
      if (ttl === -2) continue; // gone meanwhile: try again at once
      // A cool-down ends exactly when the key expires; a holder may finish any time.
      const wait = cooling === 1 ? ttl : Math.min(ttl, this.pollMs);
      await sleep(Math.max(1, wait) + Math.floor(Math.random() * 4));
    }
  }
}
