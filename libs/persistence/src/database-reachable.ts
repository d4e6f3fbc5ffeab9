import { Client } from 'pg';
import type { DatabaseConfig } from '@pl/config';

/**
 * The database a process was pointed at cannot be used: a refused
 * connection, a database that does not exist, a refused password. Its
 * message is the one line an operator reads; the driver's error is the cause.
 */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`Cannot reach the database at DATABASE_URL=${redactDatabaseUrl(url)} (${describe(cause)})`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

/** The URL with any password masked, for messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return describe(cause.errors[0]);
  const e = cause as { message?: string; code?: string } | null;
  return e?.message || e?.code || String(cause);
}

/**
 * Connects once and asks `SELECT 1` before a process starts (as the Redis
 * check does): a PostgreSQL server that refuses the connection or has no
 * such database is said in one line within `timeoutMs`, instead of the ORM's
 * retries and stack traces. SQLite needs no check: its file is created.
 */
export async function assertDatabaseReachable(db: DatabaseConfig, timeoutMs = 3000): Promise<void> {
  if (db.type !== 'postgres') return;
  const client = new Client({ connectionString: db.url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined); // the failure is thrown by connect()/query()
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new DatabaseUnreachableError(db.url, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}
