import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, type FieldError } from '@pl/domain';
import { OrganizationProfile, isUniqueViolation, writeTransaction } from '@pl/persistence';
import type { OrgRef } from '../budget/budgets.service';
import { assertFiscalYear } from '../input-errors';
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
    if (!parsed.ok) throw invalid('Profile', '单位概况', parsed.errors);
    return { document: parsed.value, created: await this.upsert(org.id, STANDING_PROFILE, parsed.value) };
  }

  /** Creates or replaces the profile of `year`. */
  async putAnnual(org: OrgRef, year: number, raw: unknown): Promise<SavedProfile<AnnualProfileDocument>> {
    assertYear(year);
    const parsed = parseAnnualProfileInput(raw, year);
    if (!parsed.ok) throw invalid(`Profile ${year}`, `${year} 年度概况`, parsed.errors);
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
      throw new DomainError(
        'PROFILE_NOT_FOUND',
        'not-found',
        `organization "${org.slug}" has no profile`,
        [{ field: 'org', message: `no profile for organization "${org.slug}"` }],
        `机构「${org.slug}」没有单位概况`,
      );
    }
    return doc;
  }

  /** The profile of `year`, or a 404 naming `year`. */
  async getAnnual(org: OrgRef, year: number): Promise<AnnualProfileDocument> {
    assertYear(year);
    const doc = await this.findAnnual(org, year);
    if (!doc) {
      throw new DomainError(
        'PROFILE_NOT_FOUND',
        'not-found',
        `organization "${org.slug}" has no profile for ${year}`,
        [{ field: 'year', message: `no profile for ${year}` }],
        `机构「${org.slug}」没有 ${year} 年度概况`,
      );
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

const assertYear = (year: number) => assertFiscalYear(year, 'PROFILE_BAD_YEAR');

function invalid(what: string, whatZh: string, errors: FieldError[]): DomainError {
  const detail = errors.map((e) => e.message);
  return DomainError.invalid('PROFILE_INVALID', errors, `${what} not saved: ${detail.join('; ')}`, `${whatZh}未保存：${detail.join('；')}`);
}
