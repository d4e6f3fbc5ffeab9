import { configSchema } from './config.schema';

export interface DatabaseConfig {
  type: 'sqlite' | 'postgres';
  /** postgres: the connection URL; sqlite: the file path. */
  url: string;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Fastify's trustProxy: false, true, a hop count or the proxies' addresses. */
  trustProxy: boolean | number | string[];
  auth: {
    sessionTtlMs: number;
    cacheMs: number;
    /** Failed sign-ins allowed per address and per username within windowS. */
    loginLimitPerIp: number;
    loginLimitPerUser: number;
    loginLimitWindowS: number;
  };
  database: DatabaseConfig;
  redis: { url: string; prefix: string };
  ingestion: {
    concurrency: number;
    chunkSize: number;
    maxBatch: number;
    /** BullMQ lockDuration: a dead worker's jobs are retaken after this long. */
    lockMs: number;
    /** BullMQ stalledInterval: how often expired locks are looked for. */
    stalledIntervalMs: number;
  };
  http: {
    bodyLimitBytes: number;
    uploadLimitBytes: number;
    /** PUBLIC_URL: the web UI's address when not the API's own (its origin may send state-changing requests). */
    publicUrl?: string;
  };
  /** Hard caps of an uploaded ledger (see ImportLimits in @pl/placements). */
  imports: { maxDecompressedBytes: number; maxZipEntries: number; maxRows: number; maxCellsPerRow: number; maxErrors: number };
  reports: { syncLimit: number; concurrency: number };
  crawler: {
    allowHosts: string[];
    timeoutMs: number;
    maxBodyBytes: number;
    hostDelayMs: number;
    retries: number;
    concurrency: number;
    /** Hosts a confirmation run works on at once (one request at a time each). */
    hostConcurrency: number;
    /** Largest page kept as evidence, bytes; 0 keeps none. */
    evidenceMaxBytes: number;
    writeBatch: number;
    syncSchedules: boolean;
  };
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** LOG_REQUESTS: a JSON log line per HTTP request (off by default). */
  logRequests: boolean;
  /** DEMO_PASSWORD: the demo users' password, when given. */
  demoPassword: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment and returns the typed configuration. Throws a
 * ConfigError listing every bad variable at once.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const c = parsed.data;
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    trustProxy: parseTrustProxy(c.TRUST_PROXY),
    auth: {
      sessionTtlMs: c.SESSION_TTL_HOURS * 3600_000,
      cacheMs: c.AUTH_CACHE_MS,
      loginLimitPerIp: c.LOGIN_LIMIT_PER_IP,
      loginLimitPerUser: c.LOGIN_LIMIT_PER_USER,
      loginLimitWindowS: c.LOGIN_LIMIT_WINDOW_S,
    },
    database: c.DATABASE_URL
      ? { type: 'postgres', url: c.DATABASE_URL }
      : { type: 'sqlite', url: c.SQLITE_PATH },
    redis: { url: c.REDIS_URL, prefix: c.QUEUE_PREFIX },
    ingestion: {
      concurrency: c.INGEST_CONCURRENCY,
      chunkSize: c.INGEST_CHUNK_SIZE,
      maxBatch: c.INGEST_MAX_BATCH,
      lockMs: c.INGEST_LOCK_MS,
      stalledIntervalMs: c.INGEST_STALLED_INTERVAL_MS,
    },
    http: { bodyLimitBytes: c.BODY_LIMIT_BYTES, uploadLimitBytes: c.UPLOAD_LIMIT_BYTES, publicUrl: c.PUBLIC_URL },
    imports: {
      maxDecompressedBytes: c.IMPORT_MAX_DECOMPRESSED_BYTES,
      maxZipEntries: c.IMPORT_MAX_ZIP_ENTRIES,
      maxRows: c.IMPORT_MAX_ROWS,
      maxCellsPerRow: c.IMPORT_MAX_CELLS_PER_ROW,
      maxErrors: c.IMPORT_MAX_ERRORS,
    },
    reports: { syncLimit: c.REPORT_SYNC_LIMIT, concurrency: c.REPORT_CONCURRENCY },
    crawler: {
      allowHosts: c.CRAWLER_ALLOW_HOSTS.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
      timeoutMs: c.CRAWLER_TIMEOUT_MS,
      maxBodyBytes: c.CRAWLER_MAX_BODY_BYTES,
      hostDelayMs: c.CRAWLER_HOST_DELAY_MS,
      retries: c.CRAWLER_RETRIES,
      concurrency: c.CRAWLER_CONCURRENCY,
      hostConcurrency: c.CRAWLER_HOST_CONCURRENCY,
      evidenceMaxBytes: c.CRAWLER_EVIDENCE_MAX_BYTES,
      writeBatch: c.CRAWLER_WRITE_BATCH,
      syncSchedules: c.CRAWLER_SYNC_SCHEDULES === 'true',
    },
    logLevel: c.LOG_LEVEL,
    logRequests: c.LOG_REQUESTS === 'true',
    demoPassword: c.DEMO_PASSWORD ?? null,
  };
}

function parseTrustProxy(raw: string): boolean | number | string[] {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}
