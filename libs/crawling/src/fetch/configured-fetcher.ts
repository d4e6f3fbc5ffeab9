import type IORedis from 'ioredis';
import type { AppConfig } from '@pl/config';
import { DEFAULT_USER_AGENT, Fetcher } from './fetcher';

/**
 * The crawler's fetcher as the configuration sets it up (timeouts, body
 * limit, politeness shared through Redis under the queue prefix, robots,
 * the SSRF guard and its allow list). The crawl worker and the API's link
 * preview fetch alike.
 */
export function configuredFetcher(config: AppConfig, redis: IORedis): Fetcher {
  const c = config.crawler;
  return new Fetcher(
    {
      userAgent: DEFAULT_USER_AGENT,
      timeoutMs: c.timeoutMs,
      maxBodyBytes: c.maxBodyBytes,
      maxRedirects: 5,
      perHostDelayMs: c.hostDelayMs,
      retries: c.retries,
      allowHosts: c.allowHosts,
      obeyRobots: true,
    },
    redis,
    `${config.redis.prefix}:crawl:`,
  );
}
