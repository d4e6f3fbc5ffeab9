import { randomUUID } from 'node:crypto';
import type { PlacementDraft } from '@pl/domain';
import { PlacementWriter } from '@pl/placements';
import type { RecordPlacementsJob } from '@pl/placements';
import { countOf, startApi, TestApi } from './support/harness';

/**
 * The worker's writer on large batches, as a backlog makes them (the group
 * commit takes up to INGEST_MAX_BATCH placements at once): every job is
 * counted on its own ingestion, the same story twice is stored once, a job
 * delivered again changes nothing — on both databases.
 */
describe('PlacementWriter on a batch of 1,500 jobs', () => {
  let api: TestApi;
  let writer: PlacementWriter;
  let orgId: number;
  let channelIds: number[];

  const draft = (title: string, i: number): PlacementDraft => ({
    channelId: channelIds[i % channelIds.length],
    title,
    publishedOn: `2021-${String((i % 12) + 1).padStart(2, '0')}-15`,
    url: null,
    section: null,
    prominence: 'normal',
    genre: null,
    authors: ['王芳'],
    note: null,
  });
  const single = (title: string, i: number): RecordPlacementsJob => ({
    ingestionId: randomUUID(),
    chunk: 0,
    accepted: 1,
    organizationId: orgId,
    source: 'editor',
    actor: `editor:批量${i % 7}`,
    placements: [draft(title, i)],
  });
  const ingestion = async (id: string) => {
    const rows = await api.dataSource.query(
      `SELECT received, accepted, inserted, duplicates, rejected FROM ingestions WHERE id = '${id}'`,
    );
    return rows.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])))[0];
  };

  beforeAll(async () => {
    api = await startApi({ withWorker: false });
    writer = new PlacementWriter(api.dataSource);
    const [org] = await api.dataSource.query(`SELECT id FROM organizations WHERE slug = 'daxiang'`);
    orgId = Number(org.id);
    channelIds = (await api.dataSource.query('SELECT id FROM channels ORDER BY id')).map((c: { id: number }) => Number(c.id));
  });
  afterAll(async () => {
    await api.close();
  });

  it('stores each placement once with its event, counts each ingestion, and changes nothing when the batch comes again', async () => {
    const jobs = Array.from({ length: 1500 }, (_, i) => single(`大祥区批量写入第${i}篇：城乡面貌新变化`, i));
    // A second ingestion carrying the same story as job 7: a duplicate, counted on its own ingestion.
    const twin = { ...single(`大祥区批量写入第7篇：城乡面貌新变化`, 7), placements: jobs[7].placements };
    // A job naming job 11's (ingestion, chunk) again in the same batch: a replay.
    const repeat = { ...jobs[11] };
    // A draft the worker refuses (a channel that does not exist), next to a valid one.
    const refused = { ...single('大祥区批量写入：未知渠道', 0), accepted: 2 };
    refused.placements = [{ ...draft('大祥区批量写入：未知渠道', 0), channelId: 999_999 }, draft('大祥区批量写入：同一任务的好稿', 3)];

    const outcomes = await writer.record([...jobs, twin, repeat, refused]);
    expect(outcomes.slice(0, 1500).every((o) => !o.replayed && o.inserted === 1 && o.duplicates === 0)).toBe(true);
    expect(outcomes[1500]).toEqual({ replayed: false, inserted: 0, duplicates: 1, refused: [] });
    expect(outcomes[1501]).toEqual({ replayed: true, inserted: 0, duplicates: 0, refused: [] });
    expect(outcomes[1502]).toMatchObject({ replayed: false, inserted: 1, duplicates: 0, refused: [{ row: 0, field: 'channel' }] });

    const titles = `title LIKE '大祥区批量写入%'`;
    expect(await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM placements WHERE ${titles}`)).toBe(1501);
    expect(
      await countOf(
        api.dataSource,
        `SELECT COUNT(*) AS n FROM placement_events e JOIN placements p ON p.id = e.placement_id WHERE ${titles} AND e.type = 'logged'`,
      ),
    ).toBe(1501);
    // Each event names its own job's ingestion and actor.
    const [event] = await api.dataSource.query(
      `SELECT e.ingestion_id, e.actor FROM placement_events e JOIN placements p ON p.id = e.placement_id WHERE p.title = '大祥区批量写入第1234篇：城乡面貌新变化'`,
    );
    expect(event).toEqual({ ingestion_id: jobs[1234].ingestionId, actor: 'editor:批量2' });
    expect(await ingestion(jobs[0].ingestionId)).toEqual({ received: 1, accepted: 1, inserted: 1, duplicates: 0, rejected: 0 });
    expect(await ingestion(jobs[11].ingestionId)).toEqual({ received: 1, accepted: 1, inserted: 1, duplicates: 0, rejected: 0 });
    expect(await ingestion(twin.ingestionId)).toEqual({ received: 1, accepted: 1, inserted: 0, duplicates: 1, rejected: 0 });
    expect(await ingestion(refused.ingestionId)).toEqual({ received: 2, accepted: 2, inserted: 1, duplicates: 0, rejected: 1 });

    const before = await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM placement_events`);
    const again = await writer.record([...jobs, twin, refused]);
    expect(again.every((o) => o.replayed && o.inserted === 0)).toBe(true);
    expect(await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM placements WHERE ${titles}`)).toBe(1501);
    expect(await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM placement_events`)).toBe(before);
    expect(await ingestion(twin.ingestionId)).toEqual({ received: 1, accepted: 1, inserted: 0, duplicates: 1, rejected: 0 });
  });
});
