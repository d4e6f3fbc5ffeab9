import { z } from 'zod';

const integer = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

/**
 * Every setting the platform reads from the environment. Parsed once at start
 * (see loadConfig); nothing else in the code base reads process.env.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer(3000, 0, 65535),
  /** The address the API listens on: loopback unless told otherwise (0.0.0.0 in a container, behind a TLS proxy). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Whether X-Forwarded-For/-Proto are believed (the client's address for the login limit, HTTPS for the
   * cookie's Secure flag): false, true (any proxy), a hop count, or comma-separated proxy addresses/CIDRs.
   */
  TRUST_PROXY: z.string().regex(/^(true|false|\d+|[0-9A-Fa-f:./]+(\s*,\s*[0-9A-Fa-f:./]+)*)$/, 'must be true, false, a hop count or comma-separated addresses').default('false'),
  /** How long a sign-in lasts. */
  SESSION_TTL_HOURS: integer(12, 1, 24 * 90),
  /**
   * How long a checked session or token is trusted before it is read again: every request is
   * authenticated, and a revocation made through the API applies at once; one made elsewhere (the CLI) within this.
   */
  AUTH_CACHE_MS: integer(5000, 0, 60_000),
  /** Failed sign-ins allowed per client address, and per username, within LOGIN_LIMIT_WINDOW_S. */
  LOGIN_LIMIT_PER_IP: integer(30, 1, 1_000_000),
  LOGIN_LIMIT_PER_USER: integer(10, 1, 1_000_000),
  LOGIN_LIMIT_WINDOW_S: integer(900, 1, 86_400),
  /** The password `npm run demo` gives the demo users (default: a new random one each run, printed once). */
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /** PostgreSQL connection string; when absent the embedded SQLite file is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SQLITE_PATH: z.string().min(1).default('./data/placement-ledger.sqlite'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Key prefix of every BullMQ queue, so that several deployments can share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('pl'),
  /** How many ingestion jobs one worker process holds at once. */
  INGEST_CONCURRENCY: integer(100, 1, 1000),
  /** Placements per job when a bulk submission or import is split into jobs. */
  INGEST_CHUNK_SIZE: integer(500, 1, 5000),
  /** Upper bound of placements the worker writes in one transaction. */
  INGEST_MAX_BATCH: integer(2000, 1, 20000),
  /**
   * How long a worker's hold on a job lasts without renewal: the jobs of a
   * worker that died come back to the queue once it has expired. A live
   * worker renews it every quarter to half of it from its event loop, so it
   * must stay well above the longest time one write holds that loop (a
   * SQLite group commit of INGEST_MAX_BATCH placements: under a second, a
   * few on a crowded machine, measured by the worker-crash test); a lock that
   * lapses on a live worker gives its job to another (a false stall).
   */
  INGEST_LOCK_MS: integer(10_000, 1000, 600_000),
  /**
   * How often the workers look for jobs whose holder died (expired locks);
   * one check runs for all of them. A dead worker's jobs are taken again
   * within about INGEST_LOCK_MS + this.
   */
  INGEST_STALLED_INTERVAL_MS: integer(2_000, 500, 600_000),
  /** Reports over more placements than this are rendered by a queued job (202, then poll). */
  REPORT_SYNC_LIMIT: integer(100_000, 0, 100_000_000),
  /** Queued reports one worker process renders at once (each holds a whole report in memory). */
  REPORT_CONCURRENCY: integer(1, 1, 16),
  /**
   * `host:port` entries the crawler may fetch although they resolve to private or loopback addresses;
   * an IPv6 address in brackets, as in a URL: `[::1]:8080`.
   */
  CRAWLER_ALLOW_HOSTS: z
    .string()
    .regex(
      /^\s*((\[[0-9A-Fa-f:.]+\]|[^\s,:[\]]+):\d+\s*)?(,\s*(\[[0-9A-Fa-f:.]+\]|[^\s,:[\]]+):\d+\s*)*$/,
      'must be a comma-separated list of host:port (an IPv6 address in brackets: [::1]:8080)',
    )
    .default(''),
  /** Per-request limits of the crawler. */
  CRAWLER_TIMEOUT_MS: integer(15_000, 100, 120_000),
  CRAWLER_MAX_BODY_BYTES: integer(5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  /** Minimum delay between two requests to the same host (one at a time per host). */
  CRAWLER_HOST_DELAY_MS: integer(1000, 0, 60_000),
  CRAWLER_RETRIES: integer(2, 0, 10),
  /** Crawl jobs one crawler process runs at once (different hosts proceed in parallel). */
  CRAWLER_CONCURRENCY: integer(4, 1, 100),
  /**
   * Hosts one confirmation run fetches from at once; each host still gets one request at a time,
   * with its politeness delay (distinct from CRAWLER_CONCURRENCY, the crawl jobs a process runs).
   */
  CRAWLER_HOST_CONCURRENCY: integer(8, 1, 200),
  /** Largest page kept as evidence (bytes as served, before compression); a larger one is noted, not kept. */
  CRAWLER_EVIDENCE_MAX_BYTES: integer(2 * 1024 * 1024, 0, 100 * 1024 * 1024),
  /**
   * Confirmations, link-gone flags and run counts a crawl sends together (one queue round trip, one
   * UPDATE), at least once a second; 1 sends each as it is found.
   */
  CRAWLER_WRITE_BATCH: integer(100, 1, 1000),
  /** Whether a starting crawler puts the sources' cron schedules in place (tests turn it off). */
  CRAWLER_SYNC_SCHEDULES: z.enum(['true', 'false']).default('true'),
  /** Largest accepted HTTP JSON body, in bytes. */
  BODY_LIMIT_BYTES: integer(4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
  /** Largest accepted uploaded ledger file, in bytes. */
  UPLOAD_LIMIT_BYTES: integer(20 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /**
   * Hard caps of an uploaded ledger, checked off the API's event loop (a worker thread) before
   * anything is inflated or parsed whole: the bytes a workbook inflates to (a zip bomb stops
   * there), its zip entries, the data rows, the cells of one row, and the row errors kept in
   * full (the rest are counted).
   */
  IMPORT_MAX_DECOMPRESSED_BYTES: integer(50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  IMPORT_MAX_ZIP_ENTRIES: integer(500, 1, 100_000),
  IMPORT_MAX_ROWS: integer(200_000, 1, 5_000_000),
  IMPORT_MAX_CELLS_PER_ROW: integer(200, 1, 16_384),
  IMPORT_MAX_ERRORS: integer(1000, 1, 1_000_000),
  /**
   * Where editors' browsers reach the web UI when it is not the API's own address (a reverse
   * proxy's https://ledger.example.org): state-changing requests from that origin are not foreign.
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /**
   * One JSON line per HTTP request (method, URL, status, time, request id). Off by default: it
   * costs a child logger and a write per request, which a single POST (bound by CPU) would feel.
   */
  LOG_REQUESTS: z.enum(['true', 'false']).default('false'),
});

export type RawConfig = z.infer<typeof configSchema>;
