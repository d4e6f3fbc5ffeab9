import { startApi, tableCounts, TestApi, waitForIngestion } from '../support/harness';

/** The fields an error response names. */
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe('organizations and channels over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  describe('organizations', () => {
    const shuangqing = {
      slug: 'shuangqing',
      name: '邵阳市双清区融媒体中心',
      region: '邵阳市',
      foundedOn: '2019-09-10',
      keywords: ['双清'],
    };

    it('creates an organization (201) and lists it after the catalog one', async () => {
      const created = await api.http().post('/api/orgs').send(shuangqing).expect(201);
      expect(created.body).toMatchObject(shuangqing);
      expect(typeof created.body.id).toBe('number');

      const list = await api.http().get('/api/orgs').expect(200);
      expect(list.body.map((o: { slug: string }) => o.slug)).toEqual(['daxiang', 'shuangqing']);
      expect(list.body[1]).toMatchObject(shuangqing);
    });

    it('refuses a second organization with the same slug: 409 naming slug, nothing added', async () => {
      const before = await tableCounts(api.dataSource);
      const res = await api
        .http()
        .post('/api/orgs')
        .send({ ...shuangqing, name: '另一个中心' })
        .expect(409);
      expect(fieldsOf(res.body)).toEqual(['slug']);
      expect(res.body.message).toMatch(/shuangqing/);
      expect(await tableCounts(api.dataSource)).toEqual(before);
      const list = await api.http().get('/api/orgs').expect(200);
      expect(list.body.filter((o: { slug: string }) => o.slug === 'shuangqing')).toHaveLength(1);
      expect(list.body.find((o: { slug: string }) => o.slug === 'shuangqing').name).toBe(shuangqing.name);
    });

    it('answers concurrent creations of one slug with one 201 and 409s, never a 500', async () => {
      const body = { slug: 'xinshao', name: '新邵县融媒体中心', region: '邵阳市', foundedOn: '2018-12-01', keywords: ['新邵'] };
      const res = await Promise.all(Array.from({ length: 8 }, () => api.http().post('/api/orgs').send(body)));
      expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of res.filter((x) => x.status === 409)) expect(fieldsOf(r.body)).toEqual(['slug']);
      const list = await api.http().get('/api/orgs').expect(200);
      expect(list.body.filter((o: { slug: string }) => o.slug === 'xinshao')).toHaveLength(1);
    });
  });

  describe('channels', () => {
    it('lists the whole catalog, tier by tier', async () => {
      const res = await api.http().get('/api/channels').expect(200);
      expect(res.body).toHaveLength(32);
      const tiers = res.body.map((c: { tier: string }) => c.tier);
      // Ordered central → provincial → municipal → district.
      const rank = ['central', 'provincial', 'municipal', 'district'];
      expect([...tiers].sort((a, b) => rank.indexOf(a) - rank.indexOf(b))).toEqual(tiers);
      const cctv = res.body.find((c: { name: string }) => c.name === '中央电视台');
      expect(cctv).toMatchObject({ tier: 'central', kind: 'tv', outlet: { name: '中央电视台' } });
      expect(cctv.aliases).toEqual(expect.arrayContaining(['央视', 'CCTV']));
      const hongwangDx = res.body.find((c: { name: string }) => c.name === '红网大祥站');
      expect(hongwangDx).toMatchObject({ tier: 'district', owner: 'daxiang', outlet: { name: '红网' } });
    });

    it.each([
      ['central', 8],
      ['provincial', 8],
      ['municipal', 9],
      ['district', 7],
    ])('filters by ?tier=%s (%i channels)', async (tier, n) => {
      const res = await api.http().get('/api/channels').query({ tier }).expect(200);
      expect(res.body).toHaveLength(n);
      expect(res.body.every((c: { tier: string }) => c.tier === tier)).toBe(true);
    });

    it.each([['national'], [''], ['CENTRAL']])('refuses ?tier=%j with a 400 naming tier', async (tier) => {
      const res = await api.http().get('/api/channels').query({ tier }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['tier']);
    });

    it('creates a channel with a new outlet, which is then created too', async () => {
      const before = await tableCounts(api.dataSource);
      const res = await api
        .http()
        .post('/api/channels')
        .send({
          name: '潇湘晨报',
          outlet: '湖南潇湘晨报社',
          tier: 'provincial',
          kind: 'newspaper',
          aliases: ['晨报', '潇湘晨报纸质版'],
          urlPatterns: ['^https?://([a-z0-9-]+\\.)*xxcb\\.cn/'],
        })
        .expect(201);
      expect(res.body).toMatchObject({
        name: '潇湘晨报',
        tier: 'provincial',
        kind: 'newspaper',
        outlet: { name: '湖南潇湘晨报社' },
        owner: null,
        aliases: ['晨报', '潇湘晨报纸质版'],
        urlPatterns: ['^https?://([a-z0-9-]+\\.)*xxcb\\.cn/'],
      });
      const after = await tableCounts(api.dataSource);
      expect(after).toEqual({ ...before, channels: before.channels + 1, outlets: before.outlets + 1 });

      const provincial = await api.http().get('/api/channels?tier=provincial').expect(200);
      expect(provincial.body).toHaveLength(9);
      expect(provincial.body.map((c: { name: string }) => c.name)).toContain('潇湘晨报');
    });

    it('creates a channel on an existing outlet named by one of its aliases (no new outlet)', async () => {
      const channels = (await api.http().get('/api/channels').expect(200)).body as {
        name: string;
        outlet: { id: number; name: string };
      }[];
      const hunanTv = channels.find((c) => c.name === '湖南卫视')!.outlet;
      const before = await tableCounts(api.dataSource);
      const res = await api
        .http()
        .post('/api/channels')
        .send({ name: '湖南卫视·午间新闻', outlet: '芒果台', tier: 'provincial', kind: 'tv', aliases: ['午间新闻'] })
        .expect(201);
      expect(res.body.outlet).toEqual({ id: hunanTv.id, name: '湖南卫视' });
      expect(await tableCounts(api.dataSource)).toEqual({ ...before, channels: before.channels + 1 });
    });

    it('creates a district channel owned by an organization', async () => {
      const res = await api
        .http()
        .post('/api/channels')
        .send({ name: '大祥融媒·抖音号', outlet: '大祥融媒', tier: 'district', kind: 'platform-account', owner: 'daxiang', aliases: ['大祥抖音'] })
        .expect(201);
      expect(res.body).toMatchObject({ tier: 'district', owner: 'daxiang', outlet: { name: '大祥融媒' } });
      const district = await api.http().get('/api/channels?tier=district').expect(200);
      expect(district.body).toHaveLength(8);
    });

    it.each([
      ['a name that is another channel’s alias', { name: '央视' }, 'name'],
      ['a name that is another channel’s name, written with other punctuation', { name: '大祥融媒.人民号' }, 'name'],
      ['a name in full-width letters', { name: 'ＣＣＴＶ' }, 'name'],
      ['an alias that is another channel’s name', { name: '湖南日报·数字版', aliases: ['湖南日报'] }, 'aliases'],
      ['an alias that is another channel’s alias', { name: '红网·新', aliases: ['红网新闻'] }, 'aliases'],
      ['an alias of a channel created over the API', { name: '潇湘晨报·二', aliases: ['晨报'] }, 'aliases'],
    ])('refuses %s: 409 naming the field, nothing added', async (_what, override, field) => {
      const before = await tableCounts(api.dataSource);
      const res = await api
        .http()
        .post('/api/channels')
        .send({ outlet: '某新媒体', tier: 'provincial', kind: 'website', ...override })
        .expect(409);
      expect(fieldsOf(res.body)).toEqual([field]);
      expect(await tableCounts(api.dataSource)).toEqual(before);
    });

    it('answers concurrent creations of one channel with one 201 and 409s, never a 500', async () => {
      const before = await tableCounts(api.dataSource);
      const res = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api
            .http()
            .post('/api/channels')
            .send({ name: '邵阳广电·竞速号', outlet: i % 2 ? '竞速传媒甲' : '竞速传媒乙', tier: 'municipal', kind: 'app' }),
        ),
      );
      expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of res.filter((x) => x.status === 409)) expect(fieldsOf(r.body)).toEqual(['name']);
      expect(await tableCounts(api.dataSource)).toEqual({ ...before, channels: before.channels + 1, outlets: before.outlets + 1 });
    });

    it('creates channels concurrently on one new outlet: all 201, one outlet', async () => {
      const before = await tableCounts(api.dataSource);
      const res = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api
            .http()
            .post('/api/channels')
            .send({ name: `同城快讯·${i + 1}号`, outlet: '同城快讯传媒', tier: 'municipal', kind: 'platform-account' }),
        ),
      );
      expect(res.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(res.map((r) => r.body.outlet.id)).size).toBe(1);
      const after = await tableCounts(api.dataSource);
      expect(after).toEqual({ ...before, channels: before.channels + 8, outlets: before.outlets + 1 });
    });

    it('makes a new channel usable by name and by alias in a placement POST', async () => {
      await api
        .http()
        .post('/api/channels')
        .send({ name: '邵阳广播·998', outlet: '邵阳人民广播电台', tier: 'municipal', kind: 'radio', aliases: ['邵阳新闻广播'] })
        .expect(201);

      const byName = await api
        .http()
        .post('/api/orgs/daxiang/placements')
        .send({ channel: '邵阳广播·998', title: '大祥区开展防汛应急演练', publishedOn: '2021-06-01' })
        .expect(202);
      const byAlias = await api
        .http()
        .post('/api/orgs/daxiang/placements')
        .send({ channel: '邵阳新闻广播', title: '大祥区举办农民丰收节', publishedOn: '2021-09-23' })
        .expect(202);
      expect(await waitForIngestion(api, byName.body.ingestionId)).toMatchObject({ inserted: 1, rejected: 0 });
      expect(await waitForIngestion(api, byAlias.body.ingestionId)).toMatchObject({ inserted: 1, rejected: 0 });

      const list = await api.http().get('/api/orgs/daxiang/placements').query({ channel: '邵阳新闻广播' }).expect(200);
      expect(list.body.total).toBe(2);
      expect(list.body.items.map((p: { title: string }) => p.title).sort()).toEqual(
        ['大祥区举办农民丰收节', '大祥区开展防汛应急演练'].sort(),
      );
      for (const item of list.body.items) {
        expect(item.channel).toMatchObject({ name: '邵阳广播·998', tier: 'municipal' });
        expect(item.outlet).toMatchObject({ name: '邵阳人民广播电台' });
      }
      const summary = await api.http().get('/api/orgs/daxiang/summary').query({ from: '2021-01-01', to: '2021-12-31' }).expect(200);
      expect(summary.body.rows.find((r: { key: string }) => r.key === 'municipal').count).toBe(2);
    });
  });

  describe('the API description', () => {
    it('serves the OpenAPI document at /docs-json and Swagger UI at /docs', async () => {
      const doc = await api.http().get('/docs-json').expect(200);
      expect(doc.body.info.title).toBe('Placement Ledger');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/api/orgs/{org}/placements', '/api/orgs/{org}/placements/bulk', '/api/orgs/{org}/imports']),
      );
      const ui = await api.http().get('/docs').redirects(1).expect(200);
      expect(ui.text).toContain('swagger-ui');
      const asset = await api.http().get('/docs/swagger-ui-bundle.js').expect(200);
      expect(asset.text.length).toBeGreaterThan(100_000);
    });
  });
});
