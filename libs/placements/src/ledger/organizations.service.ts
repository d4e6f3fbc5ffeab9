import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { Repository } from 'typeorm';
import { DomainError } from '@pl/domain';
import { isUniqueViolation, Organization, write } from '@pl/persistence';

export interface NewOrganization {
  slug: string;
  name: string;
  region: string;
  foundedOn: string;
  keywords: string[];
}

/** How long a looked-up organization is trusted before it is read again (as the channel directory does). */
const TTL_MS = 2000;

@Injectable()
export class OrganizationsService {
  /**
   * Organizations by slug, as read in the last two seconds: every request
   * under /api/orgs/:org looks its organization up, and a single POST should
   * not pay a query for it. Unknown slugs are not kept, so a new organization
   * is found at once; a change made elsewhere shows within two seconds.
   */
  private readonly recent = new LRUCache<string, Organization>({
    max: 10_000,
    ttl: TTL_MS,
    // Requests arriving while a slug is read share the read; a slug not found (undefined) is not kept.
    fetchMethod: async (slug) => (await this.orgs.findOneBy({ slug })) ?? undefined,
  });

  constructor(@InjectRepository(Organization) private readonly orgs: Repository<Organization>) {}

  async create(input: NewOrganization): Promise<Organization> {
    const taken = () => DomainError.conflict('ORG_SLUG_TAKEN', 'slug', `organization "${input.slug}" already exists`, `机构「${input.slug}」已存在`);
    if (await this.orgs.existsBy({ slug: input.slug })) throw taken();
    try {
      return await write(this.orgs.manager.connection, (em) => em.getRepository(Organization).save(this.orgs.create(input)));
    } catch (err) {
      // Another request created the same slug in between.
      if (isUniqueViolation(err)) throw taken();
      throw err;
    }
  }

  list(): Promise<Organization[]> {
    return this.orgs.find({ order: { id: 'ASC' } });
  }

  /** The organization with this slug when it was read in the last two seconds, without waiting; else undefined. */
  recentBySlug(slug: string): Organization | undefined {
    return this.recent.get(slug);
  }

  /** The organization with this slug, or a 404 naming the `org` path parameter. */
  async bySlug(slug: string): Promise<Organization> {
    const org = this.recent.get(slug) ?? (await this.recent.fetch(slug));
    if (!org) throw DomainError.notFound('ORG_NOT_FOUND', 'organization', '机构', 'org', slug);
    return org;
  }
}
