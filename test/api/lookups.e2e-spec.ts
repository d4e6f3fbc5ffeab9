import { Logger as TypeOrmLogger } from 'typeorm';
import { ChannelDirectory, OrganizationsService } from '@pl/placements';
import { startApi, TestApi } from '../support/harness';

/**
 * The organization and channel lookups every request under /api/orgs/:org
 * makes are kept for two seconds; when they expire under load, the requests
 * that arrive together share one read of the database instead of each
 * reading the whole channel table.
 */
describe('organization and channel lookups', () => {
  let api: TestApi;
  /** Statements the database was sent, as TypeORM hands them to the driver. */
  let statements: string[] = [];
  let original: TypeOrmLogger;

  beforeAll(async () => {
    api = await startApi({ withWorker: false });
    original = api.dataSource.logger;
    const counting = Object.create(original) as TypeOrmLogger;
    counting.logQuery = (query, parameters, runner) => {
      statements.push(query);
      return original.logQuery(query, parameters, runner);
    };
    (api.dataSource as { logger: TypeOrmLogger }).logger = counting;
  });
  afterAll(async () => {
    (api.dataSource as { logger: TypeOrmLogger }).logger = original;
    await api.close();
  });
  beforeEach(() => {
    statements = [];
  });
  const reads = (table: string) => statements.filter((q) => new RegExp(`FROM "${table}"`).test(q)).length;

  it('resolves 50 concurrent lookups of an expired channel directory with one read of the channel table', async () => {
    const directory = api.app.get(ChannelDirectory);
    directory.invalidate();
    const found = await Promise.all(Array.from({ length: 50 }, (_, i) => directory.resolve(i % 2 ? '人民日报' : '央视')));
    expect(new Set(found.map((c) => c?.name))).toEqual(new Set(['人民日报', '中央电视台']));
    expect(reads('channels')).toBe(1);
    // Kept: the next lookups read nothing.
    expect(await directory.resolve('湖南日报')).toMatchObject({ tier: 'provincial' });
    expect(reads('channels')).toBe(1);
  });

  it('finds a channel added over HTTP at once, though the directory was read just before', async () => {
    const directory = api.app.get(ChannelDirectory);
    directory.invalidate();
    // A lookup reads the directory as it was before the channel existed…
    const before = directory.resolve('新湖南客户端县区频道');
    await api
      .http()
      .post('/api/channels')
      .send({ name: '新湖南客户端县区频道', outlet: '新湖南', tier: 'provincial', kind: 'app' })
      .expect(201);
    expect(await before).toBeNull();
    // …which must not be kept as the directory after the addition.
    expect(await directory.resolve('新湖南客户端县区频道')).toMatchObject({ name: '新湖南客户端县区频道', tier: 'provincial' });
    const res = await api.http().get('/api/orgs/daxiang/placements').query({ channel: '新湖南客户端县区频道' }).expect(200);
    expect(res.body.total).toBe(0);
  });

  it('answers 50 concurrent lookups of an organization with one read, and an unknown slug with a 404 each', async () => {
    const orgs = api.app.get(OrganizationsService);
    await new Promise((r) => setTimeout(r, 2100)); // whatever earlier requests kept has expired
    statements = [];
    const found = await Promise.all(Array.from({ length: 50 }, () => orgs.bySlug('daxiang')));
    expect(new Set(found.map((o) => o.name))).toEqual(new Set(['邵阳市大祥区融媒体中心']));
    expect(reads('organizations')).toBe(1);

    const missing = await Promise.all(Array.from({ length: 5 }, () => api.http().get('/api/orgs/nowhere/placements')));
    expect(missing.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    for (const r of missing) expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['org']);
  });
});
