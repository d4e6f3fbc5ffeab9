import type { DataSource, EntityManager } from 'typeorm';

/**
 * The one door for writes: every write of the project goes through
 * `writeTransaction` (several statements, all or nothing) or `write` (one
 * statement, or a repository call that TypeORM wraps in its own transaction).
 *
 * Why: TypeORM gives a better-sqlite3 data source one shared connection. Two
 * transactions that overlapped in time on it would nest (TypeORM turns the
 * second BEGIN into a SAVEPOINT) and one's rollback could undo the other's
 * committed work. On SQLite these functions therefore queue the process's
 * writes on the data source and run them one at a time, in arrival order —
 * better-sqlite3 is synchronous, so nothing ran in parallel anyway. Another
 * process writing the same file (the API and the worker of the split
 * deployment) waits for SQLite's own lock (busy_timeout). PostgreSQL, a pool
 * of connections, runs them as they come.
 *
 * Reads need no door. On SQLite a read that runs while a write transaction of
 * the same process is open sees that transaction's rows before its commit;
 * nothing the project reads outside a transaction decides a write.
 *
 * A write must not call another write of the same data source from inside its
 * `work` (it would wait for itself): inside, use the given EntityManager.
 */
const queues = new WeakMap<DataSource, { tail: Promise<unknown> }>();

function serialised<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return work();
  let queue = queues.get(dataSource);
  if (!queue) queues.set(dataSource, (queue = { tail: Promise.resolve() }));
  const run = queue.tail.then(work);
  queue.tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/** Runs `work` in a transaction of its own: committed when it resolves, rolled back when it throws. */
export function writeTransaction<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return serialised(dataSource, () => dataSource.transaction(work));
}

/** Runs a write that needs no transaction of its own (one statement, or a repository save). */
export function write<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return serialised(dataSource, () => work(dataSource.manager));
}
