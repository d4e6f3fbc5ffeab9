import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { placementDedupKey } from '@pl/domain';
import { CATALOG, loadCatalog } from '@pl/placements';
import { MIGRATIONS, dataSourceOptions } from '@pl/persistence';
import { loadConfig } from '@pl/config';
import { createTestDatabase, repoDir, TestDatabase, testEnv } from '../support/harness';

/** The dedup key as it was computed before format characters were folded. */
function keyBefore(channelId: number, publishedOn: string, title: string): string {
  const folded = title.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
  return createHash('sha1').update(`${channelId}|t|${publishedOn}|${folded}`).digest('hex');
}

/**
 * The migration that recomputes dedup keys without format characters (Cf),
 * run by `migrate` on a ledger written with the former keys: keys change
 * where a title held an invisible character; a placement that becomes the
 * same story as another is kept and reported, nothing is deleted.
 */
describe('migration: dedup keys fold format characters', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    const before = MIGRATIONS.filter((m) => m.name !== 'DedupKeysFoldFormatCharacters1765100000000');
    expect(before.length).toBe(MIGRATIONS.length - 1);
    ds = new DataSource({ ...dataSourceOptions(loadConfig(env).database), migrations: before } as never);
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await loadCatalog(ds, CATALOG);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('updates the keys of titles with invisible characters and reports, without deleting, the rows that become duplicates', async () => {
    const [{ id: orgId }] = await ds.query(`SELECT id FROM organizations WHERE slug = 'daxiang'`);
    const [{ id: channelId }] = await ds.query(`SELECT id FROM channels ORDER BY id LIMIT 1`);
    const pg = ds.options.type === 'postgres';
    const now = pg ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '');
    const insert = async (title: string, url: string | null, key: string): Promise<number> => {
      const p = (n: number) => (pg ? `$${n}` : '?');
      const rows = await ds.query(
        `INSERT INTO placements (organization_id, channel_id, title, url, published_on, year, month, prominence, authors, source, status, dedup_key, created_at, updated_at)
         VALUES (${[...Array(14)].map((_, i) => p(i + 1)).join(', ')}) RETURNING id`,
        [orgId, channelId, title, url, '2021-03-05', 2021, 3, 'normal', '[]', 'editor', 'claimed', key, now, now],
      );
      return Number(rows[0].id);
    };
    const plain = '大祥区春耕备耕忙';
    const first = await insert(plain, null, keyBefore(channelId, '2021-03-05', plain));
    // The same title with a zero-width space: a second row under the former keys.
    const twin = await insert('大祥区\u200b春耕备耕忙', null, keyBefore(channelId, '2021-03-05', '大祥区\u200b春耕备耕忙'));
    const lone = '乡村\u00ad振兴\u2060路上';
    const alone = await insert(lone, null, keyBefore(channelId, '2021-03-05', lone));
    const url = 'https://www.example.cn/a/1.html';
    const linkedKey = placementDedupKey({ channelId, url, publishedOn: '2021-03-05', title: '有链接\ufeff的稿件' });
    const linked = await insert('有链接\ufeff的稿件', url, linkedKey);

    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), 'migrate'], {
      env: { ...process.env, ...env },
      cwd: repoDir,
      timeout: 60_000,
    });

    const printed = stdout + stderr;
    const keys = new Map<number, string>(
      (await ds.query(`SELECT id, dedup_key FROM placements`)).map((r: { id: number; dedup_key: string }) => [Number(r.id), r.dedup_key]),
    );
    // Nothing deleted.
    expect([...keys.keys()].sort((a, b) => a - b)).toEqual([first, twin, alone, linked]);
    // The lone title's key is now the key of its visible text: a new submission of it is a duplicate.
    expect(keys.get(alone)).toBe(placementDedupKey({ channelId, publishedOn: '2021-03-05', title: '乡村振兴路上' }));
    expect(keys.get(alone)).not.toBe(keyBefore(channelId, '2021-03-05', lone));
    // The twin would take the first row's key: both kept, the twin's key unchanged, the pair reported.
    expect(keys.get(first)).toBe(placementDedupKey({ channelId, publishedOn: '2021-03-05', title: plain }));
    expect(keys.get(twin)).toBe(keyBefore(channelId, '2021-03-05', '大祥区\u200b春耕备耕忙'));
    expect(printed).toContain(`placement ${twin} (organization ${orgId}) reads as the same story as placement ${first}`);
    expect(printed).toMatch(/1 updated, 1 collision\(s\) reported, no row deleted/);
    // A linked placement is keyed by its link: unchanged.
    expect(keys.get(linked)).toBe(linkedKey);
  });
});
