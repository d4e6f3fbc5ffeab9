import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { placementDedupKey } from '@pl/domain';

/** Rows read per page while looking for keys to recompute. */
const PAGE = 5000;
/** Any format character (Cf): only titles holding one can have a new key. */
const FORMAT_CHARACTER = /\p{Cf}/u;

/** A placement whose stored key is no longer the one its title gives, and the row that already holds the new key. */
interface DedupKeyCollision {
  placementId: number;
  organizationId: number;
  title: string;
  /** The placement that keeps the key: the story already in the ledger. */
  sameAs: number;
}

/**
 * The dedup key's normalised title now drops Unicode format characters (Cf:
 * zero-width space and joiners, soft hyphen, word joiner, BOM, bidi
 * controls), so titles that differ only by invisible characters are one
 * story. Existing keys are recomputed with the same function the worker
 * uses. Where a recomputed key is already held by another placement of the
 * organization, the two rows are the same story stored twice: nothing is
 * deleted, the later row keeps its old key, and the pair is reported (a
 * warning per pair and a summary line) for an editor to reject one of them.
 */
export class DedupKeysFoldFormatCharacters1765100000000 implements MigrationInterface {
  name = 'DedupKeysFoldFormatCharacters1765100000000';

  async up(qr: QueryRunner): Promise<void> {
    const pg = qr.connection.options.type === 'postgres';
    const p = (n: number) => (pg ? `$${n}` : '?');
    const logger = new Logger('Migration');
    const collisions: DedupKeyCollision[] = [];
    let updated = 0;
    let after = 0;
    for (;;) {
      const rows: { id: number; organization_id: number; channel_id: number; url: string | null; published_on: string; title: string; dedup_key: string }[] =
        await qr.query(
          `SELECT id, organization_id, channel_id, url, published_on, title, dedup_key FROM placements WHERE id > ${p(1)} ORDER BY id LIMIT ${PAGE}`,
          [after],
        );
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1].id);
      for (const r of rows) {
        if (!FORMAT_CHARACTER.test(r.title)) continue;
        const key = placementDedupKey({ channelId: Number(r.channel_id), url: r.url, publishedOn: r.published_on, title: r.title });
        if (key === r.dedup_key) continue;
        const holder: { id: number }[] = await qr.query(
          `SELECT id FROM placements WHERE organization_id = ${p(1)} AND dedup_key = ${p(2)}`,
          [r.organization_id, key],
        );
        if (holder.length > 0) {
          collisions.push({ placementId: Number(r.id), organizationId: Number(r.organization_id), title: r.title, sameAs: Number(holder[0].id) });
          continue;
        }
        await qr.query(`UPDATE placements SET dedup_key = ${p(1)} WHERE id = ${p(2)}`, [key, r.id]);
        updated++;
      }
    }
    for (const c of collisions) {
      logger.warn(
        `placement ${c.placementId} (organization ${c.organizationId}) reads as the same story as placement ${c.sameAs} once invisible characters are ignored; both kept, its key unchanged: ${JSON.stringify(c.title)}`,
      );
    }
    if (updated > 0 || collisions.length > 0) {
      logger.log(`dedup keys recomputed without format characters: ${updated} updated, ${collisions.length} collision(s) reported, no row deleted`);
    }
  }

  async down(): Promise<void> {
    // The old keys cannot be told apart from the new ones (a hash each); the new ones stay valid keys.
  }
}
