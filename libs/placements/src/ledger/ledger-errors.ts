import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FieldError } from '@pl/domain';

/**
 * An error a client can act on: an HTTP status, a message and the fields at
 * fault. Services throw it; the API turns it into the JSON error body.
 */
export class LedgerError extends HttpException {
  /** `extra`: more of the body beside the usual fields (a 409's `duplicateOf`). */
  constructor(status: HttpStatus, message: string, readonly errors: FieldError[] = [], extra: Record<string, unknown> = {}) {
    super({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, errors, ...extra }, status);
  }

  static invalid(errors: FieldError[], message?: string): LedgerError {
    return new LedgerError(
      HttpStatus.BAD_REQUEST,
      message ?? `Invalid ${[...new Set(errors.map((e) => e.field))].join(', ')}: ${errors.map((e) => e.message).join('; ')}`,
      errors,
    );
  }

  static notFound(what: string, field: string, value: unknown): LedgerError {
    return new LedgerError(HttpStatus.NOT_FOUND, `${what} ${JSON.stringify(value)} not found`, [
      { field, message: `no ${what} ${JSON.stringify(value)}` },
    ]);
  }

  static conflict(field: string, message: string): LedgerError {
    return new LedgerError(HttpStatus.CONFLICT, message, [{ field, message }]);
  }
}

/**
 * True for a unique-constraint violation (PostgreSQL 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE): a concurrent request inserted the same key first.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
