import { QueueEvents } from 'bullmq';
import { INGESTION_QUEUE } from '@pl/placements';
import { countOf, startApi, TestApi, waitForIngestion } from '../support/harness';
import { Children, openQueue, until } from '../support/processes';

const PER_BULK = 10_000;
const OVERLAP = 100;

interface Entry {
  channel: string;
  title: string;
  publishedOn: string;
}

const entry = (series: string, i: number): Entry => ({
  channel: '红网',
  title: `崩溃恢复${series}第${i}篇：大祥区乡村振兴一线`,
  publishedOn: `2021-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
});

/**
 * Three bulks of 10,000: A is all new; B repeats 100 of A's placements (the
 * same story submitted twice); C repeats 100 of its own entries. 30,000
 * accepted, 29,800 distinct placements.
 */
const BULK_A = Array.from({ length: PER_BULK }, (_, i) => entry('甲', i));
const BULK_B = [
  ...Array.from({ length: PER_BULK - OVERLAP }, (_, i) => entry('乙', i)),
  ...BULK_A.slice(0, OVERLAP),
];
const BULK_C_NEW = Array.from({ length: PER_BULK - OVERLAP }, (_, i) => entry('丙', i));
const BULK_C = [...BULK_C_NEW, ...BULK_C_NEW.slice(0, OVERLAP)];
const ACCEPTED = 3 * PER_BULK;
const DISTINCT = ACCEPTED - 2 * OVERLAP;

const count = (api: TestApi, sql: string) => countOf(api.dataSource, sql);

/**
 * A worker killed with SIGKILL while it writes a large ingestion: its
 * half-done transaction is rolled back, its jobs come back to the queue once
 * their locks expire, and a new worker replays them. Every accepted placement
 * ends up stored exactly once, with one creation event, and the ingestion
 * counters add up.
 */
describe('a worker killed with SIGKILL in the middle of a bulk ingestion', () => {
  const children = new Children();
  let api: TestApi;

  beforeAll(async () => {
    // The shipped lock settings (INGEST_LOCK_MS, INGEST_STALLED_INTERVAL_MS): the resume time printed below is theirs.
    api = await startApi({ withWorker: false });
  });
  afterEach(async () => {
    await children.killAll();
  });
  afterAll(async () => {
    await children.killAll();
    // Closing the API also removes the test's queue keys from Redis.
    await api?.close();
  });

  it('stores every accepted placement exactly once after a new worker takes over', async () => {
    const ids: string[] = [];
    for (const placements of [BULK_A, BULK_B, BULK_C]) {
      const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
      expect(res.body).toMatchObject({ accepted: PER_BULK, rejected: [] });
      ids.push(res.body.ingestionId);
    }

    const { queue, close } = openQueue(api.env);
    // When the dead worker's jobs go back to the queue (BullMQ's 'stalled' event, one per job).
    const events = new QueueEvents(INGESTION_QUEUE, { connection: { url: api.env.REDIS_URL }, prefix: api.env.QUEUE_PREFIX });
    const returned: number[] = [];
    events.on('stalled', () => returned.push(Date.now()));
    await events.waitUntilReady();
    try {
      const first = children.app('worker', [], { ...api.env, LOG_LEVEL: 'log' });
      await until(() => count(api, 'SELECT COUNT(*) AS n FROM placements'), (n) => n > 0, 60_000, 'first rows');
      const exit = await first.kill('SIGKILL');
      const killedAt = Date.now();
      expect(exit.signal).toBe('SIGKILL');

      // Killed half-way: some rows are committed, not all; the jobs it held are left active.
      const partial = await count(api, 'SELECT COUNT(*) AS n FROM placements');
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(DISTINCT);
      const held = new Set((await queue.getActive()).map((j) => j.id));
      expect(held.size).toBeGreaterThan(0);

      const second = children.app('worker', [], { ...api.env, LOG_LEVEL: 'log' });
      // The dead worker held every job (60 jobs, concurrency 100): the first new row is a job taken back.
      await until(() => count(api, 'SELECT COUNT(*) AS n FROM placements'), (n) => n > partial, 60_000, 'rows after the kill');
      const resumeMs = Date.now() - killedAt;
      const views = [];
      for (const id of ids) views.push(await waitForIngestion(api, id, 90_000));
      expect(second.running).toBe(true);

      // Every ingestion accounts for each accepted entry once: inserted or duplicate.
      for (const v of views) {
        expect(v).toMatchObject({ state: 'completed', received: PER_BULK, accepted: PER_BULK, rejected: 0 });
        expect(v.inserted + v.duplicates).toBe(v.accepted);
      }
      expect(views.reduce((s, v) => s + v.inserted, 0)).toBe(DISTINCT);
      expect(views.reduce((s, v) => s + v.duplicates, 0)).toBe(ACCEPTED - DISTINCT);
      expect(views[2]).toMatchObject({ inserted: PER_BULK - OVERLAP, duplicates: OVERLAP });

      // Each distinct placement is stored once, with exactly one creation event.
      expect(await count(api, 'SELECT COUNT(*) AS n FROM placements')).toBe(DISTINCT);
      expect(
        await count(api, 'SELECT COUNT(*) AS n FROM (SELECT dedup_key FROM placements GROUP BY organization_id, dedup_key HAVING COUNT(*) > 1) d'),
      ).toBe(0);
      expect(
        await count(api, 'SELECT COUNT(*) AS n FROM (SELECT title FROM placements GROUP BY channel_id, published_on, title HAVING COUNT(*) > 1) d'),
      ).toBe(0);
      expect(await count(api, 'SELECT COUNT(*) AS n FROM placement_events')).toBe(DISTINCT);
      expect(
        await count(
          api,
          `SELECT COUNT(*) AS n FROM placements p
           WHERE (SELECT COUNT(*) FROM placement_events e WHERE e.placement_id = p.id AND e.type = 'logged') <> 1`,
        ),
      ).toBe(0);
      // …and the events name the ingestion that inserted them, as its counters say.
      for (const [i, id] of ids.entries()) {
        expect(await count(api, `SELECT COUNT(*) AS n FROM placement_events WHERE ingestion_id = '${id}'`)).toBe(views[i].inserted);
      }

      // Every job completed in the end (its ack may trail its commit by a moment); none
      // failed for having been interrupted.
      const jobs = await until(
        () => queue.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed'),
        (c) => c.active + c.waiting + c.delayed === 0,
        30_000,
        'queue drained',
      );
      expect(jobs).toEqual({ active: 0, waiting: 0, delayed: 0, failed: 0, completed: ACCEPTED / 500 });
      // No false stall: the jobs taken back are exactly those the dead worker held, each once; the
      // new worker kept its locks through its own writes (a second stall would have failed the job).
      const completed = await queue.getCompleted();
      const stalled = completed.filter((j) => j.stalledCounter > 0);
      expect(new Set(stalled.map((j) => j.id))).toEqual(held);
      expect(stalled.every((j) => j.stalledCounter === 1)).toBe(true);
      expect(returned.length).toBe(held.size);
      const after = (t: number) => `${((t - killedAt) / 1000).toFixed(1)} s`;
      console.log(
        `worker-crash (shipped INGEST_LOCK_MS / INGEST_STALLED_INTERVAL_MS): the killed worker held ${held.size} jobs; ` +
          `back in the queue ${after(Math.min(...returned))}–${after(Math.max(...returned))} after SIGKILL (target < 15 s); ` +
          `first row of the new worker, started at the kill, ${(resumeMs / 1000).toFixed(1)} s after; false stalls: ${stalled.length - held.size}`,
      );

      // What a user sees: the whole ledger, once.
      const list = await api.http().get('/api/orgs/daxiang/placements?pageSize=1').expect(200);
      expect(list.body.total).toBe(DISTINCT);
      const found = await api.http().get('/api/orgs/daxiang/placements').query({ q: BULK_A[0].title }).expect(200);
      expect(found.body.total).toBe(1);
    } finally {
      await events.close();
      await close();
    }
  }, 180_000);
});
