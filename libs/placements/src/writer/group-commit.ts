/**
 * Turns many concurrent writes into few transactions. Callers submit items
 * and await their own result; one flush at a time takes everything pending
 * (up to a size budget) and writes it with one call. Items that arrive while
 * a flush runs go into the next one, so under load batches grow by themselves
 * and the database sees one transaction per flush, not one per job.
 *
 * When a flush fails, each of its items is written alone so that one bad item
 * cannot fail the others.
 */
export class GroupCommit<T, R> {
  private pending: { item: T; size: number; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly sizeOf: (item: T) => number,
    private readonly maxBatch: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, size: Math.max(1, this.sizeOf(item)), resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Resolves once everything submitted so far is written (or has failed). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        // Yield to the event loop before each flush: it lets the jobs the queue
        // delivered in the same tick join the batch and, with a synchronous
        // driver (better-sqlite3) whose awaits never leave the microtask queue,
        // lets timers and sockets run between flushes (BullMQ lock renewals,
        // job completions), so that a long backlog does not starve them.
        await new Promise((r) => setImmediate(r));
        let budget = this.maxBatch;
        let n = 0;
        while (n < this.pending.length && (n === 0 || budget - this.pending[n].size >= 0)) {
          budget -= this.pending[n].size;
          n++;
        }
        const batch = this.pending.splice(0, n);
        try {
          const results = await this.write(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          for (const b of batch) {
            try {
              const [r] = await this.write([b.item]);
              b.resolve(r);
            } catch (e) {
              b.reject(e);
            }
          }
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}
