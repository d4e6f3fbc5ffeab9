import { countOf, REDIS_URL, startApi, TestApi, waitForIngestion } from '../support/harness';
import { openQueue, until } from '../support/processes';
import { RedisProxy } from '../support/redis-proxy';

const placement = (title: string) => ({ channel: '邵阳日报', title, publishedOn: '2021-05-20', genre: '消息' });

/**
 * The queue's answer is lost or late after Redis carried the write out (the
 * connection drops after the command was forwarded; Redis answers after the
 * API's fail-fast second). The API must not answer 503 "nothing was
 * recorded" for a write that was queued, or a client retrying would submit
 * it twice: it sends the same jobs again under the same job ids until Redis
 * answers, and answers 202. The API and its worker reach the real Redis
 * through a loopback proxy that makes the fault.
 */
describe('Queue answers lost after the write was sent', () => {
  let proxy: RedisProxy;
  let api: TestApi;
  let queue: ReturnType<typeof openQueue>;

  beforeAll(async () => {
    proxy = await RedisProxy.start(REDIS_URL);
    api = await startApi({ env: { REDIS_URL: proxy.url(REDIS_URL), LOG_LEVEL: 'error' } });
    queue = openQueue({ REDIS_URL, QUEUE_PREFIX: api.config.redis.prefix });
  });
  afterAll(async () => {
    proxy?.refuseNew(false);
    await queue?.close();
    await api?.close();
    await proxy?.close();
  });

  /** The queue jobs (in any state) that carry the ingestion. */
  async function jobsOf(ingestionId: string): Promise<number> {
    const jobs = await queue.queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
    const carries = (d: { ingestionId?: string; records?: { ingestionId: string }[] }) =>
      d.ingestionId === ingestionId || (d.records ?? []).some((r) => r.ingestionId === ingestionId);
    return jobs.filter((j) => j && carries(j.data)).length;
  }
  const rowsTitled = (title: string) => countOf(api.dataSource, `SELECT COUNT(*) AS n FROM placements WHERE title = '${title}'`);

  it.each([
    ['the connection drops once the command is forwarded', 'drop' as const, 100],
    ['Redis answers after the fail-fast second', 'delay' as const, 1500],
  ])('a single POST when %s: 202, one job, one placement', async (_what, mode, ms) => {
    const title = `大祥区防汛工作会议（${mode}）`;
    proxy.arm(/placements\.record/, mode, ms);
    const res = await api.http().post('/api/orgs/daxiang/placements').send(placement(title));
    expect(proxy.hits).toBeGreaterThan(0);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 202, body: { ingestionId: expect.any(String) } });
    expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ state: 'completed', inserted: 1, duplicates: 0 });
    expect(await rowsTitled(title)).toBe(1);
    expect(await jobsOf(res.body.ingestionId)).toBe(1);
  });

  it('a bulk POST whose answer is lost: 202, each chunk once, every placement once', async () => {
    const titles = ['社区网格员的一天（bulk）', '大祥区新增三处应急避难场所（bulk）'];
    proxy.arm(/placements\.record/, 'drop', 100);
    const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements: titles.map(placement) });
    expect(res.status).toBe(202);
    expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 2, duplicates: 0 });
    for (const t of titles) expect(await rowsTitled(t)).toBe(1);
    expect(await jobsOf(res.body.ingestionId)).toBe(1);
  });

  it('a status change whose answer is lost: 202, applied once', async () => {
    const [{ id }] = await api.dataSource.query(`SELECT id FROM placements WHERE title = '大祥区防汛工作会议（drop）'`);
    proxy.arm(/placement\.set-status/, 'drop', 100);
    const res = await api.http().patch(`/api/orgs/daxiang/placements/${id}`).send({ status: 'confirmed' });
    expect(res.status).toBe(202);
    await waitForIngestion(api, res.body.ingestionId);
    expect(await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM placement_events WHERE ingestion_id = '${res.body.ingestionId}'`)).toBe(1);
    expect(await jobsOf(res.body.ingestionId)).toBe(1);
  });

  it('Redis unreachable for longer than the API keeps trying: 503 saying the outcome is unknown, and the ingestion tells', async () => {
    const title = '大祥区防汛工作会议（unknown）';
    proxy.arm(/placements\.record/, 'drop', 100);
    proxy.refuseNew(true);
    const res = await api.http().post('/api/orgs/daxiang/placements').send(placement(title));
    proxy.refuseNew(false);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'QUEUE_UNAVAILABLE', outcome: 'unknown', ingestionId: expect.any(String) });
    expect(res.body.message).toMatch(/may have been recorded/);
    // The command was carried out before the answer was lost: once Redis is back the ingestion is written, once.
    await until(() => api.http().get(`/api/ingestions/${res.body.ingestionId}`).then((r) => r.body.state), (s) => s === 'completed', 30_000);
    expect(await rowsTitled(title)).toBe(1);
    expect(await jobsOf(res.body.ingestionId)).toBe(1);
  });
});
