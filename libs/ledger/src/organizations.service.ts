import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Organization } from '../../persistence/src';
import { isUniqueViolation, LedgerError } from './ledger-errors';

export interface NewOrganization {
  slug: string;
  name: string;
  region: string;
  foundedOn: string;
  keywords: string[];
}

@Injectable()
export class OrganizationsService {
  constructor(@InjectRepository(Organization) private readonly orgs: Repository<Organization>) {}

  async create(input: NewOrganization): Promise<Organization> {
    const taken = () => LedgerError.conflict('slug', `organization "${input.slug}" already exists`);
    if (await this.orgs.existsBy({ slug: input.slug })) throw taken();
    try {
      return await this.orgs.save(this.orgs.create(input));
    } catch (err) {
      // Another request created the same slug in between.
      if (isUniqueViolation(err)) throw taken();
      throw err;
    }
  }

  list(): Promise<Organization[]> {
    return this.orgs.find({ order: { id: 'ASC' } });
  }

  /** The organization with this slug, or a 404 naming the `org` path parameter. */
  async bySlug(slug: string): Promise<Organization> {
    const org = await this.orgs.findOneBy({ slug });
    if (!org) throw LedgerError.notFound('organization', 'org', slug);
    return org;
  }
}
