import { startApi, tableCounts, TestApi, waitForIngestion } from '../support/harness';
import { Child, Children, freePort, until } from '../support/processes';

const placement = (title: string) => ({ channel: '邵阳日报', title, publishedOn: '2021-05-20', genre: '消息' });

/** Sends a request and measures how long the answer took. */
async function timed<T>(send: () => PromiseLike<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await send();
  return { res, ms: Date.now() - started };
}

/**
 * Redis (the queue) goes away under a running API with its worker: writes are
 * refused at once with a 503 naming the queue, nothing is half-written, reads
 * of the database keep working, /health says what is down, and once Redis is
 * back writes go through again, in the same process.
 */
describe('Redis down while the API is up', () => {
  const children = new Children();
  let port: number;
  let redis: Child;
  let api: TestApi;
  let placementId: number;
  let before: Record<string, number>;

  beforeAll(async () => {
    port = await freePort();
    redis = await children.redis(port);
    // LOG_LEVEL error: the in-process worker's reconnect warnings are expected here.
    api = await startApi({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, LOG_LEVEL: 'error' } });
  });
  afterAll(async () => {
    // Closing drains the worker, which needs its Redis: bring it back if a test failed while it was down.
    if (api) {
      if (!redis.running) redis = await children.redis(port).catch(() => redis);
      await api.close();
    }
    await children.killAll();
  });

  it('records a placement while Redis is up', async () => {
    const res = await api.http().post('/api/orgs/daxiang/placements').send(placement('大祥区召开防汛工作会议')).expect(202);
    expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1 });
    const list = await api.http().get('/api/orgs/daxiang/placements').expect(200);
    placementId = list.body.items[0].id;
    before = await tableCounts(api.dataSource);
    expect(before.placements).toBe(1);
  });

  it('answers every write with a JSON 503 naming the queue at once (the fail-fast second, not the 5 s of an unknown outcome), writing nothing', async () => {
    await redis.kill('SIGKILL');

    const writes: [string, () => PromiseLike<import('supertest').Response>][] = [
      ['POST placement', () => api.http().post('/api/orgs/daxiang/placements').send(placement('雨中的坚守：大祥区防汛一线'))],
      [
        'POST bulk',
        () =>
          api
            .http()
            .post('/api/orgs/daxiang/placements/bulk')
            .send({ placements: [placement('大祥区新增三处应急避难场所'), placement('社区网格员的一天')] }),
      ],
      ['PATCH status', () => api.http().patch(`/api/orgs/daxiang/placements/${placementId}`).send({ status: 'confirmed' })],
    ];
    // Right after Redis died, and again once the client is busy reconnecting.
    for (const round of [1, 2]) {
      if (round === 2) await until(async () => (await api.http().get('/health')).body.redis, (r) => r === 'down', 5000);
      for (const [what, send] of writes) {
        const { res, ms } = await timed(send);
        expect({ what, round, status: res.status }).toEqual({ what, round, status: 503 });
        // Fails fast (ENQUEUE_TIMEOUT_MS, 1 s), not after the 5 s an enqueue whose outcome is unknown keeps trying;
        // the margin is for a loaded 2-core CI machine (1,036 ms was seen there).
        expect(ms).toBeLessThan(2500);
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
        expect(res.body.message).toMatch(/queue \(Redis\) is unavailable: nothing was recorded/);
        expect(res.body.errors).toEqual([{ field: 'queue', message: expect.stringMatching(/ingestion queue is unavailable/) }]);
      }
    }
    expect(await tableCounts(api.dataSource)).toEqual(before);
  });

  it('still serves reads of the database, and /health names Redis as down', async () => {
    const list = await api.http().get('/api/orgs/daxiang/placements').expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ title: '大祥区召开防汛工作会议', status: 'claimed' });

    const one = await api.http().get(`/api/orgs/daxiang/placements/${placementId}`).expect(200);
    expect(one.body.events).toHaveLength(1);

    const summary = await api.http().get('/api/orgs/daxiang/summary?groupBy=tier&from=2021-01-01&to=2021-12-31').expect(200);
    expect(summary.body.total).toBe(1);
    expect(summary.body.rows).toContainEqual(expect.objectContaining({ key: 'municipal', count: 1 }));

    const health = await api.http().get('/health').expect(503);
    expect(health.body).toMatchObject({ status: 'error', database: 'up', redis: 'down' });
    // terminus's own report follows the three fields.
    expect(health.body.error).toEqual({ redis: { status: 'down' } });
    expect(health.body.info).toEqual({ database: { status: 'up' } });
    expect(await tableCounts(api.dataSource)).toEqual(before);
  });

  it('takes writes again once Redis is back, without a restart', async () => {
    redis = await children.redis(port); // same port, empty (no persistence)
    await until(async () => (await api.http().get('/health')).status, (s) => s === 200, 15_000, 'healthy again');

    const res = await api.http().post('/api/orgs/daxiang/placements').send(placement('雨中的坚守：大祥区防汛一线')).expect(202);
    expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1, duplicates: 0 });
    const patch = await api.http().patch(`/api/orgs/daxiang/placements/${placementId}`).send({ status: 'confirmed' }).expect(202);
    await waitForIngestion(api, patch.body.ingestionId);

    const list = await api.http().get('/api/orgs/daxiang/placements').expect(200);
    expect(list.body.total).toBe(2);
    const one = await api.http().get(`/api/orgs/daxiang/placements/${placementId}`).expect(200);
    expect(one.body.status).toBe('confirmed');
    expect(one.body.events).toHaveLength(2);
  });
});
