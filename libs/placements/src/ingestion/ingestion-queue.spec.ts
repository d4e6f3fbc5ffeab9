import { Queue } from 'bullmq';
import { loadConfig } from '@pl/config';
import { JobsConnections } from '@pl/jobs';
import { REDIS_URL, deleteRedisKeys, uniquePrefix } from '../../../../test/support/harness';
import { INGESTION_QUEUE, IngestionJob, RecordPlacementsInput } from './contract';
import { IngestionQueue, packJobs } from './ingestion-queue';

const draft = (title: string, row?: number) => ({
  channelId: 1,
  title,
  publishedOn: '2021-05-12',
  url: null,
  section: null,
  prominence: 'normal' as const,
  genre: null,
  authors: [],
  note: null,
  ...(row === undefined ? {} : { row }),
});

const record = (id: string, placements = 1): RecordPlacementsInput => ({
  ingestionId: id,
  chunk: 0,
  accepted: placements,
  organizationId: 1,
  source: 'editor',
  actor: 'editor:pack',
  placements: Array.from({ length: placements }, (_, i) => draft(`${id} 第${i}篇`, i)),
});

const single = (id: string, placements = 1): IngestionJob[] => [{ name: 'placements.record', data: record(id, placements) }];

describe('packJobs (the producer packs single submissions into one queue job)', () => {
  it('packs the single record jobs of one flush into one batch job, in order', () => {
    const jobs = packJobs([single('a'), single('b'), single('c')]);
    expect(jobs).toEqual([{ name: 'placements.record-batch', data: { records: [record('a'), record('b'), record('c')] } }]);
  });

  it('leaves a single record alone as it is', () => {
    expect(packJobs([single('a')])).toEqual(single('a'));
  });

  it('passes bulk calls (several chunks), large records and other jobs through unchanged', () => {
    const bulk: IngestionJob[] = [
      { name: 'placements.record', data: { ...record('bulk', 2), chunk: 0 } },
      { name: 'placements.record', data: { ...record('bulk', 2), chunk: 1 } },
    ];
    const status: IngestionJob[] = [
      { name: 'placement.set-status', data: { ingestionId: 's', organizationId: 1, placementId: 7, status: 'confirmed', actor: 'editor:x' } },
    ];
    const large = single('large', 500);
    const jobs = packJobs([single('a'), bulk, large, status, single('b')]);
    expect(jobs.map((j) => j.name)).toEqual(['placements.record', 'placements.record', 'placements.record', 'placement.set-status', 'placements.record-batch']);
    expect(jobs.slice(0, 4)).toEqual([...bulk, ...large, ...status]);
    expect(jobs[4]).toEqual({ name: 'placements.record-batch', data: { records: [record('a'), record('b')] } });
  });

  it('starts a new batch when the next record would take one past 500 placements', () => {
    const calls = Array.from({ length: 6 }, (_, i) => single(`r${i}`, 120)); // 720 placements
    const jobs = packJobs(calls);
    expect(jobs.map((j) => (j.name === 'placements.record-batch' ? j.data.records.map((r) => r.ingestionId) : [j.data]))).toEqual([
      ['r0', 'r1', 'r2', 'r3'],
      ['r4', 'r5'],
    ]);
  });
});

describe('IngestionQueue (real Redis)', () => {
  const prefix = uniquePrefix();
  let connections: JobsConnections;
  let producer: IngestionQueue;
  let queue: Queue;

  beforeAll(async () => {
    connections = new JobsConnections(loadConfig({ NODE_ENV: 'test', REDIS_URL, QUEUE_PREFIX: prefix }));
    await connections.onModuleInit();
    producer = new IngestionQueue(connections);
    queue = new Queue(INGESTION_QUEUE, { connection: { url: REDIS_URL }, prefix });
  });
  afterAll(async () => {
    await queue.close();
    await connections.onApplicationShutdown();
    await deleteRedisKeys(prefix);
  });

  it('sends concurrent single submissions as few queue jobs carrying every record once, with their receipts', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `pack-${i}`);
    await Promise.all(
      ids.map((id) =>
        producer.enqueue(single(id), { id, organizationId: 1, kind: 'placements', received: 1, accepted: 1, rejected: 0 }),
      ),
    );
    const jobs = await queue.getJobs(['waiting']);
    const carried = jobs.flatMap((j) => (j.name === 'placements.record-batch' ? j.data.records : [j.data])).map((r: RecordPlacementsInput) => r.ingestionId);
    expect(carried.sort()).toEqual([...ids].sort());
    // One flush in flight at a time: the calls of one event-loop turn share one job.
    expect(jobs.length).toBeLessThanOrEqual(2);
    expect(jobs.some((j) => j.name === 'placements.record-batch')).toBe(true);
    for (const id of ids) expect(await producer.pendingReceipt(id)).toMatchObject({ id, kind: 'placements', accepted: 1 });
  });
});
