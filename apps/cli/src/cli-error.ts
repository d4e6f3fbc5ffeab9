/** A mistake in how a command was called or what it was given: printed as one line, exit 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
