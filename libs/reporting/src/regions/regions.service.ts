import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@pl/domain';
import { Organization, Region } from '@pl/persistence';

export interface RegionRef {
  name: string;
  slug: string | null;
}

/**
 * Regions as the URLs and the CLI name them: by slug (shaoyang) or by
 * Chinese name (邵阳市). A region exists when it has a row (a slug) or an
 * organization names it; anything else is unknown (404 naming it).
 */
@Injectable()
export class RegionsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(param: string): Promise<RegionRef | null> {
    const key = param.trim();
    const repo = this.dataSource.getRepository(Region);
    const row = (await repo.findOneBy({ slug: key })) ?? (await repo.findOneBy({ name: key }));
    if (row) return { name: row.name, slug: row.slug };
    const org = await this.dataSource.getRepository(Organization).findOneBy({ region: key });
    return org ? { name: key, slug: null } : null;
  }

  /** The region, or a 404 naming what was asked for. */
  async resolve(param: string): Promise<RegionRef> {
    const region = await this.find(param);
    if (!region) throw DomainError.notFound('REGION_NOT_FOUND', 'region', '地区', 'region', param);
    return region;
  }
}
