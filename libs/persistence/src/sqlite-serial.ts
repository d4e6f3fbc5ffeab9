import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

const insideTransaction = new AsyncLocalStorage<true>();

/**
 * TypeORM gives a better-sqlite3 data source one shared connection. Two
 * transactions that overlap in time (the worker's group commits and status
 * changes, an API write in the all-in-one process) would then nest inside
 * each other, and one's rollback could undo the other's committed work.
 *
 * This makes the connection exclusive: transactions run one at a time; a
 * statement outside a transaction waits for the running one to finish; and
 * TypeORM's own implicit transactions (a plain `save`) are not opened, so
 * their statements cannot slip into someone else's transaction. Statements
 * inside a transaction are recognised through AsyncLocalStorage.
 * better-sqlite3 is synchronous, so nothing is lost by serialising.
 * PostgreSQL (a pool of connections) is left alone.
 */
export function serialiseSqliteAccess(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  const inside = () => insideTransaction.getStore() === true;

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  // On Node 20 an AsyncLocalStorage in use puts a hook on every promise of the process (~10% of an
  // API request's CPU here). It is only needed while a transaction runs, so it is switched off
  // whenever none is running or waiting: an API process that rarely writes runs without it.
  let transactions = 0;
  manager.transaction = ((...args: unknown[]) => {
    if (inside()) return transaction(...args);
    transactions++;
    return exclusive(() => insideTransaction.run(true, () => transaction(...args))).finally(() => {
      if (--transactions === 0) insideTransaction.disable();
    });
  }) as typeof manager.transaction;

  const runner = dataSource.driver.createQueryRunner('master') as QueryRunner;
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((...args: unknown[]) => (inside() ? query(...args) : exclusive(() => query(...args)))) as typeof runner.query;
  for (const method of ['startTransaction', 'commitTransaction', 'rollbackTransaction'] as const) {
    const original = runner[method].bind(runner) as (...args: unknown[]) => Promise<void>;
    runner[method] = ((...args: unknown[]) => (inside() ? original(...args) : Promise.resolve())) as never;
  }
}
