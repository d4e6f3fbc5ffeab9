import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { DomainError } from '@pl/domain';
import { Organization, StoredTemplate, TEMPLATE_KINDS, TemplateKind, write } from '@pl/persistence';
import { DEFAULT_INDICATORS_FILE, IndicatorTemplate, defaultIndicatorTemplate, parseIndicatorTemplate } from '../evaluation/indicator-template';
import { DEFAULT_POINTS_FILE, PointsTable, defaultPointsTable, parsePointsTable } from '../points/points-table';
import type { RegionRef } from '../regions/regions.service';
import { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_FILE, ReportTemplate, parseReportTemplate } from './report-template';
import { TemplateError } from './template-source';

/** Whose template: an organization's own, or a region's (for all its organizations). */
export type TemplateOwner = { organization: Organization } | { region: RegionRef };

interface KindSpec<T> {
  label: string;
  parse: (text: string, source: string) => T;
  defaultValue: () => T;
  defaultFile: string;
}

const KINDS: { report: KindSpec<ReportTemplate>; indicators: KindSpec<IndicatorTemplate>; points: KindSpec<PointsTable> } = {
  report: { label: 'report template', parse: parseReportTemplate, defaultValue: () => DEFAULT_TEMPLATE, defaultFile: DEFAULT_TEMPLATE_FILE },
  indicators: { label: 'indicator template', parse: parseIndicatorTemplate, defaultValue: defaultIndicatorTemplate, defaultFile: DEFAULT_INDICATORS_FILE },
  points: { label: 'points table', parse: parsePointsTable, defaultValue: defaultPointsTable, defaultFile: DEFAULT_POINTS_FILE },
};

type Parsed<K extends TemplateKind> = ReturnType<(typeof KINDS)[K]['parse']>;

/** A template as the API and the CLI show it: where it comes from, the text and what it says. */
export interface TemplateView<K extends TemplateKind = TemplateKind> {
  kind: K;
  /** Whose it is: `organization` (its own), `region` (its region's) or `default` (shipped). */
  source: 'organization' | 'region' | 'default';
  organization: string | null;
  region: string | null;
  format: 'yaml' | 'json';
  /** The text as uploaded (or the shipped file). */
  content: string;
  updatedBy: string | null;
  updatedAt: string | null;
  template: Parsed<K>;
}

export const isTemplateKind = (k: string): k is TemplateKind => (TEMPLATE_KINDS as readonly string[]).includes(k);

const scopeOf = (owner: TemplateOwner): string => ('organization' in owner ? `org:${owner.organization.id}` : `region:${owner.region.name}`);

/**
 * Templates stored per organization or region (report, indicators, points),
 * read from the database at each use so that every API and worker process
 * renders with the same ones. An organization's template wins over its
 * region's, which wins over the shipped default. Points tables are per
 * region only: a region's organizations are ranked by one table.
 */
