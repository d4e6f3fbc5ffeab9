import { Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError } from '@pl/domain';
import { OrganizationsService } from '@pl/placements';
import { EvaluationEntry, SelfEvaluationService, StoredTemplatesService, evaluationEntriesInputSchema, fiscalYearText, indicatorTemplateSchema } from '@pl/reporting';
import { Actor } from '../http/actor.decorator';
import { orgSlug } from '../http/params';
import { evaluationEntry } from '../http/responses';
import { EmptyResponse, ZodBody, ZodParam, ZodResponse } from '../http/zod-api';

const entries = z.object({ entries: z.array(evaluationEntry) });
const indicator = z.string().meta({ description: 'The indicator’s id in the template in effect' });

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
  @ZodResponse(
    200,
    z.object({
      year: z.number().int(),
      // The template as it is stored and checked: every indicator with its actual value's source and its rule.
      template: indicatorTemplateSchema,
      entries: z.array(evaluationEntry),
    }),
  )
  async get(@ZodParam('org', orgSlug) slug: string, @ZodParam('year', fiscalYearText) year: number) {
    const org = await this.orgs.bySlug(slug);
    const template = await this.templates.indicatorsFor(org);
    return { year, template, entries: await this.evaluations.entries(org, year) };
  }

  /** Creates or replaces the listed indicators' entries, all or nothing: 200 with every entry of the year. */
  @Put('entries')
  @ZodResponse(200, entries)
  async put(
    @ZodParam('org', orgSlug) slug: string,
    @ZodParam('year', fiscalYearText) year: number,
    // The evaluations service validates it with this schema (and each entry against its indicator).
    @ZodBody(evaluationEntriesInputSchema, { validate: false, examples: { entries: { value: entriesExample } } }) body: unknown,
    @Actor() actor: string,
  ): Promise<{ entries: EvaluationEntry[] }> {
    const org = await this.orgs.bySlug(slug);
    return { entries: await this.evaluations.putEntries(org, year, await this.templates.indicatorsFor(org), body, actor) };
  }

  /** Removes one indicator's entry (204), 404 when there is none. */
  @Delete('entries/:indicator')
  @HttpCode(204)
  @EmptyResponse()
  async remove(@ZodParam('org', orgSlug) slug: string, @ZodParam('year', fiscalYearText) year: number, @ZodParam('indicator', indicator) id: string): Promise<void> {
    const org = await this.orgs.bySlug(slug);
    if (!(await this.evaluations.deleteEntry(org, year, id))) throw DomainError.notFound('EVALUATION_ENTRY_NOT_FOUND', 'entry', '自评条目', 'indicator', id);
  }
}
