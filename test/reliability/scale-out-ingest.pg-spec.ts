import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { INGESTION_QUEUE } from '@pl/placements';
import { countOf, startApi, TestApi, tokenFor } from '../support/harness';
import { Child, Children, openQueue, sleep, until } from '../support/processes';

const WORKERS = 3;
const BULKS = 9;
const PER_BULK = 10_000;
const SINGLES = 10_000;
/** Single POSTs with a bad date sent among the others: 400 naming the field, nothing written. */
const INVALID_SINGLES = 100;
/** Keep-alive connections the single POSTs (and the final reads) share, one request in flight on each. */
const CONNECTIONS = 8;
const ACCEPTED = BULKS * PER_BULK + SINGLES;
/** Stories of each bulk of its own (the rest of the bulk repeats stories sent elsewhere). */
const BULK_OWN = 9_000;
/** Stories only single POSTs send: 9,000 (the rest of the single POSTs repeat bulks' stories). */
const SINGLE_OWN = 9_000;
const DISTINCT = BULKS * BULK_OWN + SINGLE_OWN;
const MARK = '扩容写入';

const entry = (story: number) => ({
  channel: '红网',
  title: `${MARK}第${story}篇：大祥区三台写入进程`,
  publishedOn: `2021-${String((story % 12) + 1).padStart(2, '0')}-${String((story % 28) + 1).padStart(2, '0')}`,
});
const storyOf = (title: string) => Number(/第(\d+)篇/.exec(title)![1]);

/**
 * The stories each submission carries, 10% of the 100,000 sent a second time
 * in another job (never twice in one), across the two streams:
 * - bulk k: its own 9,000 stories, 500 of the previous bulk's (bulk 8's for
 *   bulk 0) and 500 of the single POSTs' own, every tenth entry a repeat;
 * - the single POSTs: their own 9,000 stories and, every tenth, one of the
 *   bulks' (111 of each bulk's, not those the bulks repeat).
 */
const bulkStories = (k: number): number[] => {
  const out: number[] = [];
  let own = 0;
  let repeated = 0;
  for (let i = 0; i < PER_BULK; i++) {
    if (i % 10 === 9) {
      out.push(repeated < 500 ? ((k + BULKS - 1) % BULKS) * BULK_OWN + repeated : BULKS * BULK_OWN + k * 500 + (repeated - 500));
      repeated++;
    } else out.push(k * BULK_OWN + own++);
  }
  return out;
};
const singleStories = (): number[] => {
  const out: number[] = [];
  let own = 0;
  let repeated = 0;
  for (let i = 0; i < SINGLES; i++) {
    if (i % 10 === 9) {
      out.push((repeated % BULKS) * BULK_OWN + 500 + Math.floor(repeated / BULKS));
      repeated++;
    } else out.push(BULKS * BULK_OWN + own++);
  }
  return out;
};

/** A JSON answer of the API, as read here. */
interface Answer {
  ingestionId?: string;
  errors?: { field: string }[];
  state?: string;
  received?: number;
  accepted?: number;
  inserted?: number;
  duplicates?: number;
  rejected?: number;
}

