import IORedis from 'ioredis';
import { INGESTION_QUEUE } from '@pl/placements';
import { countOf, startApi, TestApi, waitForIngestion } from '../support/harness';
import { Child, Children, openQueue, until } from '../support/processes';

const BULKS = 10;
const PER_BULK = 10_000;
/** Entries of each bulk after the first that repeat the previous bulk's (the same story sent again, in other jobs). */
const REPEATED = 1_000;
const ACCEPTED = BULKS * PER_BULK;
const DISTINCT = ACCEPTED - (BULKS - 1) * REPEATED;
const MARK = '扩容写入';

const entry = (i: number) => ({
  channel: '红网',
  title: `${MARK}第${i}篇：大祥区两台写入进程`,
  publishedOn: `2021-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
});
/** Bulk k: 9,000 entries of its own and 1,000 of bulk k − 1 (the first: 10,000 of its own). */
const bulk = (k: number) => {
  const own = k === 0 ? PER_BULK : PER_BULK - REPEATED;
  const start = k === 0 ? 0 : PER_BULK + (k - 1) * (PER_BULK - REPEATED);
  const prevStart = k <= 1 ? 0 : PER_BULK + (k - 2) * (PER_BULK - REPEATED);
  return [...Array.from({ length: own }, (_, i) => entry(start + i)), ...(k === 0 ? [] : Array.from({ length: REPEATED }, (_, i) => entry(prevStart + i)))];
};

/**
 * Ingestion scale-out on PostgreSQL (`npm run test:pg` only, see
 * jest.config.js): two worker processes from dist/ share 100,000 placements
 * sent as ten bulks of 10,000, 9,000 of them the same stories sent again in
 * other jobs, and one worker is killed with SIGKILL while it holds jobs (the
 * locks of the active jobs in Redis carry its BullMQ worker id). The other
 * worker writes everything: each story once with one creation event, every
 * ingestion ends with its entries counted once, the dead worker's jobs come
 * back once each and no job of the live one stalls.
 */
describe('scale-out on PostgreSQL: two worker processes ingesting 100,000 placements, one killed', () => {
  const children = new Children();
  let api: TestApi;
  let redis: IORedis;

  beforeAll(async () => {
    api = await startApi({ withWorker: false });
    redis = new IORedis(api.env.REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await children.killAll();
    redis?.disconnect();
    await api?.close();
  });

  const count = (sql: string) => countOf(api.dataSource, sql);
  /**
   * The active ingestion jobs and the process that holds each: BullMQ's
   * processedBy (the worker's name, host:pid), for those whose lock is still
   * there (a dead worker's lasts until it expires).
   */
  async function activeByProcess(queue: ReturnType<typeof openQueue>['queue']): Promise<{ id: string; pid: number }[]> {
    const out: { id: string; pid: number }[] = [];
    for (const job of await queue.getActive()) {
      const locked = await redis.exists(`${api.env.QUEUE_PREFIX}:${INGESTION_QUEUE}:${job.id}:lock`);
      if (locked && job.processedBy) out.push({ id: job.id!, pid: Number(job.processedBy.split(':').pop()) });
    }
    return out;
  }
  const startWorker = async (): Promise<Child> => {
    const w = children.app('worker', [], { ...api.env, LOG_LEVEL: 'log' });
    await w.waitForOutput(/serving queue \\?"ingestion/, 120_000);
    return w;
  };

  it('writes every placement exactly once and ends every ingestion', async () => {
    const { queue, close } = openQueue(api.env);
    try {
      // Both workers up before the load, so that both take jobs from the first bulk on.
      const [first, second] = await Promise.all([startWorker(), startWorker()]);
      const ids: string[] = [];
      const sending = (async () => {
        for (let k = 0; k < BULKS; k++) {
          const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements: bulk(k) }).expect(202);
          expect(res.body).toMatchObject({ accepted: PER_BULK, rejected: [] });
          ids.push(res.body.ingestionId);
        }
      })();

      // Midway, once the first worker holds jobs (and has written some rows), it is killed.
      const firstPid = first.proc.pid!;
      await until(
        async () => ({ rows: await count(`SELECT COUNT(*) AS n FROM placements`), active: await activeByProcess(queue) }),
        ({ rows, active }) => rows >= DISTINCT / 10 && active.some((j) => j.pid === firstPid),
        300_000,
        'the first worker holding jobs, a tenth written',
      );
      const exit = await first.kill('SIGKILL');
      const killedAt = Date.now();
      expect(exit.signal).toBe('SIGKILL');
      // Its locks outlive it until they expire: read right after the kill, they say what it held.
      const held = new Set((await activeByProcess(queue)).filter((j) => j.pid === firstPid).map((j) => j.id));
      const partial = await count(`SELECT COUNT(*) AS n FROM placements`);
      expect(partial).toBeLessThan(DISTINCT);
      await sending;
      expect(ids.length).toBe(BULKS);
      const views = [];
      for (const id of ids) views.push(await waitForIngestion(api, id, 400_000));
      const doneMs = Date.now() - killedAt;
      expect(second.running).toBe(true);

      // Every ingestion ended, each of its entries counted once: inserted, or a duplicate of a story already there.
      for (const v of views) {
        expect(v).toMatchObject({ state: 'completed', received: PER_BULK, accepted: PER_BULK, rejected: 0 });
        expect(v.inserted + v.duplicates).toBe(PER_BULK);
      }
      expect(views.reduce((s, v) => s + v.inserted, 0)).toBe(DISTINCT);
      expect(views.reduce((s, v) => s + v.duplicates, 0)).toBe(ACCEPTED - DISTINCT);

      // Every story once, with one creation event, named by the ingestion that counted it inserted.
      expect(await count(`SELECT COUNT(*) AS n FROM placements`)).toBe(DISTINCT);
      expect(await count(`SELECT COUNT(DISTINCT title) AS n FROM placements WHERE title LIKE '${MARK}%'`)).toBe(DISTINCT);
      expect(await count(`SELECT COUNT(*) AS n FROM placement_events`)).toBe(DISTINCT);
      expect(await count(`SELECT COUNT(*) AS n FROM (SELECT placement_id FROM placement_events GROUP BY placement_id HAVING COUNT(*) <> 1) d`)).toBe(0);
      for (const [i, id] of ids.entries()) {
        expect(await count(`SELECT COUNT(*) AS n FROM placement_events WHERE ingestion_id = '${id}'`)).toBe(views[i].inserted);
      }

      // The queue drained, nothing failed; the jobs taken back are those the dead worker held, each once.
      const jobs = await until(
        () => queue.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed'),
        (c) => c.active + c.waiting + c.delayed === 0,
        60_000,
        'queue drained',
      );
      expect({ failed: jobs.failed, completed: jobs.completed }).toEqual({ failed: 0, completed: ACCEPTED / api.config.ingestion.chunkSize });
      const completed = await queue.getCompleted(0, -1);
      const stalled = completed.filter((j) => j.stalledCounter > 0);
      expect(stalled.every((j) => j.stalledCounter === 1)).toBe(true);
      // The jobs taken back are exactly those the dead worker held when it was killed, each once; none of the live one's.
      const takenBack = new Set(stalled.map((j) => j.id!));
      expect(held.size).toBeGreaterThan(0);
      expect(takenBack).toEqual(held);
      const byProcess = new Map<string, number>();
      for (const j of completed) byProcess.set(j.processedBy ?? '?', (byProcess.get(j.processedBy ?? '?') ?? 0) + 1);

      console.log(
        `scale-out ingest (PostgreSQL, 2 worker processes, ${BULKS} bulks of ${PER_BULK}, ${ACCEPTED - DISTINCT} repeated across jobs): ` +
          `${DISTINCT} placements written once each (target ${DISTINCT}), ${views.length} of ${ids.length} ingestions completed, ` +
          `killed worker (pid ${firstPid}) held ${held.size} jobs at SIGKILL (${partial} rows written by then), each taken back once; ` +
          `the other (pid ${second.proc.pid}) finished ${(doneMs / 1000).toFixed(1)} s after the kill; jobs completed per process ${[...byProcess].map(([p, n]) => `${p} ${n}`).join(', ')}; stalls of the live worker's jobs 0`,
      );
    } finally {
      await close();
    }
  }, 900_000);
});
