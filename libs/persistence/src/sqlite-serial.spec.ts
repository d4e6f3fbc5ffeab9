import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { openDatabase } from './data-source';

/**
 * The serialised SQLite connection (sqlite-serial.ts), on a real database
 * file: overlapping transactions never nest, statements from outside wait for
 * the running transaction, and the context it tracks transactions with is
 * switched off and on again between them without losing track.
 */
describe('SQLite access serialised on the shared connection', () => {
  let dir: string;
  let ds: DataSource;
  const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
  const orgSlugs = async () =>
    ((await ds.query('SELECT slug FROM organizations ORDER BY slug')) as { slug: string }[]).map((r) => r.slug);
  const insertOrg = (q: (sql: string, params: unknown[]) => Promise<unknown>, slug: string) =>
    q('INSERT INTO organizations (slug, name, region, founded_on, keywords) VALUES (?, ?, ?, ?, ?)', [
      slug,
      `测试 ${slug}`,
      '邵阳市',
      '2019-06-21',
      '[]',
    ]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pl-sqlite-serial-'));
    ds = await openDatabase({ type: 'sqlite', url: path.join(dir, 'ledger.sqlite') });
  });
  afterAll(async () => {
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await ds.query('DELETE FROM organizations');
  });

  it('keeps overlapping transactions apart: one rolled back undoes only its own write', async () => {
    const failing = ds.transaction(async (em) => {
      await insertOrg((s, p) => em.query(s, p), 'rolled-back');
      await tick(20);
      throw new Error('refused');
    });
    const committing = ds.transaction(async (em) => {
      await insertOrg((s, p) => em.query(s, p), 'committed');
      await tick();
      await insertOrg((s, p) => em.query(s, p), 'committed-too');
    });
    await expect(failing).rejects.toThrow('refused');
    await committing;
    expect(await orgSlugs()).toEqual(['committed', 'committed-too']);
  });

  it('makes a statement from outside wait for the running transaction to commit', async () => {
    const running = ds.transaction(async (em) => {
      await insertOrg((s, p) => em.query(s, p), 'first');
      await tick(30);
      await insertOrg((s, p) => em.query(s, p), 'second');
    });
    await tick(); // the transaction holds the connection now
    expect(await orgSlugs()).toEqual(['first', 'second']);
    await running;
  });

  it('runs transactions one after another, each with its own statements inside, many times over', async () => {
    for (let round = 0; round < 3; round++) {
      // Idle in between: the tracking context is off, and the next transaction switches it on again.
      await tick();
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          ds.transaction(async (em) => {
            await insertOrg((s, p) => em.query(s, p), `r${round}-${i}`);
            await tick(1);
            const [{ n }] = await em.query('SELECT COUNT(*) AS n FROM organizations');
            // Earlier rounds left 5 rows each; each earlier transaction of this round, 2 (its own and the nested one).
            expect(Number(n)).toBe(round * 5 + 2 * i + 1);
            // A nested transaction joins the running one instead of waiting for it.
            await em.transaction(async (inner) => insertOrg((s, p) => inner.query(s, p), `r${round}-${i}-nested`));
          }),
        ),
      );
      await insertOrg((s, p) => ds.query(s, p), `r${round}-outside`);
      await ds.query('DELETE FROM organizations WHERE slug LIKE ?', ['%-nested']);
      await ds.query('DELETE FROM organizations WHERE slug LIKE ?', ['%-outside']);
    }
    expect(await orgSlugs()).toHaveLength(15);
  });
});
