import type { FieldError } from './placement-input';

/**
 * What kind of failure an error is, which is all an interface needs to know
 * to answer it: the HTTP mapper (apps/api/src/http/error.filter.ts) turns it
 * into a status, the CLI mapper (apps/cli/src/cli-error.ts) into an exit code.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'unavailable';

/**
 * The one base error of the libraries: a stable code per module and case
 * (`ORG_SLUG_TAKEN`, `IMPORT_BAD_FILE`, `CRAWL_SOURCE_NOT_FOUND`…), the
 * fields at fault, an English message (the API's language, what `message` of
 * an error body says) and a Chinese one (what the CLI prints). No HTTP here:
 * apps/api maps it once (http/error.filter.ts), apps/cli once (cli-error.ts).
 * Interfaces decide by `kind` and `code`, never by the message text.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    readonly kind: ErrorKind,
    message: string,
    readonly errors: FieldError[] = [],
    /** The Chinese message (field messages inside stay in English, as the API words them). */
    readonly messageZh: string = message,
    /** More for the client beside the fields (a 409's `duplicateOf`): the HTTP body carries it as is. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /**
   * Invalid input: every field at fault with its message. `message` and
   * `messageZh` default to the fields' messages after a summary.
   */
  static invalid<C extends string>(code: C, errors: FieldError[], message?: string, messageZh?: string): DomainError<C> {
    const text = message ?? `Invalid ${[...new Set(errors.map((e) => e.field))].join(', ')}: ${errors.map((e) => e.message).join('; ')}`;
    return new DomainError(code, 'invalid', text, errors, messageZh ?? `输入有误：${errors.map((e) => e.message).join('；')}`);
  }

  /** No such thing: `what` in English and Chinese, the field that named it, the value it was given. */
  static notFound<C extends string>(code: C, what: string, whatZh: string, field: string, value: unknown): DomainError<C> {
    const shown = JSON.stringify(value);
    return new DomainError(code, 'not-found', `${what} ${shown} not found`, [{ field, message: `no ${what} ${shown}` }], `找不到${whatZh} ${shown}`);
  }

  /** A state that does not allow the change. */
  static conflict<C extends string>(code: C, field: string, message: string, messageZh: string): DomainError<C> {
    return new DomainError(code, 'conflict', message, [{ field, message }], messageZh);
  }
}
