/**
 * Runs `work` on every entry, grouped by the host of its URL: up to
 * `concurrency` hosts at once, the entries of one host one after another in
 * their order (so one host never sees two requests of this run at once, and
 * politeness — shared through Redis — never makes a host's entries wait on
 * each other). Hosts are taken in the order of their first entry. Entries
 * whose URL does not parse share one group (they fail at once anyway).
 * Resolves when every entry is done; the first failure is thrown after the
 * other hosts have finished what they were doing.
 */
export async function forEachHost<T>(entries: readonly T[], urlOf: (entry: T) => string, concurrency: number, work: (entry: T) => Promise<void>): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const e of entries) {
    const host = hostOf(urlOf(e));
    const group = groups.get(host);
    if (group) group.push(e);
    else groups.set(host, [e]);
  }
  const queue = [...groups.values()];
  let failure: { error: unknown } | null = null;
  const runner = async (): Promise<void> => {
    for (let group = queue.shift(); group && !failure; group = queue.shift()) {
      for (const e of group) {
        if (failure) return;
        try {
          await work(e);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, runner));
  if (failure) throw (failure as { error: unknown }).error;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
