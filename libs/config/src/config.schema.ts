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
  /** Largest accepted HTTP JSON body, in bytes. */
  BODY_LIMIT_BYTES: integer(4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
  /** Largest accepted uploaded ledger file, in bytes. */
  UPLOAD_LIMIT_BYTES: integer(20 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type RawConfig = z.infer<typeof configSchema>;
