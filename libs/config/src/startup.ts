/**
 * Ends a process whose start failed with one clear line on stderr (a bad
 * variable, Redis or the database unreachable…) and a non-zero exit, before
 * anything is done. The stack (and its cause's) only with LOG_LEVEL=debug or
 * verbose: an operator reads the line, a developer the trace.
 */
export function exitOnStartupError(err: unknown): never {
  process.stderr.write(`placement-ledger: ${describeFailure(err)}\n`);
  process.exit(1);
}

/** The error's message, or with LOG_LEVEL=debug|verbose its stack and its causes'. */
export function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Read here, not from AppConfig: the configuration itself may be what failed.
  if (!['debug', 'verbose'].includes(process.env.LOG_LEVEL ?? '')) return message;
  const traces: string[] = [];
  for (let e: unknown = err; e instanceof Error && traces.length < 5; e = e.cause) traces.push(e.stack ?? e.message);
  return traces.length > 0 ? traces.join('\ncaused by: ') : message;
}
