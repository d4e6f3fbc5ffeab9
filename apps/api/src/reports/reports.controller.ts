import { Controller, Get, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DomainError, isIsoDate, todayInShanghai } from '@pl/domain';
import { OrganizationsService } from '@pl/placements';
import { AuthorRanking, PointsService, REPORT_FORMATS, RenderedReport, ReportJobView, ReportJobs, ReportsService } from '@pl/reporting';
import { orgSlug, regionRef, uuid } from '../http/params';
import { authorRanking, rankingView, reportJobView } from '../http/responses';
import { FileResponse, jsonSchemaOf, ZodParam, ZodQuery, ZodResponse } from '../http/zod-api';
import { OwnedBy, RegionAccess } from '../auth/access';

const format = z.enum(REPORT_FORMATS, { error: `format must be one of ${REPORT_FORMATS.join(', ')}` }).optional().default('md');
const year = z
  .string({ error: 'year is required' })
  .regex(/^\d{4}$/, 'year must be a four-digit year')
  .transform(Number)
  .refine((y) => y >= 1990 && y <= 2999, 'year must be between 1990 and 2999');
const date = (field: string) => z.string().refine(isIsoDate, `${field} must be a real calendar date written YYYY-MM-DD`);

const annualQuery = z.object({ year: year.meta({ example: '2021' }), asOf: date('asOf').optional().meta({ example: '2021-12-22' }), format });
const monthlyQuery = z.object({
  month: z
    .string({ error: 'month is required (YYYY-MM)' })
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be written YYYY-MM'),
  format,
});
const rankingQuery = z.object({
  from: date('from').optional(),
  to: date('to').optional(),
  sortBy: z.enum(['count', 'points'], { error: 'sortBy must be count or points' }).optional().default('count'),
});
const authorRankingQuery = z.object({ from: date('from').optional(), to: date('to').optional() });

/** The media types of REPORT_FORMATS. */
const REPORT_MEDIA = ['text/markdown', 'text/html', 'application/json', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/** A report route's answers: the file, or the queued job. */
const ReportAnswers = (): MethodDecorator => (target, key, descriptor) => {
  FileResponse(200, REPORT_MEDIA, 'The report, in the format asked for')(target, key, descriptor);
  ApiResponse({ status: 202, description: 'Queued (a large report): poll GET /api/reports/{id}', content: { 'application/json': { schema: jsonSchemaOf(reportJobView, 'output') } } })(target, key, descriptor);
};

/** Sends a rendered file: documents inline, Word and Excel as downloads. */
export function sendReport(res: FastifyReply, r: RenderedReport): void {
  const inline = /^(text\/|application\/json)/.test(r.contentType);
  res
    .status(200)
    .type(r.contentType)
    .header(
      'Content-Disposition',
      `${inline ? 'inline' : 'attachment'}; filename="${r.fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(r.fileName)}`,
    )
    .send(r.body);
}

@ApiTags('reports')
@Controller('api')
export class ReportsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly reports: ReportsService,
    private readonly jobs: ReportJobs,
    private readonly points: PointsService,
  ) {}

  /** The file, or for a large report 202 with the queued job to poll (GET /api/reports/:id). */
  private async answer(res: FastifyReply, outcome: { file: RenderedReport } | { job: ReportJobView }): Promise<void> {
    if ('file' in outcome) sendReport(res, outcome.file);
    else res.status(202).send(outcome.job);
  }

  /** The annual performance-evaluation report (部门整体支出绩效评价报告). */
  @Get('orgs/:org/reports/annual')
  @ReportAnswers()
  async annual(@ZodParam('org', orgSlug) slug: string, @ZodQuery(annualQuery) q: z.output<typeof annualQuery>, @Res() res: FastifyReply): Promise<void> {
    const org = await this.orgs.bySlug(slug);
    await this.answer(res, await this.reports.renderOrQueue(org, { kind: 'annual', year: q.year, asOf: q.asOf, format: q.format }));
  }

  /** The self-evaluation table (绩效自评表) of a year: from the data and the editors' entries. */
  @Get('orgs/:org/reports/self-evaluation')
  @ReportAnswers()
  async selfEvaluation(@ZodParam('org', orgSlug) slug: string, @ZodQuery(annualQuery) q: z.output<typeof annualQuery>, @Res() res: FastifyReply): Promise<void> {
    const org = await this.orgs.bySlug(slug);
    await this.answer(res, await this.reports.renderOrQueue(org, { kind: 'self-evaluation', year: q.year, asOf: q.asOf, format: q.format }));
  }

  /** The monthly bulletin (上稿情况通报). */
  @Get('orgs/:org/reports/monthly')
  @ReportAnswers()
  async monthly(@ZodParam('org', orgSlug) slug: string, @ZodQuery(monthlyQuery) q: z.output<typeof monthlyQuery>, @Res() res: FastifyReply): Promise<void> {
    const org = await this.orgs.bySlug(slug);
    await this.answer(res, await this.reports.renderOrQueue(org, { kind: 'monthly', month: q.month, format: q.format }));
  }

  /** A region's organizations (slug or name; unknown: 404) ranked by placements or points over a period (default: this year so far). */
  @Get('regions/:region/rankings')
  @RegionAccess('members')
  @ZodResponse(200, rankingView)
  async rankings(@ZodParam('region', regionRef) region: string, @ZodQuery(rankingQuery) q: z.output<typeof rankingQuery>) {
    const to = q.to ?? todayInShanghai();
    return this.reports.rank(region, q.from ?? `${to.slice(0, 4)}-01-01`, to, q.sortBy);
  }

  /** An organization's reporters (作者) ranked by points (积分), then placements, over a period (default: this year so far). */
  @Get('orgs/:org/rankings/authors')
  @ZodResponse(200, authorRanking)
  async authorRanking(@ZodParam('org', orgSlug) slug: string, @ZodQuery(authorRankingQuery) q: z.output<typeof authorRankingQuery>): Promise<AuthorRanking> {
    const org = await this.orgs.bySlug(slug);
    const to = q.to ?? todayInShanghai();
    const from = q.from ?? `${to.slice(0, 4)}-01-01`;
    if (from > to) throw DomainError.invalid('REPORT_BAD_DATE_RANGE', [{ field: 'from', message: `from (${from}) is after to (${to})` }], undefined, `起始月份 ${from} 晚于结束月份 ${to}`);
    return this.points.authorRanking(org, from, to);
  }

  /** One bulletin across every centre of a region (slug or name; unknown: 404): ranking by points and counts, target completion, key articles. */
  @Get('regions/:region/reports/monthly')
  @RegionAccess('viewers')
  @FileResponse(200, REPORT_MEDIA, 'The bulletin, in the format asked for')
  async regionMonthly(@ZodParam('region', regionRef) region: string, @ZodQuery(monthlyQuery) q: z.output<typeof monthlyQuery>, @Res() res: FastifyReply): Promise<void> {
    sendReport(res, await this.reports.renderRegionMonthly(region, q.month, q.format));
  }

  /** A queued report: its state, and once completed the file's address. */
  @Get('reports/:id')
  @OwnedBy('report')
  @ZodResponse(200, reportJobView)
  report(@ZodParam('id', uuid) id: string): Promise<ReportJobView> {
    return this.jobs.get(id);
  }

  /** The queued report's file once completed (409 before). */
  @Get('reports/:id/file')
  @OwnedBy('report')
  @FileResponse(200, REPORT_MEDIA, 'The report’s file (409 before the job completed)')
  async reportFile(@ZodParam('id', uuid) id: string, @Res() res: FastifyReply): Promise<void> {
    sendReport(res, await this.jobs.file(id));
  }
}
