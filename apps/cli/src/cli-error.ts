import { describeFailure } from '@pl/config';
import { DomainError, ErrorKind } from '@pl/domain';

/** A mistake in how a command was called or what it was given: printed as one line, exit 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The exit code of each kind of domain error: 2 for what the user can correct
 * (the input, the arguments), 1 for what is not theirs (Redis unavailable).
 */
const EXIT_OF_KIND: Record<ErrorKind, number> = {
  invalid: 2,
  unauthenticated: 2,
  forbidden: 2,
  'not-found': 2,
  conflict: 2,
  'too-large': 2,
  'unsupported-media-type': 2,
  'rate-limited': 1,
  unavailable: 1,
};

/**
 * The one CLI mapper: any failure as an exit code and the one line printed
 * after `placement-ledger: `. A DomainError prints its Chinese message, a
 * CliError its message (exit 2); a bad variable, Redis or the database
 * unreachable, anything else one line (exit 1; the stack with
 * LOG_LEVEL=debug). It decides by class and kind, never by the text.
 */
export function toCliFailure(err: unknown): { exitCode: number; message: string } {
  if (err instanceof DomainError) return { exitCode: EXIT_OF_KIND[err.kind], message: err.messageZh };
  if (err instanceof CliError) return { exitCode: 2, message: err.message };
  return { exitCode: 1, message: describeFailure(err) };
}
