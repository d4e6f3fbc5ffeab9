import { startApi, TestApi, waitForIngestion } from '../support/harness';

/**
 * A change to a placement that the API accepted (202) but that the worker
 * refuses when it comes to write it — the placement changed meanwhile,
 * was withdrawn meanwhile, another edit took the same story first, it was
 * restored already — ends its ingestion with the reason:
 * GET /api/ingestions/:id carries `refusal` {code, field, message,
 * messageZh, duplicateOf?}, the codes the API gives the same cases at the
 * edge. The API here runs no worker: the changes wait in the queue, each
 * accepted against the same state, until a worker (one job at a time, in
 * order) is started on the same database and queue.
 */
describe('the reason of a change the worker refused, on its ingestion', () => {
  const ORG = 'daxiang';
  let api: TestApi;
  let worker: TestApi | null = null;
  const startWorker = async () => {
    worker = await startApi({ db: api.db, withWorker: true, env: { QUEUE_PREFIX: api.env.QUEUE_PREFIX, INGEST_CONCURRENCY: '1' } });
  };
  const stopWorker = async () => {
    // Closing clears the queue prefix's keys: only when nothing is waiting.
    await worker?.app.close();
    worker = null;
  };

  const ids: Record<string, number> = {};
  const log = async (name: string, p: Record<string, unknown>) => {
    const res = await api.http().post(`/api/orgs/${ORG}/placements`).send({ publishedOn: '2021-07-01', ...p }).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    const list = await api.http().get(`/api/orgs/${ORG}/placements`).query({ q: String(p.title) }).expect(200);
    ids[name] = list.body.items.find((x: { title: string }) => x.title === p.title).id;
  };
  const patch = async (name: string, body: object) => (await api.http().patch(`/api/orgs/${ORG}/placements/${ids[name]}`).send(body).expect(202)).body.ingestionId as string;
  const post = async (name: string, action: 'withdraw' | 'restore') =>
    (await api.http().post(`/api/orgs/${ORG}/placements/${ids[name]}/${action}`).send({}).expect(202)).body.ingestionId as string;
  const ingestion = async (id: string) => (await api.http().get(`/api/ingestions/${id}`).expect(200)).body;
  const detail = async (name: string) => (await api.http().get(`/api/orgs/${ORG}/placements/${ids[name]}`).expect(200)).body;

  const queued: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ withWorker: false });
    await startWorker();
    await log('edited twice', { channel: '邵阳日报', title: '大祥区两次修改之稿', section: '二版' });
    await log('withdrawn first', { channel: '邵阳日报', title: '大祥区先撤回后修改之稿' });
    await log('first to the link', { channel: '红网', title: '大祥区抢先改链接之稿', url: 'https://hn.rednet.example/refusal/a.html' });
    await log('second to the link', { channel: '红网', title: '大祥区后改链接之稿', url: 'https://hn.rednet.example/refusal/b.html' });
    await log('restored twice', { channel: '湖南日报', title: '大祥区两次恢复之稿' });
    await waitForIngestion(api, await post('restored twice', 'withdraw'));
    await stopWorker();

    // Each pair passes the edge against the same state; the worker then takes them in this order.
    queued.firstEdit = await patch('edited twice', { section: '一版' });
    queued.staleEdit = await patch('edited twice', { note: '补充说明' });
    queued.withdraw = await post('withdrawn first', 'withdraw');
    queued.editOfWithdrawn = await patch('withdrawn first', { title: '大祥区先撤回后修改之稿（改）' });
    queued.linkWinner = await patch('first to the link', { url: 'https://hn.rednet.example/refusal/same.html' });
    queued.linkLoser = await patch('second to the link', { url: 'https://hn.rednet.example/refusal/same.html' });
    queued.restore = await post('restored twice', 'restore');
    queued.restoreAgain = await post('restored twice', 'restore');
    for (const id of Object.values(queued)) expect((await ingestion(id)).state).toBe('queued');

    await startWorker();
    for (const id of Object.values(queued)) await waitForIngestion(api, id);
  });
  afterAll(async () => {
    await stopWorker();
    await api.close();
  });

  it('an edit accepted before another edit was written: refused as changed meanwhile, the other edit kept', async () => {
    expect(await ingestion(queued.firstEdit)).toMatchObject({ state: 'completed', inserted: 1, rejected: 0 });
    expect((await ingestion(queued.firstEdit)).refusal).toBeUndefined();
    const stale = await ingestion(queued.staleEdit);
    expect(stale).toMatchObject({
      state: 'completed',
      inserted: 0,
      rejected: 1,
      refusal: { code: 'PLACEMENT_CHANGED', field: 'id', messageZh: `稿件 ${ids['edited twice']} 在提交修改后已被他人修改，本次修改未保存：请刷新后重新修改` },
    });
    expect(stale.refusal.message).toMatch(/changed by someone else/);
    const p = await detail('edited twice');
    expect(p).toMatchObject({ section: '一版', note: null });
    expect(p.events.map((e: { type: string }) => e.type)).toEqual(['logged', 'edited']);
  });

  it('an edit accepted before a withdrawal was written: refused as withdrawn', async () => {
    expect(await ingestion(queued.editOfWithdrawn)).toMatchObject({
      rejected: 1,
      refusal: { code: 'PLACEMENT_WITHDRAWN', field: 'status', messageZh: `稿件 ${ids['withdrawn first']} 已撤回：请先恢复再修改` },
    });
    const p = await detail('withdrawn first');
    expect(p).toMatchObject({ status: 'withdrawn', title: '大祥区先撤回后修改之稿' });
    expect(p.events.map((e: { type: string }) => e.type)).toEqual(['logged', 'withdrawn']);
  });

  it('the second of two edits to the same link: refused as a duplicate, naming the placement that has it (as the edge’s 409 would)', async () => {
    expect((await ingestion(queued.linkWinner)).rejected).toBe(0);
    const loser = await ingestion(queued.linkLoser);
    expect(loser).toMatchObject({
      rejected: 1,
      refusal: {
        code: 'PLACEMENT_EDIT_DUPLICATE',
        field: 'url',
        messageZh: `修改后稿件 ${ids['second to the link']} 将与稿件 ${ids['first to the link']}「大祥区抢先改链接之稿」重复`,
        duplicateOf: { id: ids['first to the link'], title: '大祥区抢先改链接之稿', status: 'claimed' },
      },
    });
    // The same edit asked now is refused at the edge with the same code and duplicateOf.
    const edge = await api.http().patch(`/api/orgs/${ORG}/placements/${ids['second to the link']}`).send({ url: 'https://hn.rednet.example/refusal/same.html' }).expect(409);
    expect(edge.body).toMatchObject({ code: loser.refusal.code, duplicateOf: loser.refusal.duplicateOf });
    expect((await detail('second to the link')).url).toBe('https://hn.rednet.example/refusal/b.html');
  });

  it('a restoration accepted twice: the second refused as not withdrawn', async () => {
    expect((await ingestion(queued.restore)).rejected).toBe(0);
    expect(await ingestion(queued.restoreAgain)).toMatchObject({
      rejected: 1,
      refusal: { code: 'PLACEMENT_NOT_WITHDRAWN', field: 'status', messageZh: `稿件 ${ids['restored twice']} 未撤回` },
    });
    expect((await detail('restored twice')).status).toBe('claimed');
  });
});
