import { countOf, startApi, TestApi, waitForIngestion } from '../support/harness';
import { Children, freePort, openQueue, until } from '../support/processes';

const BULKS = 2;
const PER_BULK = 10_000;
const CHUNK = 500; // INGEST_CHUNK_SIZE default: one job per 500 placements

function bulk(name: string): { placements: unknown[] } {
  return {
    placements: Array.from({ length: PER_BULK }, (_, i) => ({
      channel: '湖南日报',
      title: `优雅停机${name}第${i}篇：大祥区基层治理见闻`,
      publishedOn: `2021-${String((i % 12) + 1).padStart(2, '0')}-15`,
    })),
  };
}

const count = (api: TestApi, sql: string) => countOf(api.dataSource, sql);

/**
 * SIGTERM while a worker is writing: it stops taking jobs, finishes and
 * commits the ones it holds, logs that it drained and exits 0. Nothing it
 * held is lost or failed; what it had not taken waits for the next worker.
 */
describe('a worker stopped with SIGTERM in the middle of an ingestion', () => {
  const children = new Children();
  let api: TestApi;

  beforeAll(async () => {
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

  it('drains the jobs in flight, exits 0, and the next worker finishes the rest exactly', async () => {
    const ids: string[] = [];
    for (let b = 0; b < BULKS; b++) {
      const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send(bulk(String.fromCharCode(65 + b))).expect(202);
      expect(res.body).toMatchObject({ accepted: PER_BULK, rejected: [] });
      ids.push(res.body.ingestionId);
    }
    const total = BULKS * PER_BULK;
    const jobs = total / CHUNK;

    // A small concurrency, so that at SIGTERM some jobs are in flight and others still wait.
    const first = children.app('worker', [], { ...api.env, LOG_LEVEL: 'log', INGEST_CONCURRENCY: '4' });
    const { queue, close } = openQueue(api.env);
    try {
      await until(() => count(api, 'SELECT COUNT(*) AS n FROM placements'), (n) => n > 0, 60_000, 'first rows');
      const inFlight = await until(() => queue.getActive(), (a) => a.length > 0, 10_000, 'jobs in flight');
      first.proc.kill('SIGTERM');

      const exit = await first.waitForExit(60_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(first.stderr).toMatch(/draining ingestion worker on SIGTERM/);
      expect(first.stderr).toMatch(/ingestion worker drained/);

      // Every job the worker held was finished and committed; the others still wait.
      for (const job of inFlight) expect(await job.getState()).toBe('completed');
      const counts = await queue.getJobCounts('active', 'completed', 'failed', 'waiting', 'delayed', 'prioritized');
      expect(counts.active).toBe(0);
      expect(counts.failed).toBe(0);
      expect(counts.completed).toBeGreaterThanOrEqual(inFlight.length);
      expect(counts.waiting + counts.prioritized + counts.delayed).toBeGreaterThan(0);
      expect(counts.completed + counts.waiting + counts.prioritized + counts.delayed).toBe(jobs);

      // The database holds exactly the completed jobs: whole chunks, nothing half-written.
      const completed = await queue.getCompleted(0, -1);
      const committed: { ingestion_id: string; chunk: number }[] = await api.dataSource.query(
        'SELECT ingestion_id, chunk FROM ingestion_chunks',
      );
      expect(committed.map((c) => `${c.ingestion_id}|${Number(c.chunk)}`).sort()).toEqual(
        completed.map((j) => `${j.data.ingestionId}|${j.data.chunk}`).sort(),
      );
      expect(await count(api, 'SELECT COUNT(*) AS n FROM placements')).toBe(completed.length * CHUNK);
      expect(await count(api, 'SELECT COUNT(*) AS n FROM placement_events')).toBe(completed.length * CHUNK);
    } finally {
      await close();
    }

    // A new worker takes what was left.
    const second = children.app('worker', [], { ...api.env, LOG_LEVEL: 'log' });
    for (const id of ids) {
      expect(await waitForIngestion(api, id, 60_000)).toMatchObject({
        state: 'completed',
        accepted: PER_BULK,
        inserted: PER_BULK,
        duplicates: 0,
        rejected: 0,
      });
    }
    expect(await count(api, 'SELECT COUNT(*) AS n FROM placements')).toBe(total);
    expect(await count(api, 'SELECT COUNT(*) AS n FROM placement_events')).toBe(total);
    expect(await count(api, 'SELECT COUNT(*) AS n FROM ingestion_chunks')).toBe(jobs);
    const list = await api.http().get('/api/orgs/daxiang/placements?pageSize=1').expect(200);
    expect(list.body.total).toBe(total);

    second.proc.kill('SIGTERM');
    expect(await second.waitForExit(30_000)).toEqual({ code: 0, signal: null });
    expect(second.stderr).toMatch(/ingestion worker drained/);
  }, 180_000);
});

/**
 * The same for `npm start` (main.js --with-worker): the ingestion worker runs
 * on a worker thread of the API's process. SIGTERM closes the API, lets the
 * thread's worker commit what it holds, and exits 0.
 */
describe('npm start stopped with SIGTERM in the middle of an ingestion', () => {
  const children = new Children();
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi({ withWorker: false });
  });
  afterAll(async () => {
    await children.killAll();
    // Closing the API also removes the test's queue keys from Redis.
    await api?.close();
  });

  it('drains its worker thread, exits 0, and a worker finishes the rest exactly', async () => {
    const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send(bulk('N')).expect(202);
    const jobs = PER_BULK / CHUNK;
    const port = await freePort();
    const started = children.app('api', ['--with-worker'], { ...api.env, LOG_LEVEL: 'log', INGEST_CONCURRENCY: '2', PORT: String(port) });
    await started.waitForOutput(/Placement Ledger API on/, 60_000);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(started.stderr).toMatch(/ingestion and report workers ready on a worker thread/);

    const { queue, close } = openQueue(api.env);
    try {
      await until(() => count(api, 'SELECT COUNT(*) AS n FROM placements'), (n) => n > 0, 60_000, 'first rows');
      const inFlight = await until(() => queue.getActive(), (a) => a.length > 0, 10_000, 'jobs in flight');
      started.proc.kill('SIGTERM');
      expect(await started.waitForExit(60_000)).toEqual({ code: 0, signal: null });
      expect(started.stderr).toMatch(/SIGTERM: closing the API, then draining the worker thread/);
      expect(started.stderr).toMatch(/ingestion worker drained/);

      for (const job of inFlight) expect(await job.getState()).toBe('completed');
      const counts = await queue.getJobCounts('active', 'failed');
      expect(counts).toEqual({ active: 0, failed: 0 });
      const completed = await queue.getCompleted(0, -1);
      expect(await count(api, 'SELECT COUNT(*) AS n FROM placements')).toBe(completed.length * CHUNK);
    } finally {
      await close();
    }

    const worker = children.app('worker', [], { ...api.env, LOG_LEVEL: 'log' });
    expect(await waitForIngestion(api, res.body.ingestionId, 60_000)).toMatchObject({ state: 'completed', inserted: PER_BULK, duplicates: 0 });
    expect(await count(api, 'SELECT COUNT(*) AS n FROM placements')).toBe(PER_BULK);
    expect(await count(api, 'SELECT COUNT(*) AS n FROM ingestion_chunks')).toBe(jobs);
    worker.proc.kill('SIGTERM');
    expect(await worker.waitForExit(30_000)).toEqual({ code: 0, signal: null });
  }, 180_000);
});
