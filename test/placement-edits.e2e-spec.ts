import { addUser, Http, signIn, startApi, TestApi, waitForIngestion } from './support/harness';

/**
 * Editing, withdrawing and restoring a placement through the real API and
 * the worker (every write is a job on the ingestion queue): old and new
 * values in the history with their actor, a confirmed placement claimed
 * again when its title or link changes, 409 naming the placement an edit
 * would duplicate (and the worker refusing the loser of a race), and a
 * withdrawn placement counted nowhere until it is restored.
 */
describe('editing and withdrawing a placement', () => {
  let api: TestApi;
  const ORG = 'daxiang';
  /** The editors who act here, each signed in: the actor of what they do. */
  const editors: Record<string, Http> = {};
  const as = (name: string) => editors[name]();

  interface Detail {
    id: number;
    title: string;
    url: string | null;
    section: string | null;
    authors: string[];
    status: string;
    events: { type: string; actor: string; data: Record<string, unknown> | null }[];
  }
  const detail = async (id: number): Promise<Detail> => (await api.http().get(`/api/orgs/${ORG}/placements/${id}`).expect(200)).body;

  const log = async (p: Record<string, unknown>): Promise<number> => {
    const res = await as('张三').post(`/api/orgs/${ORG}/placements`).send(p).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    const list = await api.http().get(`/api/orgs/${ORG}/placements`).query({ q: String(p.title) }).expect(200);
    return list.body.items.find((x: { title: string }) => x.title === p.title).id;
  };
  /** Sends a write and waits for the worker: the ingestion's final counts. */
  const written = async (req: Promise<{ body: { ingestionId: string } }>) => waitForIngestion(api, (await req).body.ingestionId);
  const patch = (id: number, body: unknown, actor = '李四') => as(actor).patch(`/api/orgs/${ORG}/placements/${id}`).send(body as object);

  beforeAll(async () => {
    api = await startApi();
    for (const name of ['张三', '李四', '王五']) {
      const u = await addUser(api, { username: name, role: 'editor', org: ORG });
      editors[name] = await signIn(api, u.username, u.password);
    }
  });
  afterAll(async () => {
    await api.close();
  });

  it('records the old and new value of each changed field, with the editor as actor', async () => {
    const id = await log({ channel: '邵阳日报', title: '大祥区春耕生产有序推进', publishedOn: '2021-03-05', section: '二版', authors: '张三' });
    const done = await written(patch(id, { title: '大祥区春耕生产全面有序推进', authors: ['张三', '王五'], section: '一版' }));
    expect(done).toMatchObject({ state: 'completed', inserted: 1, rejected: 0 });

    const p = await detail(id);
    expect(p).toMatchObject({ title: '大祥区春耕生产全面有序推进', authors: ['张三', '王五'], section: '一版', status: 'claimed' });
    expect(p.events.map((e) => [e.type, e.actor])).toEqual([
      ['logged', 'user:张三'],
      ['edited', 'user:李四'],
    ]);
    expect(p.events[1].data).toEqual({
      changes: {
        title: { from: '大祥区春耕生产有序推进', to: '大祥区春耕生产全面有序推进' },
        section: { from: '二版', to: '一版' },
        authors: { from: ['张三'], to: ['张三', '王五'] },
      },
    });
    // Found by its new title, no longer by the old one alone.
    const found = await api.http().get(`/api/orgs/${ORG}/placements`).query({ q: '全面有序' }).expect(200);
    expect(found.body.items.map((x: { id: number }) => x.id)).toEqual([id]);

    // Saving the same values again changes nothing and writes no event.
    const same = await written(patch(id, { section: '一版' }));
    expect(same).toMatchObject({ inserted: 0, duplicates: 1, rejected: 0 });
    expect((await detail(id)).events).toHaveLength(2);
  });

  it('returns a confirmed placement to claimed when its title or link changes, its confirmation kept in the history', async () => {
    const id = await log({ channel: '湖南日报', title: '大祥区打造15分钟便民生活圈', publishedOn: '2021-04-08', url: 'https://hnrb.example.cn/a/0408.html' });
    await written(patch(id, { status: 'confirmed', reason: '版面核实' }));
    expect((await detail(id)).status).toBe('confirmed');

    // A note is not what was confirmed: it stays confirmed.
    await written(patch(id, { note: '头版右下' }));
    expect((await detail(id)).status).toBe('confirmed');

    await written(patch(id, { url: 'https://hnrb.example.cn/a/0408-2.html' }));
    const p = await detail(id);
    expect(p.status).toBe('claimed');
    expect(p.url).toBe('https://hnrb.example.cn/a/0408-2.html');
    expect(p.events.map((e) => e.type)).toEqual(['logged', 'confirmed', 'edited', 'edited']);
    expect(p.events[1]).toMatchObject({ type: 'confirmed', data: { from: 'claimed', reason: '版面核实' } });
    expect(p.events[3].data).toEqual({
      changes: { url: { from: 'https://hnrb.example.cn/a/0408.html', to: 'https://hnrb.example.cn/a/0408-2.html' } },
      status: { from: 'confirmed', to: 'claimed' },
    });
  });

  it('answers 409 naming the placement an edit would duplicate, and changes nothing', async () => {
    const first = await log({ channel: '红网', title: '大祥区召开安全生产工作会议', publishedOn: '2021-05-10', url: 'https://hn.rednet.example/c/1.html' });
    const second = await log({ channel: '红网', title: '大祥区开展安全生产大检查', publishedOn: '2021-05-11', url: 'https://hn.rednet.example/c/2.html' });
    const res = await patch(second, { url: 'https://hn.rednet.example/c/1.html#top' }).expect(409);
    expect(res.body.duplicateOf).toEqual({ id: first, title: '大祥区召开安全生产工作会议', status: 'claimed' });
    expect(res.body.message).toContain(`placement ${first}`);
    expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringContaining(`placement ${first}`) }]);
    const p = await detail(second);
    expect(p.url).toBe('https://hn.rednet.example/c/2.html');
    expect(p.events.map((e) => e.type)).toEqual(['logged']);
  });

  it('lets one of two racing edits to the same story win; the worker refuses the other', async () => {
    const a = await log({ channel: '红网', title: '大祥区并发编辑甲', publishedOn: '2021-05-12', url: 'https://hn.rednet.example/r/a.html' });
    const b = await log({ channel: '红网', title: '大祥区并发编辑乙', publishedOn: '2021-05-12', url: 'https://hn.rednet.example/r/b.html' });
    const target = 'https://hn.rednet.example/r/same.html';
    // Both pass the edge (no placement has that link yet); the worker writes one and refuses the other.
    const [ra, rb] = await Promise.all([patch(a, { url: target }).expect(202), patch(b, { url: target }).expect(202)]);
    const outcomes = [await waitForIngestion(api, ra.body.ingestionId), await waitForIngestion(api, rb.body.ingestionId)];
    expect(outcomes.map((o) => [o.inserted, o.rejected]).sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const urls = [(await detail(a)).url, (await detail(b)).url];
    expect(urls.filter((u) => u === target)).toHaveLength(1);
  });

  it('refuses bad edits naming the field, and another organization’s placement is not found', async () => {
    const id = await log({ channel: '邵阳日报', title: '大祥区编辑校验测试稿', publishedOn: '2021-06-01' });
    expect((await patch(id, { title: '' }).expect(400)).body.errors[0].field).toBe('title');
    expect((await patch(id, { publishedOn: '2021-02-30' }).expect(400)).body.errors[0].field).toBe('publishedOn');
    expect((await patch(id, { channel: '不存在的媒体' }).expect(400)).body.errors[0].field).toBe('channel');
    expect((await patch(id, { colour: 'red' }).expect(400)).body.errors[0].field).toBe('colour');
    expect((await patch(id, {}).expect(400)).body.errors[0].field).toBe('(body)');
    expect((await patch(id, { status: 'withdrawn' }).expect(400)).body.errors[0].field).toBe('status');
    await api.http().patch(`/api/orgs/${ORG}/placements/999999`).send({ title: '无此稿件' }).expect(404);
    await api.http().post('/api/orgs').send({ slug: 'other-org', name: '另一融媒体中心', region: '邵阳市', foundedOn: '2019-06-21', keywords: ['另一'] }).expect(201);
    await api.http().patch(`/api/orgs/other-org/placements/${id}`).send({ title: '越权修改' }).expect(404);
    await api.http().post(`/api/orgs/other-org/placements/${id}/withdraw`).expect(404);
    expect((await detail(id)).events.map((e) => e.type)).toEqual(['logged']);
  });

  describe('a withdrawn placement', () => {
    const MONTH = { from: '2021-09-01', to: '2021-09-30' };
    let kept: number;
    let gone: number;

    const summaryTotal = async () => (await api.http().get(`/api/orgs/${ORG}/summary`).query(MONTH).expect(200)).body.total as number;
    const authorCount = async (author: string) => {
      const r = (await api.http().get(`/api/orgs/${ORG}/rankings/authors`).query(MONTH).expect(200)).body;
      return (r.rows.find((x: { author: string }) => x.author === author)?.count ?? 0) as number;
    };
    const regionTotal = async () => {
      const r = (await api.http().get('/api/regions/shaoyang/rankings').query(MONTH).expect(200)).body;
      return r.rows.find((x: { organization: { slug: string } }) => x.organization.slug === ORG).total as number;
    };
    const keyArticles = async () =>
      ((await api.http().get(`/api/orgs/${ORG}/reports/monthly`).query({ month: '2021-09', format: 'json' }).expect(200)).body.data.keyArticles as { title: string }[]).map(
        (a) => a.title,
      );

    beforeAll(async () => {
      kept = await log({ channel: '人民日报', title: '大祥区撤回测试·保留稿', publishedOn: '2021-09-03', authors: '赵六' });
      gone = await log({ channel: '人民日报', title: '大祥区撤回测试·撤回稿', publishedOn: '2021-09-04', authors: '赵六' });
      await written(patch(gone, { status: 'confirmed' }));
    });

    it('is counted nowhere: summary, reporter and region rankings, the bulletin’s key articles', async () => {
      const before = { summary: await summaryTotal(), author: await authorCount('赵六'), region: await regionTotal(), key: await keyArticles() };
      expect(before.author).toBe(2);
      expect(before.key).toEqual(expect.arrayContaining(['大祥区撤回测试·保留稿', '大祥区撤回测试·撤回稿']));

      const done = await written(as('李四').post(`/api/orgs/${ORG}/placements/${gone}/withdraw`).send({ reason: '重复登记' }).expect(202));
      expect(done).toMatchObject({ inserted: 1, rejected: 0 });
      const p = await detail(gone);
      expect(p.status).toBe('withdrawn');
      expect(p.events.at(-1)).toMatchObject({ type: 'withdrawn', actor: 'user:李四', data: { from: 'confirmed', reason: '重复登记' } });

      expect(await summaryTotal()).toBe(before.summary - 1);
      expect(await authorCount('赵六')).toBe(before.author - 1);
      expect(await regionTotal()).toBe(before.region - 1);
      const key = await keyArticles();
      expect(key).toContain('大祥区撤回测试·保留稿');
      expect(key).not.toContain('大祥区撤回测试·撤回稿');
      // Still in the ledger for whoever looks for it.
      const listed = await api.http().get(`/api/orgs/${ORG}/placements`).query({ status: 'withdrawn' }).expect(200);
      expect(listed.body.items.map((x: { id: number }) => x.id)).toEqual([gone]);
      expect((await detail(kept)).status).toBe('claimed');
    });

    it('cannot be edited, withdrawn again or decided until restored (409)', async () => {
      expect((await patch(gone, { title: '撤回后修改' }).expect(409)).body.errors[0].field).toBe('status');
      await api.http().post(`/api/orgs/${ORG}/placements/${gone}/withdraw`).expect(409);
      await patch(gone, { status: 'rejected' }).expect(409);
      await api.http().post(`/api/orgs/${ORG}/placements/${kept}/restore`).expect(409);
    });

    it('is restored by an editor to the status it had, and counted again', async () => {
      const before = await summaryTotal();
      await written(as('王五').post(`/api/orgs/${ORG}/placements/${gone}/restore`).set('Content-Type', 'application/json').expect(202));
      const p = await detail(gone);
      expect(p.status).toBe('confirmed');
      expect(p.events.slice(-2).map((e) => [e.type, e.actor, e.data])).toEqual([
        ['withdrawn', 'user:李四', { from: 'confirmed', reason: '重复登记' }],
        ['restored', 'user:王五', { to: 'confirmed' }],
      ]);
      expect(await summaryTotal()).toBe(before + 1);
      expect(await authorCount('赵六')).toBe(2);
    });
  });
});
