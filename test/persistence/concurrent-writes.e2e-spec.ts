import { DataSource } from 'typeorm';
import { loadConfig } from '@pl/config';
import { openDatabase, Organization, write, writeTransaction } from '@pl/persistence';
import { createTestDatabase, TestDatabase } from '../support/harness';

/**
 * Writers that overlap in time, as in one process that serves the API and
 * its worker: every write goes through writeTransaction/write, which on
 * SQLite (one shared connection) runs them one at a time. Neither writer
 * fails with SQLITE_BUSY or loses a row, and a rollback undoes only its own
 * transaction's work — on both databases.
 */
describe('concurrent writers', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const tick = (ms = 2) => new Promise((r) => setTimeout(r, ms));
  const p = (i: number) => (ds.options.type === 'postgres' ? `$${i}` : '?');
  const insertOrg = (q: (sql: string, params: unknown[]) => Promise<unknown>, slug: string) =>
    q(`INSERT INTO organizations (slug, name, region, founded_on, keywords) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`, [
      slug,
      `测试 ${slug}`,
      '邵阳市',
      '2019-06-21',
      '[]',
    ]);
  const slugs = async (like: string) =>
    ((await ds.query(`SELECT slug FROM organizations WHERE slug LIKE ${p(1)} ORDER BY slug`, [like])) as { slug: string }[]).map((r) => r.slug);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(loadConfig({ ...db.env, NODE_ENV: 'test' }).database);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('two writers interleaving transactions and single writes: every row is there, no write fails', async () => {
    const a = Array.from({ length: 40 }, (_, i) =>
      writeTransaction(ds, async (em) => {
        await insertOrg((s, v) => em.query(s, v), `a-${String(i).padStart(2, '0')}-1`);
        await tick(); // the other writer's turn comes meanwhile
        await insertOrg((s, v) => em.query(s, v), `a-${String(i).padStart(2, '0')}-2`);
      }),
    );
    const b = Array.from({ length: 40 }, async (_, i) => {
      await tick(i % 3);
      await write(ds, (em) => em.getRepository(Organization).save(em.getRepository(Organization).create({
        slug: `b-${String(i).padStart(2, '0')}`, name: `测试 b${i}`, region: '邵阳市', foundedOn: '2019-06-21', keywords: [],
      })));
    });
    const outcomes = await Promise.allSettled([...a, ...b]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(await slugs('a-%')).toHaveLength(80);
    expect(await slugs('b-%')).toHaveLength(40);
  });

  it('a transaction rolled back undoes only its own rows, not those another writer committed meanwhile', async () => {
    const failing = writeTransaction(ds, async (em) => {
      await insertOrg((s, v) => em.query(s, v), 'rb-rolled-back');
      await tick(30);
      throw new Error('refused');
    });
    const committing = writeTransaction(ds, async (em) => {
      await insertOrg((s, v) => em.query(s, v), 'rb-committed');
      await tick();
      await insertOrg((s, v) => em.query(s, v), 'rb-committed-too');
    });
    const single = write(ds, (em) => insertOrg((s, v) => em.query(s, v), 'rb-single'));
    await expect(failing).rejects.toThrow('refused');
    await committing;
    await single;
    expect(await slugs('rb-%')).toEqual(['rb-committed', 'rb-committed-too', 'rb-single']);
  });

  it('a write that fails leaves the next writer working', async () => {
    const duplicate = write(ds, (em) => insertOrg((s, v) => em.query(s, v), 'rb-single')); // unique slug: refused
    const next = writeTransaction(ds, (em) => insertOrg((s, v) => em.query(s, v), 'after-failure'));
    await expect(duplicate).rejects.toThrow();
    await next;
    expect(await slugs('after-%')).toEqual(['after-failure']);
  });
});
