import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { Repository } from 'typeorm';
import { z } from 'zod';
import { DomainError, isIsoDate } from '@pl/domain';
import { isUniqueViolation, Organization, write } from '@pl/persistence';

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .min(1, `${field} should not be empty`)
    .max(max, `${field} must be shorter than or equal to ${max} characters`);

/** A new organization, as POST /api/orgs takes it. */
export const newOrganizationSchema = z
  .object({
    slug: z
      .string({ error: 'slug must be lower-case letters, digits and dashes (at most 64)' })
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'slug must be lower-case letters, digits and dashes (at most 64)')
      .meta({ example: 'daxiang' }),
    name: text('name', 200).meta({ example: '邵阳市大祥区融媒体中心' }),
    region: text('region', 100).meta({ example: '邵阳市' }),
    foundedOn: z
      .string({ error: 'foundedOn must be a real calendar date written YYYY-MM-DD' })
      .refine(isIsoDate, 'foundedOn must be a real calendar date written YYYY-MM-DD')
      .meta({ example: '2019-06-21' }),
    keywords: z
      .array(text('each value in keywords', 50), { error: 'keywords must be an array' })
      .max(50, 'keywords must contain no more than 50 elements')
      .meta({ example: ['大祥'] }),
  })
  .strict();

export type NewOrganization = z.output<typeof newOrganizationSchema>;

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
