import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@pl/domain';
import { OrganizationsService } from '@pl/placements';
import { EvaluationEntry, SelfEvaluationService, StoredTemplatesService, fiscalYearText } from '@pl/reporting';
import { Actor } from '../http/actor.decorator';
import { parseOr400 } from '../http/validation';

const entriesExample = {
  entries: [
    { indicator: 'goal-setting', score: 4.5, reason: '个别绩效目标未细化量化' },
    { indicator: 'management-rules', value: '是' },
    { indicator: 'satisfaction', value: 92.5 },
  ],
};

/**
 * What editors enter for the self-evaluation table (自评表) of a year: actual
 * values where the data has none, reviewers' scores, reasons for shortfalls.
 * Each entry records who entered it (X-Actor). The table itself is
 * GET /api/orgs/:org/reports/self-evaluation?year=.
 */
@ApiTags('self-evaluation')
@Controller('api/orgs/:org/self-evaluation/:year')
export class SelfEvaluationController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly evaluations: SelfEvaluationService,
    private readonly templates: StoredTemplatesService,
  ) {}

  /** The indicators (the template in effect) and the entries made so far. */
  @Get()
  async get(@Param('org') slug: string, @Param('year') yearText: string) {
    const year = parseOr400(fiscalYearText, yearText, 'year');
    const org = await this.orgs.bySlug(slug);
    const template = await this.templates.indicatorsFor(org);
    return { year, template, entries: await this.evaluations.entries(org, year) };
  }

  /** Creates or replaces the listed indicators' entries, all or nothing: 200 with every entry of the year. */
  @Put('entries')
  @ApiBody({ schema: { type: 'object', example: entriesExample } })
  async put(
    @Param('org') slug: string,
    @Param('year') yearText: string,
    @Body() body: unknown,
    @Actor() actor: string,
  ): Promise<{ entries: EvaluationEntry[] }> {
    const year = parseOr400(fiscalYearText, yearText, 'year');
    const org = await this.orgs.bySlug(slug);
    return { entries: await this.evaluations.putEntries(org, year, await this.templates.indicatorsFor(org), body, actor) };
  }

  /** Removes one indicator's entry (204), 404 when there is none. */
  @Delete('entries/:indicator')
  @HttpCode(204)
  async remove(@Param('org') slug: string, @Param('year') yearText: string, @Param('indicator') indicator: string): Promise<void> {
    const year = parseOr400(fiscalYearText, yearText, 'year');
    const org = await this.orgs.bySlug(slug);
    if (!(await this.evaluations.deleteEntry(org, year, indicator))) throw DomainError.notFound('EVALUATION_ENTRY_NOT_FOUND', 'entry', '自评条目', 'indicator', indicator);
  }
}