@Injectable()
export class StoredTemplatesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Validates and stores a template (YAML or JSON text) for an owner; `created` is false when it replaced one. */
  async put<K extends TemplateKind>(owner: TemplateOwner, kind: K, text: string, actor: string): Promise<{ view: TemplateView<K>; created: boolean }> {
    if (kind === 'points' && 'organization' in owner) {
      throw DomainError.invalid(
        'TEMPLATE_POINTS_PER_REGION',
        [{ field: 'kind', message: 'a points table is set per region, so that a region ranks its organizations by one table: PUT /api/regions/:region/templates/points' }],
        undefined,
        '积分标准按地区设置（同一地区的单位按同一标准排名）',
      );
    }
    const content = text.replace(/^\uFEFF/, '');
    if (content.trim() === '') {
      throw DomainError.invalid('TEMPLATE_EMPTY', [{ field: 'template', message: `the ${KINDS[kind].label} is empty` }], undefined, '模板内容为空');
    }
    // A TemplateError (TEMPLATE_INVALID) names every line at fault.
    KINDS[kind].parse(content, KINDS[kind].label);
    const format = /^\s*[{[]/.test(content) && isJson(content) ? 'json' : 'yaml';
    const repo = this.dataSource.getRepository(StoredTemplate);
    const scope = scopeOf(owner);
    const existing = await repo.findOneBy({ kind, scope });
    const row = Object.assign(existing ?? repo.create({ kind, scope }), {
      organizationId: 'organization' in owner ? owner.organization.id : null,
      region: 'region' in owner ? owner.region.name : null,
      format,
      content,
      updatedBy: actor,
    });
    await write(this.dataSource, (em) => em.getRepository(StoredTemplate).save(row));
    return { view: (await this.view(owner, kind, { ownOnly: true }))!, created: !existing };
  }

  /** Removes an owner's own template of a kind (the region's or the default applies again); false when there was none. */
  async remove(owner: TemplateOwner, kind: TemplateKind): Promise<boolean> {
    const r = await write(this.dataSource, (em) => em.getRepository(StoredTemplate).delete({ kind, scope: scopeOf(owner) }));
    return (r.affected ?? 0) > 0;
  }

  /**
   * The template in effect for an owner: an organization's own, else its
   * region's, else the default; a region's own, else the default. With
   * `ownOnly`, only the owner's own (null when it has none).
   */
  async view<K extends TemplateKind>(owner: TemplateOwner, kind: K, opts: { ownOnly?: boolean } = {}): Promise<TemplateView<K> | null> {
    const repo = this.dataSource.getRepository(StoredTemplate);
    const scopes: { scope: string; source: 'organization' | 'region' }[] =
      'organization' in owner
        ? [
            { scope: `org:${owner.organization.id}`, source: 'organization' },
            { scope: `region:${owner.organization.region}`, source: 'region' },
          ]
        : [{ scope: `region:${owner.region.name}`, source: 'region' }];
    const wanted = opts.ownOnly ? scopes.slice(0, 1) : scopes;
    for (const { scope, source } of wanted) {
      const row = await repo.findOneBy({ kind, scope });
      if (!row) continue;
      return {
        kind,
        source,
        organization: 'organization' in owner && source === 'organization' ? owner.organization.slug : null,
        region: row.region,
        format: row.format,
        content: row.content,
        updatedBy: row.updatedBy,
        updatedAt: new Date(row.updatedAt).toISOString(),
        template: this.parseStored(row) as Parsed<K>,
      };
    }
    if (opts.ownOnly) return null;
    const spec = KINDS[kind];
    return {
      kind,
      source: 'default',
      organization: null,
      region: null,
      format: spec.defaultFile.endsWith('.json') ? 'json' : 'yaml',
      content: readFileSync(spec.defaultFile, 'utf8'),
      updatedBy: null,
      updatedAt: null,
      template: spec.defaultValue() as Parsed<K>,
    };
  }

  /** The report template an organization's reports use. */
  async reportTemplateFor(org: Organization): Promise<ReportTemplate> {
    return (await this.view({ organization: org }, 'report'))!.template;
  }

  /** The report template a region's bulletin uses. */
  async reportTemplateForRegion(region: RegionRef): Promise<ReportTemplate> {
    return (await this.view({ region }, 'report'))!.template;
  }

  /** The self-evaluation indicators an organization's table uses. */
  async indicatorsFor(org: Organization): Promise<IndicatorTemplate> {
    return (await this.view({ organization: org }, 'indicators'))!.template;
  }

  /** The points table of a region (by its name, as organizations hold it). */
  async pointsFor(regionName: string): Promise<PointsTable> {
    return (await this.view({ region: { name: regionName, slug: null } }, 'points'))!.template;
  }

  /** A stored row was checked when written; a later, stricter schema could still refuse it: say whose and which. */
  private parseStored(row: StoredTemplate): unknown {
    try {
      return KINDS[row.kind].parse(row.content, `${KINDS[row.kind].label} stored for ${row.scope}`);
    } catch (err) {
      if (err instanceof TemplateError) {
        throw DomainError.conflict(
          'TEMPLATE_STORED_INVALID',
          'template',
          `the ${KINDS[row.kind].label} stored for ${row.scope} no longer passes its checks (${err.message}); upload it again`,
          `${row.scope} 保存的模板已不符合现行规则（${err.messageZh}），请重新上传`,
        );
      }
      throw err;
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
