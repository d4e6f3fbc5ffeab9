import type { DataSource, EntityManager } from 'typeorm';

/**
 * The few differences between SQLite and PostgreSQL that hand-written SQL
 * has to care about: parameter placeholders and how a timestamp is bound.
 * Everything else the hand-written statements use (ON CONFLICT, RETURNING)
 * is the same in both.
 */
export class SqlDialect {
  readonly isPostgres: boolean;

  constructor(source: DataSource | EntityManager) {
    const ds = 'connection' in source ? source.connection : source;
    this.isPostgres = ds.options.type === 'postgres';
  }

  /** Placeholder of the n-th (1-based) parameter. */
  param(n: number): string {
    return this.isPostgres ? `$${n}` : '?';
  }

  /** A Date as the driver binds it (better-sqlite3 cannot bind Date objects). */
  timestamp(d: Date): Date | string {
    return this.isPostgres ? d : d.toISOString().replace('T', ' ').replace('Z', '');
  }

  /** "(p1, p2, …), (…)" for `rows` rows of `cols` parameters, starting after `offset`. */
  valuesList(rows: number, cols: number, offset = 0): string {
    const out: string[] = [];
    let n = offset;
    for (let r = 0; r < rows; r++) {
      const ps: string[] = [];
      for (let c = 0; c < cols; c++) ps.push(this.param(++n));
      out.push(`(${ps.join(', ')})`);
    }
    return out.join(', ');
  }

  /**
   * Locks the selected rows until the transaction ends, so that two
   * transactions cannot both act on what they read (SQLite needs none: its
   * transactions run one at a time, see serialiseSqliteAccess).
   */
  get forUpdate(): string {
    return this.isPostgres ? ' FOR UPDATE' : '';
  }

  /** Case-insensitive substring match of a column against a parameter. */
  like(column: string, n: number): string {
    return this.isPostgres
      ? `${column} ILIKE ${this.param(n)} ESCAPE '\\'`
      : `${column} LIKE ${this.param(n)} ESCAPE '\\'`;
  }
}

/** Escapes % _ and \ for a LIKE pattern and wraps it in %…%. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
