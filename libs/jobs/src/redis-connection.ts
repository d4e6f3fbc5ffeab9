import IORedis, { RedisOptions } from 'ioredis';

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** The URL with any password masked, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * A connection for producers: commands fail at once while Redis is down
 * (no offline queue), so a request can answer 503 instead of hanging.
 */
export function producerConnection(url: string, options: { lazyConnect?: boolean } = {}): IORedis {
  return new IORedis({
    ...redisOptionsFromUrl(url),
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** A connection for workers: blocking commands wait for Redis to come back. */
export function workerConnection(url: string): IORedis {
  return new IORedis({
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
}

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Cannot reach Redis at REDIS_URL=${redactRedisUrl(url)} (${
        cause instanceof Error ? cause.message : String(cause)
      })`,
    );
    this.name = 'RedisUnreachableError';
  }
}

/** Connects once and pings; throws RedisUnreachableError naming REDIS_URL. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new IORedis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  // connect() only says "Connection is closed."; the socket's error says why (ECONNREFUSED…).
  let cause: unknown;
  client.on('error', (err) => {
    cause ??= err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new RedisUnreachableError(url, cause ?? err);
  } finally {
    client.disconnect();
  }
}
