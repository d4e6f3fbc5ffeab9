import { addUser, signIn, startApi, tableCounts, TestApi, waitForIngestion } from '../support/harness';

/** The fields an error response names. */
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

interface Item {
  id: number;
  title: string;
  url: string | null;
  publishedOn: string;
  channel: { id: number; name: string; tier: string };
  status: string;
}

describe('placements over HTTP', () => {
  let api: TestApi;
  const post = (body: unknown) => api.http().post('/api/orgs/daxiang/placements').send(body as object);
  /** POSTs one placement, waits until the worker has written it, returns the ingestion. */
  const record = async (body: unknown) => {
    const res = await post(body).expect(202);
    return waitForIngestion(api, res.body.ingestionId);
  };
  const list = async (query: Record<string, string | number> = {}) =>
    (await api.http().get('/api/orgs/daxiang/placements').query(query).expect(200)).body as {
      items: Item[];
      total: number;
      page: number;
      pageSize: number;
    };
  const titles = (items: Item[]) => items.map((i) => i.title).sort();

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  describe('single POST', () => {
    it('answers 202 with an ingestion id; polling shows it completed; the row is there', async () => {
      const res = await post({
        channel: '湖南日报',
        title: '大祥区：“一件事一次办”跑出便民加速度',
        publishedOn: '2021-05-12',
        url: 'https://hnrb.voc.com.cn/article/202105/2021051207.html',
        section: '要闻',
        prominence: '头条',
        genre: '通讯',
        authors: ['李明', '王芳'],
        note: '见报',
      }).expect(202);
      expect(res.body).toEqual({ ingestionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

      const done = await waitForIngestion(api, res.body.ingestionId);
      expect(done).toMatchObject({ state: 'completed', received: 1, accepted: 1, inserted: 1, duplicates: 0, rejected: 0 });

      const { items, total } = await list({ q: '一件事一次办' });
      expect(total).toBe(1);
      expect(items[0]).toMatchObject({
        title: '大祥区：“一件事一次办”跑出便民加速度',
        publishedOn: '2021-05-12',
        url: 'https://hnrb.voc.com.cn/article/202105/2021051207.html',
        channel: { name: '湖南日报', tier: 'provincial' },
        outlet: { name: '湖南日报' },
        section: '要闻',
        prominence: 'headline',
        genre: 'feature',
        authors: ['李明', '王芳'],
        note: '见报',
        source: 'editor',
        status: 'claimed',
      });
    });

    it('answers 404 for an unknown ingestion and 400 for a malformed ingestion id, naming id', async () => {
      const missing = await api.http().get('/api/ingestions/00000000-0000-4000-8000-000000000000').expect(404);
      expect(fieldsOf(missing.body)).toEqual(['id']);
      const bad = await api.http().get('/api/ingestions/not-a-uuid').expect(400);
      expect(fieldsOf(bad.body)).toEqual(['id']);
    });

    it('answers 404 naming org for an unknown organization, and queues nothing', async () => {
      const before = await tableCounts(api.dataSource);
      const res = await api
        .http()
        .post('/api/orgs/nowhere/placements')
        .send({ channel: '湖南日报', title: '无主之稿', publishedOn: '2021-05-12' })
        .expect(404);
      expect(fieldsOf(res.body)).toEqual(['org']);
      for (const req of [
        api.http().post('/api/orgs/nowhere/placements/bulk').send({ placements: [{ channel: '湖南日报', title: 'x', publishedOn: '2021-05-12' }] }),
        api.http().get('/api/orgs/nowhere/placements'),
        api.http().get('/api/orgs/nowhere/placements/1'),
        api.http().patch('/api/orgs/nowhere/placements/1').send({ status: 'confirmed' }),
        api.http().get('/api/orgs/nowhere/summary'),
      ]) {
        const r = await req.expect(404);
        expect(fieldsOf(r.body)).toEqual(['org']);
      }
      expect(await tableCounts(api.dataSource)).toEqual(before);
    });
  });

  describe('dedup', () => {
    it('folds full-width/half-width and punctuation: the same title in the same channel and date is one placement', async () => {
      const first = await record({ channel: '邵阳日报', title: '大祥区：２０２１年春季征兵工作启动！', publishedOn: '2021-03-15' });
      expect(first).toMatchObject({ inserted: 1, duplicates: 0 });
      const second = await record({ channel: '邵阳日报', title: '大祥区 2021年春季征兵工作启动!', publishedOn: '2021-03-15' });
      expect(second).toMatchObject({ state: 'completed', inserted: 0, duplicates: 1, rejected: 0 });
      const third = await record({ channel: '邵阳日报', title: '“大祥区”——2021年春季征兵工作启动。', publishedOn: '2021-03-15' });
      expect(third).toMatchObject({ inserted: 0, duplicates: 1 });

      const { items, total } = await list({ q: '春季征兵' });
      expect(total).toBe(1);
      expect(items[0].title).toBe('大祥区：２０２１年春季征兵工作启动！');
    });

    it('keeps the same title on another date as another placement', async () => {
      const other = await record({ channel: '邵阳日报', title: '大祥区：２０２１年春季征兵工作启动！', publishedOn: '2021-03-16' });
      expect(other).toMatchObject({ inserted: 1, duplicates: 0 });
      expect((await list({ q: '春季征兵' })).total).toBe(2);
    });

    it('treats the same link with tracking parameters or a fragment as one placement', async () => {
      const url = 'https://www.shaoyangnews.net/news/2021/0420/123456.html';
      expect(await record({ channel: '邵阳新闻网', title: '大祥区开展植树造林活动', publishedOn: '2021-04-20', url })).toMatchObject({
        inserted: 1,
      });
      for (const variant of [
        `${url}?utm_source=wechat&utm_medium=share#comments`,
        `${url}#top`,
        `https://WWW.SHAOYANGNEWS.NET/news/2021/0420/123456.html?from=timeline&isappinstalled=0`,
      ]) {
        // A retitled copy with the same link is still the same article.
        expect(
          await record({ channel: '邵阳新闻网', title: '植树造林 大祥在行动', publishedOn: '2021-04-21', url: variant }),
        ).toMatchObject({ inserted: 0, duplicates: 1 });
      }
      const { items, total } = await list({ channel: '邵阳新闻网' });
      expect(total).toBe(1);
      expect(items[0]).toMatchObject({ title: '大祥区开展植树造林活动', url, publishedOn: '2021-04-20' });
    });

    it('keeps the same story in two channels as two placements', async () => {
      const story = { title: '大祥区召开优化营商环境推进会', publishedOn: '2021-07-08' };
      expect(await record({ ...story, channel: '红网' })).toMatchObject({ inserted: 1, duplicates: 0 });
      expect(await record({ ...story, channel: '红网大祥站' })).toMatchObject({ inserted: 1, duplicates: 0 });
      const { items, total } = await list({ q: '优化营商环境' });
      expect(total).toBe(2);
      expect(items.map((i) => i.channel.name).sort()).toEqual(['红网', '红网大祥站'].sort());
    });
  });

  describe('bulk', () => {
    it('queues the valid entries, reports the invalid ones by index and field, and counts right', async () => {
      const before = await tableCounts(api.dataSource);
      const placements = [
        { channel: '新华网', title: '大祥区推进城乡环境综合整治', publishedOn: '2021-08-01' },
        { channel: '新华网', title: '', publishedOn: '2021-08-02' },
        { channel: '新华网', title: '大祥区社区“微治理”见成效', publishedOn: '2021-08-03' },
        { channel: '不存在的频道', title: '大祥区夏季防溺水宣传', publishedOn: '2021-08-04' },
        { channel: '新华网', title: '大祥区开展消防安全检查', publishedOn: '2021-02-30' },
        // The same story twice in one request: one placement.
        { channel: '新华网', title: '大祥区推进城乡环境综合整治！', publishedOn: '2021-08-01' },
        { channel: '人民号', title: '大祥区：老旧小区改造惠民生', publishedOn: '2021-08-05', genre: 'poem' },
      ];
      const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
      expect(res.body.accepted).toBe(3);
      expect(res.body.rejected).toEqual([
        { index: 1, field: expect.stringMatching(/(^|\.)title$/), message: expect.stringMatching(/title/) },
        { index: 3, field: expect.stringMatching(/(^|\.)channel$/), message: expect.stringMatching(/不存在的频道/) },
        { index: 4, field: expect.stringMatching(/(^|\.)publishedOn$/), message: expect.stringMatching(/publishedOn/) },
        { index: 6, field: expect.stringMatching(/(^|\.)genre$/), message: expect.stringMatching(/genre/) },
      ]);

      const done = await waitForIngestion(api, res.body.ingestionId);
      expect(done).toMatchObject({ state: 'completed', received: 7, accepted: 3, inserted: 2, duplicates: 1, rejected: 4 });

      const after = await tableCounts(api.dataSource);
      expect(after.placements).toBe(before.placements + 2);
      expect(after.placement_events).toBe(before.placement_events + 2);
      const { items, total } = await list({ channel: '新华网' });
      expect(total).toBe(2);
      expect(titles(items)).toEqual(['大祥区推进城乡环境综合整治', '大祥区社区“微治理”见成效'].sort());
    });

    it('replaying the same bulk adds nothing', async () => {
      const before = await tableCounts(api.dataSource);
      const placements = [
        { channel: '新华网', title: '大祥区推进城乡环境综合整治', publishedOn: '2021-08-01' },
        { channel: '新华网', title: '大祥区社区“微治理”见成效', publishedOn: '2021-08-03' },
      ];
      const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
      expect(res.body).toMatchObject({ accepted: 2, rejected: [] });
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 0, duplicates: 2, rejected: 0 });
      const after = await tableCounts(api.dataSource);
      expect(after).toEqual({ ...before, ingestions: before.ingestions + 1 });
    });

    it('accepts a bulk of exactly 10,000 and stores every one', async () => {
      const placements = Array.from({ length: 10_000 }, (_, i) => ({
        channel: i % 2 ? '大祥融媒客户端' : '大祥新闻网',
        title: `上限·大祥区基层动态第${i + 1}期`,
        publishedOn: `2018-${String((i % 12) + 1).padStart(2, '0')}-15`,
      }));
      const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
      expect(res.body).toMatchObject({ accepted: 10_000, rejected: [] });
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({
        state: 'completed',
        received: 10_000,
        accepted: 10_000,
        inserted: 10_000,
        duplicates: 0,
        rejected: 0,
      });
      const in2018 = await list({ from: '2018-01-01', to: '2018-12-31', pageSize: 1 });
      expect(in2018.total).toBe(10_000);
      expect((await list({ from: '2018-01-01', to: '2018-12-31', channel: '大祥新闻网', pageSize: 1 })).total).toBe(5_000);
    });
  });

  describe('listing', () => {
    // A dataset of its own, in 2020, so earlier tests do not disturb the counts.
    const rows = [
      { channel: '中央电视台', title: '列表·大祥区脱贫攻坚纪实', publishedOn: '2020-01-10' },
      { channel: '央视', title: '列表·大祥区春节走基层', publishedOn: '2020-01-25' },
      { channel: '湖南卫视', title: '列表·大祥区抗疫一线', publishedOn: '2020-02-14' },
      { channel: '学习强国', title: '列表·大祥区100%完成复工复产', publishedOn: '2020-03-01' },
      { channel: '学习强国', title: '列表·大祥区复工复产全面提速', publishedOn: '2020-03-02' },
      { channel: '邵阳日报', title: '列表·大祥_区河长制见实效', publishedOn: '2020-04-18' },
      { channel: '邵阳日报', title: '列表·大祥区河长制工作会议', publishedOn: '2020-04-19' },
      { channel: '大祥发布', title: '列表·大祥区举办读书月活动', publishedOn: '2020-05-20' },
      { channel: '大祥新闻网', title: '列表·大祥区交通安全宣传进校园', publishedOn: '2020-06-30' },
      { channel: '大祥融媒客户端', title: '列表·大祥区夜市经济火起来', publishedOn: '2020-07-01' },
    ];
    const in2020 = { from: '2020-01-01', to: '2020-12-31' };

    beforeAll(async () => {
      const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements: rows }).expect(202);
      expect(res.body).toMatchObject({ accepted: 10, rejected: [] });
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 10 });
    });

    it('lists newest first with total, page and pageSize', async () => {
      const page = await list(in2020);
      expect(page).toMatchObject({ total: 10, page: 1, pageSize: 50 });
      expect(page.items.map((i) => i.publishedOn)).toEqual(rows.map((r) => r.publishedOn).reverse());
    });

    it('filters by from and to (both ends included)', async () => {
      const r = await list({ from: '2020-02-14', to: '2020-04-18' });
      expect(titles(r.items)).toEqual(
        ['列表·大祥区抗疫一线', '列表·大祥区100%完成复工复产', '列表·大祥区复工复产全面提速', '列表·大祥_区河长制见实效'].sort(),
      );
      expect(r.total).toBe(4);
      expect((await list({ from: '2020-06-30', to: '2020-06-30' })).total).toBe(1);
    });

    it('filters by tier', async () => {
      expect((await list({ ...in2020, tier: 'central' })).total).toBe(2);
      expect((await list({ ...in2020, tier: 'provincial' })).total).toBe(3);
      expect((await list({ ...in2020, tier: 'municipal' })).total).toBe(2);
      const district = await list({ ...in2020, tier: 'district' });
      expect(district.total).toBe(3);
      expect(district.items.every((i) => i.channel.tier === 'district')).toBe(true);
    });

    it('filters by channel given by name, alias or id', async () => {
      const byAlias = await list({ ...in2020, channel: 'CCTV' });
      expect(byAlias.total).toBe(2);
      expect(byAlias.items.every((i) => i.channel.name === '中央电视台')).toBe(true);
      const byName = await list({ ...in2020, channel: '学习强国湖南学习平台' });
      expect(titles(byName.items)).toEqual(['列表·大祥区100%完成复工复产', '列表·大祥区复工复产全面提速'].sort());
      const byId = await list({ ...in2020, channel: byName.items[0].channel.id });
      expect(byId.total).toBe(2);
    });

    it('refuses an unknown channel filter with a 400 naming channel', async () => {
      const res = await api.http().get('/api/orgs/daxiang/placements').query({ channel: '不存在的频道' }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['channel']);
    });

    it('searches titles with q, % and _ taken literally', async () => {
      expect(titles((await list({ ...in2020, q: '河长制' })).items)).toEqual(
        ['列表·大祥_区河长制见实效', '列表·大祥区河长制工作会议'].sort(),
      );
      expect(titles((await list({ q: '100%' })).items)).toEqual(['列表·大祥区100%完成复工复产']);
      // A wildcard % would match every title; a literal one matches only the one that has it.
      expect((await list({ q: '%' })).total).toBe(1);
      // A wildcard _ would match 大祥区 too.
      expect(titles((await list({ q: '大祥_区' })).items)).toEqual(['列表·大祥_区河长制见实效']);
      expect((await list({ q: '_' })).total).toBe(1);
      expect((await list({ q: '列表·' })).total).toBe(10);
      expect((await list({ q: '无此标题' })).total).toBe(0);
    });

    it('pages through the results', async () => {
      const p1 = await list({ ...in2020, pageSize: 4, page: 1 });
      const p2 = await list({ ...in2020, pageSize: 4, page: 2 });
      const p3 = await list({ ...in2020, pageSize: 4, page: 3 });
      const p4 = await list({ ...in2020, pageSize: 4, page: 4 });
      expect([p1, p2, p3, p4].map((p) => [p.total, p.page, p.pageSize, p.items.length])).toEqual([
        [10, 1, 4, 4],
        [10, 2, 4, 4],
        [10, 3, 4, 2],
        [10, 4, 4, 0],
      ]);
      const ids = [...p1.items, ...p2.items, ...p3.items].map((i) => i.id);
      expect(new Set(ids).size).toBe(10);
      expect(titles([...p1.items, ...p2.items, ...p3.items])).toEqual(rows.map((r) => r.title).sort());
    });

    it.each([
      [{ page: '0' }, 'page'],
      [{ page: 'x' }, 'page'],
      [{ pageSize: '501' }, 'pageSize'],
      [{ pageSize: '-1' }, 'pageSize'],
      [{ from: '2020-02-30' }, 'from'],
      [{ to: '2020/12/31' }, 'to'],
      [{ tier: 'national' }, 'tier'],
      [{ status: 'deleted' }, 'status'],
    ])('refuses the query %j with a 400 naming %s', async (query, field) => {
      const res = await api.http().get('/api/orgs/daxiang/placements').query(query).expect(400);
      expect(fieldsOf(res.body)).toContain(field);
    });

    it('refuses from after to with a 400', async () => {
      const res = await api.http().get('/api/orgs/daxiang/placements').query({ from: '2020-12-31', to: '2020-01-01' }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['from']);
    });
  });

  describe('one placement and its status', () => {
    let claimed: Item;
    let other: Item;
    beforeAll(async () => {
      await record({ channel: '人民日报', title: '状态·大祥区乡村振兴新画卷', publishedOn: '2019-11-11' });
      await record({ channel: '人民日报', title: '状态·大祥区非遗进社区', publishedOn: '2019-11-12' });
      claimed = (await list({ q: '乡村振兴新画卷' })).items[0];
      other = (await list({ q: '非遗进社区' })).items[0];
    });

    it('GETs one placement with its events', async () => {
      const res = await api.http().get(`/api/orgs/daxiang/placements/${claimed.id}`).expect(200);
      expect(res.body).toMatchObject({ id: claimed.id, title: '状态·大祥区乡村振兴新画卷', status: 'claimed' });
      expect(res.body.events).toEqual([
        expect.objectContaining({ placementId: claimed.id, type: 'logged', actor: 'user:test-admin' }),
      ]);
    });

    it('answers 404 naming id for a placement that does not exist, and 400 for a malformed id', async () => {
      const missing = await api.http().get('/api/orgs/daxiang/placements/999999').expect(404);
      expect(fieldsOf(missing.body)).toEqual(['id']);
      const bad = await api.http().get('/api/orgs/daxiang/placements/abc').expect(400);
      expect(fieldsOf(bad.body)).toEqual(['id']);
      const patchMissing = await api.http().patch('/api/orgs/daxiang/placements/999999').send({ status: 'confirmed' }).expect(404);
      expect(fieldsOf(patchMissing.body)).toEqual(['id']);
    });

    it('does not show another organization’s placement', async () => {
      await api
        .http()
        .post('/api/orgs')
        .send({ slug: 'beita', name: '邵阳市北塔区融媒体中心', region: '邵阳市', foundedOn: '2019-08-01', keywords: ['北塔'] })
        .expect(201);
      const res = await api.http().get(`/api/orgs/beita/placements/${claimed.id}`).expect(404);
      expect(fieldsOf(res.body)).toEqual(['id']);
      await api.http().patch(`/api/orgs/beita/placements/${claimed.id}`).send({ status: 'confirmed' }).expect(404);
      expect((await api.http().get('/api/orgs/beita/placements').expect(200)).body.total).toBe(0);
    });

    it('PATCH confirm: 202, then the placement is confirmed with a confirmed event carrying the reason', async () => {
      const reviewer = await addUser(api, { username: '王编辑', role: 'reviewer', org: 'daxiang' });
      const res = await (await signIn(api, reviewer.username, reviewer.password))()
        .patch(`/api/orgs/daxiang/placements/${claimed.id}`)
        .set('X-Actor', encodeURIComponent('冒名者'))
        .send({ status: 'confirmed', reason: '已在人民日报第5版核实' })
        .expect(202);
      expect(res.body).toEqual({ ingestionId: expect.any(String) });
      await waitForIngestion(api, res.body.ingestionId);

      const one = await api.http().get(`/api/orgs/daxiang/placements/${claimed.id}`).expect(200);
      expect(one.body.status).toBe('confirmed');
      expect(one.body.events.map((e: { type: string }) => e.type)).toEqual(['logged', 'confirmed']);
      expect(one.body.events[1]).toMatchObject({
        type: 'confirmed',
        actor: 'user:王编辑',
        ingestionId: res.body.ingestionId,
        data: { from: 'claimed', reason: '已在人民日报第5版核实' },
      });
      expect((await list({ status: 'confirmed' })).items.map((i) => i.id)).toEqual([claimed.id]);
    });

    it('PATCH reject a claimed placement, then it lists under status=rejected only', async () => {
      const res = await api.http().patch(`/api/orgs/daxiang/placements/${other.id}`).send({ status: 'rejected', reason: '未见报' }).expect(202);
      await waitForIngestion(api, res.body.ingestionId);
      const rejected = await list({ status: 'rejected' });
      expect(rejected.items.map((i) => i.id)).toEqual([other.id]);
      const both = await list({ status: 'confirmed,rejected' });
      expect(both.items.map((i) => i.id).sort()).toEqual([claimed.id, other.id].sort());
    });

    it('refuses an illegal transition with a 409 naming status; nothing changes', async () => {
      const fresh = await record({ channel: '人民日报', title: '状态·大祥区文明创建', publishedOn: '2019-11-13' });
      expect(fresh.inserted).toBe(1);
      const target = (await list({ q: '文明创建' })).items[0];
      const before = await tableCounts(api.dataSource);
      // claimed → dismissed is not allowed (dismissed is for discovered placements).
      const res = await api.http().patch(`/api/orgs/daxiang/placements/${target.id}`).send({ status: 'dismissed' }).expect(409);
      expect(fieldsOf(res.body)).toEqual(['status']);
      expect(res.body.message).toMatch(/claimed/);
      // confirmed → dismissed neither.
      const again = await api.http().patch(`/api/orgs/daxiang/placements/${claimed.id}`).send({ status: 'dismissed' }).expect(409);
      expect(fieldsOf(again.body)).toEqual(['status']);
      expect(await tableCounts(api.dataSource)).toEqual(before);
      const one = await api.http().get(`/api/orgs/daxiang/placements/${target.id}`).expect(200);
      expect(one.body.status).toBe('claimed');
      expect(one.body.events).toHaveLength(1);
    });
  });
});
