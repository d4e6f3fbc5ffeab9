import { addUser, countOf, signIn, startApi, TestApi, waitForIngestion } from './support/harness';

describe('placements through the queue', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('records a logged placement by its channel alias, with a logged event naming the signed-in editor (X-Actor ignored)', async () => {
    const editor = await addUser(api, { username: '张三', role: 'editor', org: 'daxiang' });
    const asEditor = await signIn(api, editor.username, editor.password);
    const res = await asEditor()
      .post('/api/orgs/daxiang/placements')
      .set('X-Actor', encodeURIComponent('李四'))
      .send({ channel: '央视', title: '大祥区：春耕备耕忙', publishedOn: '2021-03-02', genre: '通讯', authors: '张三、李四' })
      .expect(202);
    const done = await waitForIngestion(api, res.body.ingestionId);
    expect(done).toMatchObject({ state: 'completed', received: 1, accepted: 1, inserted: 1, duplicates: 0, rejected: 0 });

    const list = await api.http().get('/api/orgs/daxiang/placements').expect(200);
    expect(list.body.total).toBe(1);
    const item = list.body.items[0];
    expect(item).toMatchObject({
      title: '大祥区：春耕备耕忙',
      publishedOn: '2021-03-02',
      channel: { name: '中央电视台', tier: 'central' },
      genre: 'feature',
      authors: ['张三', '李四'],
      source: 'editor',
      status: 'claimed',
    });
    const one = await api.http().get(`/api/orgs/daxiang/placements/${item.id}`).expect(200);
    expect(one.body.events).toHaveLength(1);
    expect(one.body.events[0]).toMatchObject({ type: 'logged', actor: 'user:张三', ingestionId: res.body.ingestionId });
  });
});

describe('a single placement before any worker has run', () => {
  it('is queued: its ingestion answers from the receipt, then from the row the worker writes', async () => {
    const apiOnly = await startApi({ withWorker: false });
    let withWorker: TestApi | null = null;
    try {
      const res = await apiOnly
        .http()
        .post('/api/orgs/daxiang/placements')
        .send({ channel: '湖南日报', title: '大祥区：排队中的稿件', publishedOn: '2021-06-01' })
        .expect(202);
      const queued = await apiOnly.http().get(`/api/ingestions/${res.body.ingestionId}`).expect(200);
      expect(queued.body).toEqual({
        id: res.body.ingestionId,
        kind: 'placements',
        state: 'queued',
        received: 1,
        accepted: 1,
        inserted: 0,
        duplicates: 0,
        rejected: 0,
      });
      expect(await countOf(apiOnly.dataSource, 'SELECT COUNT(*) AS n FROM ingestions')).toBe(0);
      await apiOnly.http().get('/api/ingestions/8d1f3a52-0c51-4e59-9a43-1a4c4a3b2d10').expect(404);

      // A worker on the same queue and database writes the placement and the ingestion's row.
      withWorker = await startApi({ db: apiOnly.db, env: { QUEUE_PREFIX: apiOnly.config.redis.prefix } });
      const done = await waitForIngestion(withWorker, res.body.ingestionId);
      expect(done).toMatchObject({ state: 'completed', received: 1, accepted: 1, inserted: 1, duplicates: 0, rejected: 0 });
    } finally {
      await withWorker?.close();
      await apiOnly.close();
    }
  });
});

describe('many writes at once', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('confirms 40 placements requested at the same moment, each exactly once', async () => {
    const placements = Array.from({ length: 40 }, (_, i) => ({ channel: '红网大祥站', title: `大祥区并发写入测试稿件第${i + 1}篇`, publishedOn: '2021-04-01' }));
    const bulk = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
    await waitForIngestion(api, bulk.body.ingestionId);
    const list = await api.http().get('/api/orgs/daxiang/placements?pageSize=100&q=并发写入').expect(200);
    expect(list.body.total).toBe(40);

    // All status changes at once, while an org and a budget are written too.
    const patches = await Promise.all(
      list.body.items.map((p: { id: number }) =>
        api.http().patch(`/api/orgs/daxiang/placements/${p.id}`).send({ status: 'confirmed', reason: '并发核实' }).expect(202),
      ),
    );
    await api.http().post('/api/orgs').send({ slug: 'concurrent', name: '并发测试中心', region: '邵阳市', foundedOn: '2020-01-01', keywords: [] }).expect(201);
    for (const r of patches) expect(await waitForIngestion(api, r.body.ingestionId)).toMatchObject({ inserted: 1, rejected: 0 });

    const after = await api.http().get('/api/orgs/daxiang/placements?pageSize=100&q=并发写入&status=confirmed').expect(200);
    expect(after.body.total).toBe(40);
    const [{ n }] = await api.dataSource.query(`SELECT COUNT(*) AS n FROM placement_events WHERE type = 'confirmed'`);
    expect(Number(n)).toBe(40);
    expect((await api.http().get('/api/orgs').expect(200)).body.map((o: { slug: string }) => o.slug)).toContain('concurrent');
  });

  it('counts a refused status change on its ingestion, so that polling it ends', async () => {
    const res = await api.http().post('/api/orgs/daxiang/placements').send({ channel: '红网大祥站', title: '大祥区重复核实测试', publishedOn: '2021-04-02' }).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    const { body } = await api.http().get('/api/orgs/daxiang/placements?q=重复核实').expect(200);
    const id = body.items[0].id;
    // Both pass the API's check (the placement is still claimed); the worker refuses the second.
    const [a, b] = await Promise.all([
      api.http().patch(`/api/orgs/daxiang/placements/${id}`).send({ status: 'confirmed' }).expect(202),
      api.http().patch(`/api/orgs/daxiang/placements/${id}`).send({ status: 'confirmed' }).expect(202),
    ]);
    const outcomes = [await waitForIngestion(api, a.body.ingestionId), await waitForIngestion(api, b.body.ingestionId)];
    expect(outcomes.map((o) => [o.inserted, o.rejected]).sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});
