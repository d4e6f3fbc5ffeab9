/**
 * True for a unique-constraint violation (PostgreSQL 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE): a concurrent request inserted the same key
 * first. It reads the driver's error code, not its message.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * True when the database refuses the data itself, so that writing it again
 * can never succeed: PostgreSQL's data exceptions (class 22: text it cannot
 * store, a value out of range) and integrity violations (class 23: a check,
 * a not-null, a foreign key) other than a unique violation (a race another
 * write won: it may pass next time); SQLite's constraint failures other than
 * unique and primary key, a value too big, a type mismatch. Not a lost
 * connection, a lock or a full disk: those may pass on a retry.
 */
export function isRefusedData(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  if (/^2[23][0-9A-Z]{3}$/.test(code)) return code !== '23505';
  if (code.startsWith('SQLITE_CONSTRAINT')) return code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY';
  return code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH' || code === 'SQLITE_RANGE';
}
