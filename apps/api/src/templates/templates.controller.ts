import { Controller, Delete, Get, HttpCode, Param, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@pl/domain';
import { OrganizationsService } from '@pl/placements';
import { TEMPLATE_KINDS, TemplateKind } from '@pl/persistence';
import { RegionsService, StoredTemplatesService, TemplateOwner, TemplateView, isTemplateKind } from '@pl/reporting';
import { Actor } from '../http/actor.decorator';
import { RegionAccess } from '../auth/access';

function kindOr400(kind: string): TemplateKind {
  if (!isTemplateKind(kind)) throw DomainError.invalid('REQUEST_INVALID', [{ field: 'kind', message: `kind must be one of ${TEMPLATE_KINDS.join(', ')}` }]);
  return kind;
}

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

const kindParam = { name: 'kind', enum: TEMPLATE_KINDS, description: 'report (highlight lines, bulletin), indicators (自评表), points (积分, regions only)' };
const bodyDoc = { description: 'the template as YAML or JSON text', schema: { type: 'string', example: 'name: 上稿积分标准\npoints:\n  central: {headline: 30, normal: 20}\n  …' } };

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

  private async put(owner: TemplateOwner, kind: string, req: FastifyRequest, actor: string, res: FastifyReply) {
    const k = kindOr400(kind);
    const { view, created } = await this.templates.put(owner, k, uploadedText(req), actor);
    res.status(created ? 201 : 200);
    return view;
  }

  private async remove(owner: TemplateOwner, kind: string): Promise<void> {
    const k = kindOr400(kind);
    if (!(await this.templates.remove(owner, k))) throw DomainError.notFound('TEMPLATE_NOT_FOUND', `stored ${k} template`, '已保存的模板', 'kind', k);
  }

  /** The text in effect, as a file (download, edit, upload again). */
  private async sendContent(owner: TemplateOwner, kind: string, res: FastifyReply): Promise<void> {
    const view = (await this.templates.view(owner, kindOr400(kind)))!;
    res
      .status(200)
      .type(view.format === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8')
      .header('Content-Disposition', `inline; filename="${view.kind}.${view.format}"`)
      .send(view.content);
  }

  /** Which template of each kind an organization's reports use, and where it comes from. */
  @Get('orgs/:org/templates')
  async orgList(@Param('org') slug: string) {
    return this.list(await this.orgOwner(slug));
  }

  /** The template of a kind in effect for an organization: its own, its region's or the default (`source`), with its text. */
  @Get('orgs/:org/templates/:kind')
  @ApiParam(kindParam)
  async orgGet(@Param('org') slug: string, @Param('kind') kind: string) {
    return this.templates.view(await this.orgOwner(slug), kindOr400(kind));
  }

  @Get('orgs/:org/templates/:kind/content')
  @ApiParam(kindParam)
  async orgContent(@Param('org') slug: string, @Param('kind') kind: string, @Res() res: FastifyReply): Promise<void> {
    await this.sendContent(await this.orgOwner(slug), kind, res);
  }

  /** Stores an organization's own template of a kind (201 created, 200 replaced); 400 naming the lines when it is invalid. */
  @Put('orgs/:org/templates/:kind')
  @ApiParam(kindParam)
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody(bodyDoc)
  async orgPut(@Param('org') slug: string, @Param('kind') kind: string, @Req() req: FastifyRequest, @Actor() actor: string, @Res({ passthrough: true }) res: FastifyReply) {
    return this.put(await this.orgOwner(slug), kind, req, actor, res);
  }

  /** Removes an organization's own template (204): its region's or the default applies again. */
  @Delete('orgs/:org/templates/:kind')
  @HttpCode(204)
  @ApiParam(kindParam)
  async orgDelete(@Param('org') slug: string, @Param('kind') kind: string): Promise<void> {
    await this.remove(await this.orgOwner(slug), kind);
  }

  @Get('regions/:region/templates')
  @RegionAccess('members')
  async regionList(@Param('region') region: string) {
    return this.list(await this.regionOwner(region));
  }

  @Get('regions/:region/templates/:kind')
  @RegionAccess('members')
  @ApiParam(kindParam)
  async regionGet(@Param('region') region: string, @Param('kind') kind: string) {
    return this.templates.view(await this.regionOwner(region), kindOr400(kind));
  }

  @Get('regions/:region/templates/:kind/content')
  @RegionAccess('members')
  @ApiParam(kindParam)
  async regionContent(@Param('region') region: string, @Param('kind') kind: string, @Res() res: FastifyReply): Promise<void> {
    await this.sendContent(await this.regionOwner(region), kind, res);
  }

  /** Stores a region's template of a kind, for every organization of the region without its own. */
  @Put('regions/:region/templates/:kind')
  @ApiParam(kindParam)
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody(bodyDoc)
  async regionPut(@Param('region') region: string, @Param('kind') kind: string, @Req() req: FastifyRequest, @Actor() actor: string, @Res({ passthrough: true }) res: FastifyReply) {
    return this.put(await this.regionOwner(region), kind, req, actor, res);
  }

  @Delete('regions/:region/templates/:kind')
  @HttpCode(204)
  @ApiParam(kindParam)
  async regionDelete(@Param('region') region: string, @Param('kind') kind: string): Promise<void> {
    await this.remove(await this.regionOwner(region), kind);
  }
}
