import { startApi, TestApi, waitForIngestion } from './support/harness';

describe('placements through the queue', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('records a logged placement by its channel alias, with a logged event', async () => {
    const res = await api
      .http()
      .post('/api/orgs/daxiang/placements')
      .set('X-Actor', encodeURIComponent('张三'))
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
    expect(one.body.events[0]).toMatchObject({ type: 'logged', actor: 'editor:张三', ingestionId: res.body.ingestionId });
  });
});
