import type { FieldError } from './placement-input';

/**
 * What kind of failure an error is, which is all an interface needs to know
 * to answer it: the HTTP mapper turns it into a status, the CLI mapper into
 * an exit code.
 */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'too-large' | 'unavailable';

/**
 * The one base error of the libraries: a stable code per module and case
 * (`LEDGER_DUPLICATE_KEY`, `IMPORT_BAD_HEADER`, `CRAWL_SOURCE_NOT_FOUND`…),
 * the fields at fault, an English message (the API's language) and a Chinese
 * one (what the CLI and the web UI show). No HTTP here: apps/api maps it once
 * (http/error.filter.ts), apps/cli once (cli-error.ts).
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    readonly kind: ErrorKind,
    message: string,
    readonly errors: FieldError[] = [],
    /** The Chinese message; by default the English one (field messages are English). */
    readonly messageZh: string = message,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** Invalid input: every field at fault with its message. */
  static invalid<C extends string>(code: C, errors: FieldError[], message?: string, messageZh?: string): DomainError<C> {
    const text = message ?? `Invalid ${[...new Set(errors.map((e) => e.field))].join(', ')}: ${errors.map((e) => e.message).join('; ')}`;
    return new DomainError(code, 'invalid', text, errors, messageZh ?? `输入有误：${errors.map((e) => `${e.field}：${e.message}`).join('；')}`);
  }

  /** No such thing: `what` in English and Chinese, the field that named it. */
  static notFound<C extends string>(code: C, what: string, whatZh: string, field: string, value: unknown): DomainError<C> {
    const shown = JSON.stringify(value);
    return new DomainError(code, 'not-found', `${what} ${shown} not found`, [{ field, message: `no ${what} ${shown}` }], `找不到${whatZh} ${shown}`);
  }

  /** A state that does not allow the change. */
  static conflict<C extends string>(code: C, field: string, message: string, messageZh?: string): DomainError<C> {
    return new DomainError(code, 'conflict', message, [{ field, message }], messageZh ?? message);
  }
}
