/**
 * Ends a process whose start failed with one clear line on stderr (a bad
 * variable, Redis unreachable…) and a non-zero exit, before anything is done.
 */
export function exitOnStartupError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`placement-ledger: ${message}\n`);
  process.exit(1);
}
