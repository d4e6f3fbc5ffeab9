import { applyDecorators, Controller, Delete, Get, HttpCode, Put, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@pl/domain';
import { OrganizationsService } from '@pl/placements';
import { TEMPLATE_KINDS, TemplateKind } from '@pl/persistence';
import { RegionsService, StoredTemplatesService, TemplateOwner, TemplateView } from '@pl/reporting';
import { Actor } from '../http/actor.decorator';
import { RegionAccess } from '../auth/access';
import { orgSlug, regionRef } from '../http/params';
import { templateList, templateView } from '../http/responses';
import { EmptyResponse, FileResponse, ZodBody, ZodParam, ZodResponse } from '../http/zod-api';

const kindParam = z
  .enum(TEMPLATE_KINDS, { error: `kind must be one of ${TEMPLATE_KINDS.join(', ')}` })
  .meta({ description: 'report (highlight lines, bulletin), indicators (自评表), points (积分, regions only)' });

/** The template's text as uploaded: YAML (application/yaml) or JSON; its service parses it and names the lines at fault. */
const templateText = z.string().meta({ example: 'name: 上稿积分标准\npoints:\n  central: {headline: 30, normal: 20}\n  …' });

/** The uploaded text: a YAML or plain-text body as sent, a JSON body as sent (its lines are the ones errors name). */
function uploadedText(req: FastifyRequest): string {
  const body: unknown = req.body;
  if (typeof body === 'string') return body;
  const raw = (req as { rawText?: string }).rawText;
  if (body !== undefined && body !== null && typeof raw === 'string') return raw;
  throw DomainError.invalid('REQUEST_INVALID', [{ field: 'body', message: 'body must be the template as YAML (Content-Type: application/yaml) or JSON (application/json)' }]);
}

/** The summary of every kind in effect, for listing. */
function summary(v: TemplateView) {
  const t = v.template as { name?: string };
  return { kind: v.kind, source: v.source, name: t.name ?? null, format: v.format, updatedBy: v.updatedBy, updatedAt: v.updatedAt };
}

/** The answers shared by the organization's and the region's routes of each action. */
const TemplateContent = () => FileResponse(200, ['application/yaml', 'application/json'], 'The text in effect');
const TemplateUpload = () =>
  applyDecorators(ZodResponse(200, templateView, 'Replaced'), ZodResponse(201, templateView, 'Created'), ApiConsumes('application/yaml', 'application/json'));
const TemplateRemoved = () => applyDecorators(EmptyResponse(), HttpCode(204));

/**
 * Templates per organization or region, stored in the database: the report
 * template (highlight lines, the bulletin's 发文字号/主送/落款), the
 * self-evaluation indicators and the points table. Uploaded as YAML or
 * JSON; refused with errors naming the line. Every report endpoint and the
 * worker use them: an organization's own, else its region's, else the default.
 */
@ApiTags('templates')
@Controller('api')
export class TemplatesController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly regions: RegionsService,
    private readonly templates: StoredTemplatesService,
  ) {}

  private async orgOwner(slug: string): Promise<TemplateOwner> {
    return { organization: await this.orgs.bySlug(slug) };
  }

  private async regionOwner(region: string): Promise<TemplateOwner> {
    return { region: await this.regions.resolve(region) };
  }

  private async list(owner: TemplateOwner) {
    return { templates: await Promise.all(TEMPLATE_KINDS.map(async (k) => summary((await this.templates.view(owner, k))!))) };
  }

  private async put(owner: TemplateOwner, kind: TemplateKind, req: FastifyRequest, actor: string, res: FastifyReply) {
    const { view, created } = await this.templates.put(owner, kind, uploadedText(req), actor);
    res.status(created ? 201 : 200);
    return view;
  }

  private async remove(owner: TemplateOwner, kind: TemplateKind): Promise<void> {
    if (!(await this.templates.remove(owner, kind))) throw DomainError.notFound('TEMPLATE_NOT_FOUND', `stored ${kind} template`, '已保存的模板', 'kind', kind);
  }

  /** The text in effect, as a file (download, edit, upload again). */
  private async sendContent(owner: TemplateOwner, kind: TemplateKind, res: FastifyReply): Promise<void> {
    const view = (await this.templates.view(owner, kind))!;
    res
      .status(200)
      .type(view.format === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8')
      .header('Content-Disposition', `inline; filename="${view.kind}.${view.format}"`)
      .send(view.content);
  }

  /** Which template of each kind an organization's reports use, and where it comes from. */
  @Get('orgs/:org/templates')
  @ZodResponse(200, templateList)
  async orgList(@ZodParam('org', orgSlug) slug: string) {
    return this.list(await this.orgOwner(slug));
  }

  /** The template of a kind in effect for an organization: its own, its region's or the default (`source`), with its text. */
  @Get('orgs/:org/templates/:kind')
  @ZodResponse(200, templateView)
  async orgGet(@ZodParam('org', orgSlug) slug: string, @ZodParam('kind', kindParam) kind: TemplateKind) {
    return this.templates.view(await this.orgOwner(slug), kind);
  }

  @Get('orgs/:org/templates/:kind/content')
  @TemplateContent()
  async orgContent(@ZodParam('org', orgSlug) slug: string, @ZodParam('kind', kindParam) kind: TemplateKind, @Res() res: FastifyReply): Promise<void> {
    await this.sendContent(await this.orgOwner(slug), kind, res);
  }

  /** Stores an organization's own template of a kind (201 created, 200 replaced); 400 naming the lines when it is invalid. */
  @Put('orgs/:org/templates/:kind')
  @TemplateUpload()
  async orgPut(@ZodParam('org', orgSlug) slug: string, @ZodParam('kind', kindParam) kind: TemplateKind, @ZodBody(templateText, { validate: false }) _text: unknown, @Req() req: FastifyRequest, @Actor() actor: string, @Res({ passthrough: true }) res: FastifyReply) {
    return this.put(await this.orgOwner(slug), kind, req, actor, res);
  }

  /** Removes an organization's own template (204): its region's or the default applies again. */
  @Delete('orgs/:org/templates/:kind')
  @TemplateRemoved()
  async orgDelete(@ZodParam('org', orgSlug) slug: string, @ZodParam('kind', kindParam) kind: TemplateKind): Promise<void> {
    await this.remove(await this.orgOwner(slug), kind);
  }

  @Get('regions/:region/templates')
  @RegionAccess('members')
  @ZodResponse(200, templateList)
  async regionList(@ZodParam('region', regionRef) region: string) {
    return this.list(await this.regionOwner(region));
  }

  @Get('regions/:region/templates/:kind')
  @RegionAccess('members')
  @ZodResponse(200, templateView)
  async regionGet(@ZodParam('region', regionRef) region: string, @ZodParam('kind', kindParam) kind: TemplateKind) {
    return this.templates.view(await this.regionOwner(region), kind);
  }

  @Get('regions/:region/templates/:kind/content')
  @RegionAccess('members')
  @TemplateContent()
  async regionContent(@ZodParam('region', regionRef) region: string, @ZodParam('kind', kindParam) kind: TemplateKind, @Res() res: FastifyReply): Promise<void> {
    await this.sendContent(await this.regionOwner(region), kind, res);
  }

  /** Stores a region's template of a kind, for every organization of the region without its own. */
  @Put('regions/:region/templates/:kind')
  @TemplateUpload()
  async regionPut(@ZodParam('region', regionRef) region: string, @ZodParam('kind', kindParam) kind: TemplateKind, @ZodBody(templateText, { validate: false }) _text: unknown, @Req() req: FastifyRequest, @Actor() actor: string, @Res({ passthrough: true }) res: FastifyReply) {
    return this.put(await this.regionOwner(region), kind, req, actor, res);
  }

  @Delete('regions/:region/templates/:kind')
  @TemplateRemoved()
  async regionDelete(@ZodParam('region', regionRef) region: string, @ZodParam('kind', kindParam) kind: TemplateKind): Promise<void> {
    await this.remove(await this.regionOwner(region), kind);
  }
}
