import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes items submitted together in one call, each caller getting its own result', async () => {
    const calls: number[][] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        calls.push(items);
        return items.map((i) => i * 10);
      },
      () => 1,
      100,
    );
    const results = await Promise.all([1, 2, 3, 4].map((i) => gc.submit(i)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
  });

  it('keeps each write within the size budget, but never splits an item', async () => {
    const calls: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => (calls.push(items), items), (n) => n, 10);
    await Promise.all([4, 4, 4, 20, 1].map((n) => gc.submit(n)));
    expect(calls).toEqual([[4, 4], [4], [20], [1]]);
  });

  it('retries a failed batch item by item so that one bad item fails alone', async () => {
    const gc = new GroupCommit<number, number>(
      async (items) => {
        if (items.includes(13)) throw new Error('unlucky');
        return items;
      },
      () => 1,
      100,
    );
    const results = await Promise.allSettled([1, 13, 2].map((n) => gc.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await gc.idle();
  });

  it('lets the event loop run between flushes when writes never wait on I/O (better-sqlite3)', async () => {
    const events: string[] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        // What a BullMQ lock renewal or a socket read would be: work queued behind this write.
        if (events.length === 0) setImmediate(() => events.push('event loop'));
        events.push(`write ${items.join(',')}`);
        return items;
      },
      () => 1,
      2,
    );
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => gc.submit(n)));
    expect(events).toEqual(['write 1,2', 'event loop', 'write 3,4', 'write 5,6']);
  });
});
