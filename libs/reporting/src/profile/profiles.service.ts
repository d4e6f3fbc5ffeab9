import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FieldError } from '@pl/domain';
import { isUniqueViolation, LedgerError } from '@pl/placements';
import { OrganizationProfile, writeTransaction } from '@pl/persistence';
import type { OrgRef } from '../budget/budgets.service';
import { isFiscalYear, YEAR_MESSAGE } from '../input-errors';
import type { AnnualProfileDocument, OrganizationProfileDocument } from './profile';
import { parseAnnualProfileInput, parseProfileInput } from './profile-input';

/** organization_profiles.year_key of the standing profile. */
export const STANDING_PROFILE = 0;

export interface SavedProfile<T> {
  document: T;
  created: boolean;
}

/**
 * The prose the annual report is written from: the standing profile
 * (establishment, leadership, units, duties) and each year's goals,
 * achievements, improvement measures and targets. Writes are validated in
 * full first, then replace the stored profile in one transaction.
 */
@Injectable()
export class ProfilesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates or replaces the standing profile. */
  async putStanding(org: OrgRef, raw: unknown): Promise<SavedProfile<OrganizationProfileDocument>> {
    const parsed = parseProfileInput(raw);
    if (!parsed.ok) throw invalid('Profile', parsed.errors);
    return { document: parsed.value, created: await this.upsert(org.id, STANDING_PROFILE, parsed.value) };
  }

  /** Creates or replaces the profile of `year`. */
  async putAnnual(org: OrgRef, year: number, raw: unknown): Promise<SavedProfile<AnnualProfileDocument>> {
    assertYear(year);
    const parsed = parseAnnualProfileInput(raw, year);
    if (!parsed.ok) throw invalid(`Profile ${year}`, parsed.errors);
    return { document: parsed.value, created: await this.upsert(org.id, year, parsed.value) };
  }

  async findStanding(org: OrgRef): Promise<OrganizationProfileDocument | null> {
    return (await this.find(org.id, STANDING_PROFILE)) as OrganizationProfileDocument | null;
  }

  async findAnnual(org: OrgRef, year: number): Promise<AnnualProfileDocument | null> {
    return (await this.find(org.id, year)) as AnnualProfileDocument | null;
  }

  /** The standing profile, or a 404. */
  async getStanding(org: OrgRef): Promise<OrganizationProfileDocument> {
    const doc = await this.findStanding(org);
    if (!doc) {
      throw new LedgerError(HttpStatus.NOT_FOUND, `organization "${org.slug}" has no profile`, [
        { field: 'org', message: `no profile for organization "${org.slug}"` },
      ]);
    }
    return doc;
  }

  /** The profile of `year`, or a 404 naming `year`. */
  async getAnnual(org: OrgRef, year: number): Promise<AnnualProfileDocument> {
    assertYear(year);
    const doc = await this.findAnnual(org, year);
    if (!doc) {
      throw new LedgerError(HttpStatus.NOT_FOUND, `organization "${org.slug}" has no profile for ${year}`, [
        { field: 'year', message: `no profile for ${year}` },
      ]);
    }
    return doc;
  }

  private async find(organizationId: number, yearKey: number): Promise<unknown> {
    const row = await this.dataSource.getRepository(OrganizationProfile).findOneBy({ organizationId, yearKey });
    return row ? row.document : null;
  }

  /** Insert or replace in one transaction; true when inserted. */
  private async upsert(organizationId: number, yearKey: number, document: object): Promise<boolean> {
    const write = () =>
      writeTransaction(this.dataSource, async (m) => {
        const repo = m.getRepository(OrganizationProfile);
        const existing = await repo.findOneBy({ organizationId, yearKey });
        const stored = document as Record<string, unknown>;
        if (existing) {
          existing.document = stored;
          await repo.save(existing);
          return false;
        }
        await repo.save(repo.create({ organizationId, yearKey, document: stored }));
        return true;
      });
    try {
      return await write();
    } catch (err) {
      // A concurrent PUT created it first: replace it.
      if (!isUniqueViolation(err)) throw err;
      return write();
    }
  }
}

function assertYear(year: number): void {
  if (!isFiscalYear(year)) throw LedgerError.invalid([{ field: 'year', message: YEAR_MESSAGE }]);
}

function invalid(what: string, errors: FieldError[]): LedgerError {
  return LedgerError.invalid(errors, `${what} not saved: ${errors.map((e) => e.message).join('; ')}`);
}