/** A minimal JSON client over keep-alive connections (node:http's agent, at most CONNECTIONS sockets). */
function jsonClient(port: number, authorization: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const send = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: Answer | null }>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: { Authorization: authorization, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
            } catch (e) {
              reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)} (${e})`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  /** Runs `task` for 0..n−1, CONNECTIONS at a time. */
  const each = async (n: number, task: (i: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < n) await task(next++);
      }),
    );
  };
  return { send, each, close: () => agent.destroy() };
}

/**
 * Ingestion scale-out on PostgreSQL (`npm run test:pg` only, see
 * jest.config.js): the API and three worker processes from dist/ share
 * 100,000 placements sent at once as nine bulks of 10,000 and 10,000 single
 * POSTs over eight keep-alive connections (plus 100 invalid single POSTs).
 * 10,000 of them are stories sent a second time in another job: bulks repeat
 * other bulks' and the single POSTs' stories, single POSTs repeat bulks'.
 * One worker is killed with SIGKILL while it holds jobs (the locks of the
 * active jobs in Redis carry its BullMQ worker id). The other two write
 * everything: each story once with one creation event, by one of the
 * ingestions that sent it; every ingestion the API answered with ends with
 * its entries counted once; the dead worker's jobs come back once each and
 * no job of the live ones stalls.
 * (The crawlers' scale-out is test/reliability/scale-out-crawl.pg-spec.ts.)
 */
describe('scale-out on PostgreSQL: three worker processes ingesting 100,000 placements from bulks and single POSTs, one killed', () => {
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
   * processedBy (the worker's name, host:pid, field pb of the job's hash), for those whose lock is still
   * there (a dead worker's lasts until it expires). Read from the job hashes
   * field by field: the jobs' data (up to 300 chunks of 500 placements) is
   * not fetched, the API shares this process.
   */
  async function activeByProcess(): Promise<{ id: string; name: string; pid: number }[]> {
    const key = `${api.env.QUEUE_PREFIX}:${INGESTION_QUEUE}`;
    const ids = await redis.lrange(`${key}:active`, 0, -1);
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hmget(`${key}:${id}`, 'name', 'pb').exists(`${key}:${id}:lock`);
    const answers = (await pipeline.exec()) ?? [];
    const out: { id: string; name: string; pid: number }[] = [];
    ids.forEach((id, i) => {
      const [name, processedBy] = answers[2 * i][1] as [string | null, string | null];
      const locked = answers[2 * i + 1][1] === 1;
      if (locked && processedBy) out.push({ id, name: name ?? '?', pid: Number(processedBy.split(':').pop()) });
    });
    return out;
  }
  const startWorker = async (): Promise<Child> => {
    const w = children.app('worker', [], { ...api.env, LOG_LEVEL: 'log' });
    await w.waitForOutput(/serving queue \\?"ingestion/, 120_000);
    return w;
  };

  it('writes every accepted placement exactly once and ends every ingestion', async () => {
    const bulks = Array.from({ length: BULKS }, (_, k) => bulkStories(k));
    const singles = singleStories();
    // The load as designed: 100,000 sent, 90,000 stories, none sent more than twice.
    const times = new Map<number, number>();
    for (const s of [...bulks.flat(), ...singles]) times.set(s, (times.get(s) ?? 0) + 1);
    expect({ sent: ACCEPTED, stories: times.size, most: Math.max(...times.values()) }).toEqual({ sent: 100_000, stories: DISTINCT, most: 2 });

    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    const { token } = await tokenFor(api, 'scale-out', api.admin.username);
    const client = jsonClient(port, `Bearer ${token}`);
    const { queue, close } = openQueue(api.env);
    // Every job added, completed, failed or taken back from a dead worker (BullMQ's events; completed jobs are trimmed from the queue).
    const events = new QueueEvents(INGESTION_QUEUE, { connection: { url: api.env.REDIS_URL }, prefix: api.env.QUEUE_PREFIX });
    const added = new Map<string, string>();
    const completed = new Set<string>();
    const failed: string[] = [];
    const stalled: string[] = [];
    events.on('added', ({ jobId, name }) => added.set(jobId, name));
    events.on('completed', ({ jobId }) => completed.add(jobId));
    events.on('failed', ({ jobId, failedReason }) => failed.push(`${jobId}: ${failedReason}`));
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    try {
      // All workers up before the load, so that each takes jobs from the start.
      const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker()));
      const startedAt = Date.now();
      const phase = (what: string) => process.stderr.write(`[scale-out] ${((Date.now() - startedAt) / 1000).toFixed(1)} s ${what}\n`);

      // The two streams at once: the bulks one after another, the single POSTs CONNECTIONS at a time.
      const bulkIds: string[] = [];
      const sendingBulks = (async () => {
        for (const stories of bulks) {
          const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements: stories.map(entry) }).expect(202);
          expect(res.body).toMatchObject({ accepted: PER_BULK, rejected: [] });
          bulkIds.push(res.body.ingestionId);
        }
      })();
      const singleIds: string[] = new Array(SINGLES);
      const refused: { status: number; field?: string }[] = [];
      let singlesAnswered = 0;
      const sendingSingles = client.each(SINGLES + INVALID_SINGLES, async (i) => {
        // Every 101st request a bad date (an entry of its own, never a story of the load).
        if (i % 101 === 100) {
          const bad = { ...entry(1_000_000 + i), publishedOn: '2021-13-45' };
          const res = await client.send('POST', '/api/orgs/daxiang/placements', bad);
          refused.push({ status: res.status, field: res.body?.errors?.[0]?.field });
        } else {
          const n = i - Math.floor(i / 101);
          const res = await client.send('POST', '/api/orgs/daxiang/placements', entry(singles[n]));
          if (res.status !== 202) throw new Error(`single POST ${n}: ${res.status} ${JSON.stringify(res.body)}`);
          singleIds[n] = res.body!.ingestionId!;
        }
        singlesAnswered++;
      });

      // Midway, once a tenth of the rows are in, the first worker seen holding a bulk chunk is killed (the single POSTs still going).
      const pids = new Set(workers.map((w) => w.proc.pid!));
      const { active } = await until(
        async () => ({ rows: await count(`SELECT COUNT(*) AS n FROM placements`), singles: singlesAnswered, active: await activeByProcess() }),
        // A bulk chunk (500 placements), not only a job of a few single POSTs, which may be done before the signal lands.
        ({ rows, active: a }) => rows >= DISTINCT / 10 && a.some((j) => pids.has(j.pid) && j.name === 'placements.record'),
        300_000,
        'a worker holding jobs, a tenth written',
      );
      const victimPid = active.find((j) => pids.has(j.pid) && j.name === 'placements.record')!.pid;
      const victim = workers.find((w) => w.proc.pid === victimPid)!;
      const live = workers.filter((w) => w !== victim);
      phase('killing');
      const exit = await victim.kill('SIGKILL');
      const killedAt = Date.now();
      expect(exit.signal).toBe('SIGKILL');
      // Its locks outlive it until they expire: read right after the kill, they say what it held.
      const heldJobs = (await activeByProcess()).filter((j) => j.pid === victimPid);
      const held = new Set(heldJobs.map((j) => j.id));
      const rowsAtKill = await count(`SELECT COUNT(*) AS n FROM placements`);
      const atKill = { singles: singlesAnswered, bulks: bulkIds.length };
      expect(rowsAtKill).toBeLessThan(DISTINCT);

      await Promise.all([sendingBulks, sendingSingles]);
      phase('sent');
      const sentMs = Date.now() - startedAt;
      expect(bulkIds.length).toBe(BULKS);
      expect(singleIds.filter(Boolean).length).toBe(SINGLES);
      expect(new Set([...bulkIds, ...singleIds]).size).toBe(BULKS + SINGLES);
      // The invalid ones: refused naming the field, never queued.
      expect(refused).toEqual(Array.from({ length: INVALID_SINGLES }, () => ({ status: 400, field: 'publishedOn' })));

      // Every ingestion ends (its row counts each of its entries once: inserted or a duplicate).
      await until(
        async () => {
          await sleep(250);
          return count(`SELECT COUNT(*) AS n FROM ingestions WHERE accepted > 0 AND inserted + duplicates + worker_rejected >= accepted`);
        },
        (n) => n === BULKS + SINGLES,
        400_000,
        'every ingestion ended',
      );
      phase('ingestions ended');
      const doneMs = Date.now() - killedAt;
      for (const w of live) expect(w.running).toBe(true);

      // …as the API tells each one of them.
      const views = new Map<string, Required<Omit<Answer, 'ingestionId' | 'errors'>>>();
      const ids = [...bulkIds, ...singleIds];
      await client.each(ids.length, async (i) => {
        const res = await client.send('GET', `/api/ingestions/${ids[i]}`);
        expect(res.status).toBe(200);
        views.set(ids[i], res.body as Required<Answer>);
      });
      phase('views read');
      for (const id of bulkIds) {
        const v = views.get(id)!;
        expect(v).toMatchObject({ state: 'completed', received: PER_BULK, accepted: PER_BULK, rejected: 0 });
        expect(v.inserted + v.duplicates).toBe(PER_BULK);
      }
      for (const id of singleIds) {
        const v = views.get(id)!;
        expect(v).toMatchObject({ state: 'completed', received: 1, accepted: 1, rejected: 0 });
        expect(v.inserted + v.duplicates).toBe(1);
      }
      const all = [...views.values()];
      expect(all.reduce((s, v) => s + v.inserted, 0)).toBe(DISTINCT);
      expect(all.reduce((s, v) => s + v.duplicates, 0)).toBe(ACCEPTED - DISTINCT);

      // Every story once, with one creation event, inserted by one of the ingestions that sent it.
      expect(await count(`SELECT COUNT(*) AS n FROM placements`)).toBe(DISTINCT);
      expect(await count(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM placements GROUP BY organization_id, dedup_key HAVING COUNT(*) > 1) d`)).toBe(0);
      expect(await count(`SELECT COUNT(*) AS n FROM placement_events`)).toBe(DISTINCT);
      expect(await count(`SELECT COUNT(*) AS n FROM (SELECT placement_id FROM placement_events GROUP BY placement_id HAVING COUNT(*) <> 1) d`)).toBe(0);
      expect(
        await count(
          `SELECT COUNT(*) AS n FROM ingestions i LEFT JOIN (SELECT ingestion_id, COUNT(*) AS c FROM placement_events GROUP BY ingestion_id) e
           ON e.ingestion_id = i.id WHERE i.inserted <> COALESCE(e.c, 0)`,
        ),
      ).toBe(0);
      phase('db checked');
      const senders = new Map<number, Set<string>>();
      const sentBy = (story: number, id: string) => (senders.get(story) ?? senders.set(story, new Set()).get(story)!).add(id);
      bulks.forEach((stories, k) => stories.forEach((s) => sentBy(s, bulkIds[k])));
      singles.forEach((s, n) => sentBy(s, singleIds[n]));
      const written: { title: string; ingestion_id: string }[] = await api.dataSource.query(
        `SELECT p.title, e.ingestion_id FROM placements p JOIN placement_events e ON e.placement_id = p.id`,
      );
      const stories = new Set(written.map((r) => storyOf(r.title)));
      expect(stories.size).toBe(DISTINCT);
      expect(written.filter((r) => !senders.get(storyOf(r.title))?.has(r.ingestion_id))).toEqual([]);

      // The queue drained, nothing failed; the jobs taken back are exactly those the dead worker held, each once.
      await until(
        () => queue.getJobCounts('active', 'waiting', 'delayed'),
        (c) => c.active + c.waiting + c.delayed === 0,
        60_000,
        'queue drained',
      );
      await until(async () => completed.size, (n) => n === added.size, 30_000, 'every job completed');
      expect(failed).toEqual([]);
      expect([...completed].sort()).toEqual([...added.keys()].sort());
      expect(held.size).toBeGreaterThan(0);
      expect(stalled.length).toBe(held.size);
      expect(new Set(stalled)).toEqual(held);
      const jobsOf = (name: string) => [...added.values()].filter((n) => n === name).length;

      phase('queue checked');
      const heldBatches = heldJobs.filter((j) => j.name === 'placements.record-batch').length;
      console.log(
        `scale-out ingest (PostgreSQL, API + ${WORKERS} worker processes; ${BULKS} bulks of ${PER_BULK} and ${SINGLES} single POSTs over ${CONNECTIONS} keep-alive connections at once, ` +
          `${ACCEPTED - DISTINCT} of the ${ACCEPTED} stories sent again in other jobs, ${INVALID_SINGLES} invalid single POSTs refused with 400): ` +
          `${DISTINCT} placements written once each (target ${DISTINCT}), ${views.size} of ${BULKS + SINGLES} ingestions completed ` +
          `(inserted ${DISTINCT}, duplicates ${ACCEPTED - DISTINCT}, rejected 0), ${added.size} jobs (${jobsOf('placements.record-batch')} of them packing single POSTs) all completed, none failed; ` +
          `killed worker (pid ${victimPid}) held ${held.size} jobs at SIGKILL (${heldBatches} of single POSTs, ${held.size - heldBatches} bulk chunks) ` +
          `with ${rowsAtKill} rows written, ${atKill.singles} single POSTs and ${atKill.bulks} bulks answered by then; each job taken back once, none of the live workers' stalled; ` +
          `load sent in ${(sentMs / 1000).toFixed(1)} s; the other ${live.length} workers (pids ${live.map((w) => w.proc.pid).join(', ')}) finished every ingestion ${(doneMs / 1000).toFixed(1)} s after the kill`,
      );
    } finally {
      client.close();
      await events.close();
      await close();
    }
  }, 900_000);
});
