/**
 * The job can never succeed, whatever the retries (input that is wrong, a row
 * that does not exist). The runtime fails it at once, as BullMQ's
 * UnrecoverableError, and keeps it in the failed set; anything else thrown
 * by a handler is retried with the queue's backoff.
 */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** A served queue's handlers do not match its contract: the process must not start. */
export class JobHandlerSetupError extends Error {
  constructor(problems: string[]) {
    super(`Job handlers do not match the queue contracts:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'JobHandlerSetupError';
  }
}
