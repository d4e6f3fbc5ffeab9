import { userInfo } from 'node:os';

let as: string | null = null;

/**
 * Takes the global `--as <name>` (or `--as=<name>`) out of the arguments: who
 * the CLI, an operator's tool run on the server, records as the actor of what
 * it writes.
 */
export function takeAsOption(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--as' && i + 1 < argv.length) as = argv[++i];
    else if (a.startsWith('--as=')) as = a.slice(5);
    else out.push(a);
  }
  return out;
}

/** `cli:<name>`: the --as name, else the operating-system user. */
export function cliActor(name?: unknown): string {
  const given = typeof name === 'string' && name.trim() ? name.trim() : as?.trim();
  let who = given || '';
  if (!who) {
    try {
      who = userInfo().username;
    } catch {
      who = 'system';
    }
  }
  return `cli:${who.slice(0, 90)}`;
}
