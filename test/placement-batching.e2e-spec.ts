import { randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import type { PlacementDraft } from '@pl/domain';
import { IngestionJob, IngestionQueue, RecordPlacementsInput } from '@pl/placements';
import { startApi, tableCounts, TestApi, waitForIngestion } from './support/harness';

/**
 * Single submissions that arrive together share one queue job
 * ('placements.record-batch'): each still gets its own ingestion, is stored
 * once, and a replay or a bad neighbour changes nothing for the others.
 */
describe('single submissions batched through the queue', () => {
  let api: TestApi;
  let queue: IngestionQueue;
  let orgId: number;
  let channelIds: number[];

  const draft = (title: string, channelId = channelIds[0]): PlacementDraft => ({
    channelId,
    title,
    publishedOn: '2021-06-01',
    url: null,
    section: null,
    prominence: 'normal',
    genre: null,
    authors: [],
    note: null,
  });
  const record = (title: string, channelId?: number): RecordPlacementsInput => ({
    ingestionId: randomUUID(),
    chunk: 0,
    accepted: 1,
    organizationId: orgId,
    source: 'editor',
    actor: 'editor:test',
    placements: [draft(title, channelId)],
  });

  /** Polls until the job has finished; returns it with its final state. */
  async function finished(id: string): Promise<{ job: Job; state: string }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = await queue.queue.getJobState(id);
      if (state === 'completed' || state === 'failed') {
        // Read after the state, so that the job carries its result.
        const job = await queue.queue.getJob(id);
        if (job) return { job, state };
      }
      if (Date.now() > deadline) throw new Error(`job ${id} still ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function batchJobs(): Promise<Job[]> {
    const jobs = await queue.queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'], 0, -1);
    return jobs.filter((j) => j.name === 'placements.record-batch');
  }

  beforeAll(async () => {
    api = await startApi();
    queue = api.app.get(IngestionQueue);
    const [org] = await api.dataSource.query(`SELECT id FROM organizations WHERE slug = 'daxiang'`);
    orgId = Number(org.id);
    channelIds = (await api.dataSource.query('SELECT id FROM channels ORDER BY id')).map((c: { id: number }) => Number(c.id));
  });
  afterAll(async () => {
    await queue.queue.obliterate({ force: true });
    await api.close();
  });

  it('gives each of many concurrent single POSTs its own completed ingestion and row', async () => {
    const titles = Array.from({ length: 40 }, (_, i) => `大祥区并发上稿第${i}篇：社区服务提质增效`);
    const responses = await Promise.all(
      titles.map((title) => api.http().post('/api/orgs/daxiang/placements').send({ channel: '邵阳日报', title, publishedOn: '2021-06-02' })),
    );
    expect(responses.map((r) => r.status)).toEqual(titles.map(() => 202));
    const ids = responses.map((r) => r.body.ingestionId as string);
    expect(new Set(ids).size).toBe(titles.length);
    for (const id of ids) {
      expect(await waitForIngestion(api, id)).toMatchObject({ state: 'completed', received: 1, accepted: 1, inserted: 1, duplicates: 0 });
    }
    const list = await api.http().get('/api/orgs/daxiang/placements?pageSize=100&from=2021-06-02&to=2021-06-02').expect(200);
    expect(list.body.total).toBe(titles.length);
    expect(list.body.items.map((p: { title: string }) => p.title).sort()).toEqual([...titles].sort());
  });

  it('packs single records enqueued together into one job, and each lands in its own ingestion', async () => {
    const before = (await batchJobs()).length;
    const records = Array.from({ length: 25 }, (_, i) => record(`打包入队第${i}篇：大祥区基层治理见闻`));
    await Promise.all(records.map((data) => queue.enqueue([{ name: 'placements.record', data }])));

    const batches = await batchJobs();
    expect(batches.length).toBe(before + 1);
    const batch = batches.find((j) => (j.data.records as RecordPlacementsInput[]).some((r) => r.ingestionId === records[0].ingestionId));
    expect(batch?.data.records).toHaveLength(records.length);
    const { job, state } = await finished(batch!.id!);
    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ records: 25, inserted: 25, duplicates: 0, replayed: 0 });
    for (const r of records) {
      expect(await waitForIngestion(api, r.ingestionId)).toMatchObject({ state: 'completed', accepted: 1, inserted: 1 });
    }
  });

  it('changes nothing when a batch is delivered again', async () => {
    const records = [record('重放批次第一篇：大祥区文明创建'), record('重放批次第二篇：大祥区文明创建')];
    const job: IngestionJob = { name: 'placements.record-batch', data: { records } };
    const first = await queue.queue.add(job.name, job.data);
    expect((await finished(first.id!)).state).toBe('completed');
    const counts = await tableCounts(api.dataSource);

    const again = await queue.queue.add(job.name, job.data);
    const { job: replay, state } = await finished(again.id!);
    expect(state).toBe('completed');
    expect(replay.returnvalue).toMatchObject({ records: 2, inserted: 0, replayed: 2 });
    expect(await tableCounts(api.dataSource)).toEqual(counts);
    for (const r of records) expect(await waitForIngestion(api, r.ingestionId)).toMatchObject({ inserted: 1, duplicates: 0 });
  });

  it('completes a batch with a record that can never succeed, counting it as rejected with its reason and keeping its neighbours', async () => {
    const good = [record('坏邻居批次第一篇：大祥区产业园'), record('坏邻居批次第二篇：大祥区产业园')];
    const bad = record('坏邻居批次：不存在的渠道', 999_999);
    const added = await queue.queue.add('placements.record-batch', { records: [good[0], bad, good[1]] });
    const { job, state } = await finished(added.id!);
    expect(state).toBe('completed');
    expect(job.attemptsMade).toBe(1); // one attempt, no retry
    expect(job.returnvalue).toMatchObject({ records: 3, inserted: 2, rejected: [{ ingestionId: bad.ingestionId, row: 0, field: 'channel', message: 'unknown channel id 999999' }] });

    for (const r of good) expect(await waitForIngestion(api, r.ingestionId)).toMatchObject({ state: 'completed', inserted: 1 });
    const refused = await api.http().get(`/api/ingestions/${bad.ingestionId}`).expect(200);
    expect(refused.body).toMatchObject({ state: 'completed', accepted: 1, inserted: 0, rejected: 1 });
    const stored = await api.dataSource.query(`SELECT COUNT(*) AS n FROM placements WHERE title LIKE '坏邻居批次%'`);
    expect(Number(stored[0].n)).toBe(2);
  });

  /**
   * Poison fed to the worker directly, past the edge that refuses it: text
   * neither database can store (a NUL, which PostgreSQL refuses in text and
   * JSON; a lone surrogate; a C1 control) in a draft, and a NUL in the
   * actor. Each bad draft is counted in `rejected` with its reason, the other
   * drafts of its job and of the batch are written, every job completes at
   * its first attempt and every ingestion ends.
   */
  it('a batch of poison drafts: each is rejected with a reason, everything else is written, every ingestion ends', async () => {
    const mixed = { ...record('毒批次：同一任务的好稿一'), accepted: 5 };
    mixed.placements = [
      draft('毒批次：同一任务的好稿一'),
      { ...draft('毒批次：空字符\u0000标题'), row: 1 },
      { ...draft('毒批次：孤立代理项\ud800标题'), row: 2 },
      { ...draft('毒批次：C1 控制符栏目'), section: '要闻\u009b31m', row: 3 },
      { ...draft('毒批次：同一任务的好稿二'), row: 4 },
    ];
    const nulActor = { ...record('毒批次：操作人带空字符'), actor: 'editor:张\u0000三' };
    const neighbour = record('毒批次：隔壁的好稿');
    const batch = await queue.queue.add('placements.record-batch', { records: [mixed, nulActor, neighbour] });
    const single = await queue.queue.add('placements.record', { ...record('毒批次：单独任务的好稿'), placements: [draft('毒批次：单独任务的好稿'), { ...draft('毒批次：单独\u0000任务'), row: 1 }], accepted: 2 });

    const done = await finished(batch.id!);
    expect(done.state).toBe('completed');
    expect(done.job.attemptsMade).toBe(1); // one attempt, no retry
    const rejected = (done.job.returnvalue as { rejected: { ingestionId: string; row: number; field: string; message: string }[] }).rejected;
    expect(rejected.map((r) => [r.row, r.field])).toEqual([
      [1, 'title'],
      [2, 'title'],
      [3, 'section'],
    ]);
    expect(rejected.map((r) => r.message)).toEqual([
      'title must not contain control characters (found U+0000)',
      expect.stringContaining('lone surrogates (found U+D800'),
      'section must not contain control characters (found U+009B)',
    ]);
    const alone = await finished(single.id!);
    expect(alone.state).toBe('completed');
    expect(alone.job.returnvalue).toMatchObject({ inserted: 1, rejected: [{ row: 1, field: 'title' }] });

    expect(await waitForIngestion(api, mixed.ingestionId)).toMatchObject({ state: 'completed', accepted: 5, inserted: 2, rejected: 3 });
    expect(await waitForIngestion(api, nulActor.ingestionId)).toMatchObject({ state: 'completed', inserted: 1, rejected: 0 });
    expect(await waitForIngestion(api, neighbour.ingestionId)).toMatchObject({ state: 'completed', inserted: 1 });
    const stored: { title: string }[] = await api.dataSource.query(`SELECT title FROM placements WHERE title LIKE '毒批次%' ORDER BY title`);
    expect(stored.map((r) => r.title).sort()).toEqual(
      ['毒批次：同一任务的好稿一', '毒批次：同一任务的好稿二', '毒批次：操作人带空字符', '毒批次：隔壁的好稿', '毒批次：单独任务的好稿'].sort(),
    );
    // The actor is kept, with what cannot be stored replaced.
    const [event] = await api.dataSource.query(
      `SELECT e.actor FROM placement_events e JOIN placements p ON p.id = e.placement_id WHERE p.title = '毒批次：操作人带空字符'`,
    );
    expect(event.actor).toBe('editor:张\ufffd三');
  });

  /**
   * A placement the database itself refuses, past every check before it (a
   * constraint, text PostgreSQL cannot store that slipped past the edge and
   * the job's schema): here a rule the test adds to the placements table,
   * refusing titles with 数据库拒收 — a CHECK on PostgreSQL, a trigger on
   * SQLite. The group commit of several jobs fails; the worker writes each
   * job alone, and the one the database refuses draft by draft: only the
   * refused draft is counted in `rejected` with the database's reason, its
   * neighbours in the job and the batch are written, every job completes at
   * its first attempt and every ingestion ends.
   */
  it('a placement the database refuses: only it is rejected with the reason, the rest of its job and group commit written', async () => {
    const pg = api.dataSource.options.type === 'postgres';
    await api.dataSource.query(
      pg
        ? `ALTER TABLE placements ADD CONSTRAINT test_refused_title CHECK (position('数据库拒收' in title) = 0)`
        : `CREATE TRIGGER test_refused_title BEFORE INSERT ON placements WHEN instr(NEW.title, '数据库拒收') > 0 BEGIN SELECT RAISE(ABORT, 'title refused by a test rule'); END`,
    );
    try {
      const before = await tableCounts(api.dataSource);
      const mixed = { ...record('拒收批次：同一任务的好稿一'), accepted: 3 };
      mixed.placements = [draft('拒收批次：同一任务的好稿一'), { ...draft('拒收批次：数据库拒收的稿件'), row: 1 }, { ...draft('拒收批次：同一任务的好稿二'), row: 2 }];
      const neighbours = [record('拒收批次：隔壁的好稿一'), record('拒收批次：隔壁的好稿二')];
      // Added together: the worker takes them at once and group-commits them.
      const [batch, single, other] = await queue.queue.addBulk([
        { name: 'placements.record-batch', data: { records: [neighbours[0], mixed] } },
        { name: 'placements.record', data: neighbours[1] },
        { name: 'placements.record', data: { ...record('拒收批次：整个任务只有拒收稿'), placements: [draft('拒收批次：数据库拒收，独自一篇')] } },
      ]);

      const done = await finished(batch.id!);
      expect(done.state).toBe('completed');
      expect(done.job.attemptsMade).toBe(1);
      expect(done.job.returnvalue).toMatchObject({
        records: 2,
        inserted: 3,
        rejected: [{ ingestionId: mixed.ingestionId, row: 1, field: 'placement', message: expect.stringMatching(/^the database refused it: .*(test_refused_title|title refused by a test rule)/) }],
      });
      for (const j of [single, other]) {
        const f = await finished(j.id!);
        expect({ state: f.state, attempts: f.job.attemptsMade }).toEqual({ state: 'completed', attempts: 1 });
      }

      expect(await waitForIngestion(api, mixed.ingestionId)).toMatchObject({ state: 'completed', accepted: 3, inserted: 2, rejected: 1 });
      for (const n of neighbours) expect(await waitForIngestion(api, n.ingestionId)).toMatchObject({ state: 'completed', inserted: 1 });
      const otherData = (other.data as RecordPlacementsInput);
      expect(await waitForIngestion(api, otherData.ingestionId)).toMatchObject({ state: 'completed', accepted: 1, inserted: 0, rejected: 1 });
      const stored: { title: string }[] = await api.dataSource.query(`SELECT title FROM placements WHERE title LIKE '拒收批次%'`);
      expect(stored.map((r) => r.title).sort()).toEqual(['拒收批次：同一任务的好稿一', '拒收批次：同一任务的好稿二', '拒收批次：隔壁的好稿一', '拒收批次：隔壁的好稿二'].sort());
      const after = await tableCounts(api.dataSource);
      expect(after.placements - before.placements).toBe(4);
      expect(after.placement_events - before.placement_events).toBe(4);
    } finally {
      await api.dataSource.query(pg ? `ALTER TABLE placements DROP CONSTRAINT test_refused_title` : `DROP TRIGGER test_refused_title`);
    }
  });
});
