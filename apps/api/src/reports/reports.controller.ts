import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DomainError, isIsoDate, todayInShanghai } from '@pl/domain';
import { OrganizationsService } from '@pl/placements';
import { AuthorRanking, PointsService, REPORT_FORMATS, RenderedReport, ReportJobView, ReportJobs, ReportsService } from '@pl/reporting';
import { parseOr400 } from '../http/validation';
import { OwnedBy, RegionAccess } from '../auth/access';

const format = z.enum(REPORT_FORMATS, { error: `format must be one of ${REPORT_FORMATS.join(', ')}` }).optional().default('md');
const year = z
  .string({ error: 'year is required' })
  .regex(/^\d{4}$/, 'year must be a four-digit year')
  .transform(Number)
  .refine((y) => y >= 1990 && y <= 2999, 'year must be between 1990 and 2999');
const date = (field: string) => z.string().refine(isIsoDate, `${field} must be a real calendar date written YYYY-MM-DD`);

const annualQuery = z.object({ year, asOf: date('asOf').optional(), format });
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

const uuid = new ParseUUIDPipe({ exceptionFactory: () => DomainError.invalid('REQUEST_INVALID', [{ field: 'id', message: 'id must be a UUID' }]) });

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
  @ApiQuery({ name: 'year', required: true, example: 2021 })
  @ApiQuery({ name: 'asOf', required: false, example: '2021-12-22' })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  async annual(@Param('org') slug: string, @Query() query: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const q = parseOr400(annualQuery, query);
    const org = await this.orgs.bySlug(slug);
    await this.answer(res, await this.reports.renderOrQueue(org, { kind: 'annual', year: q.year, asOf: q.asOf, format: q.format }));
  }

  /** The self-evaluation table (绩效自评表) of a year: from the data and the editors' entries. */
  @Get('orgs/:org/reports/self-evaluation')
  @ApiQuery({ name: 'year', required: true, example: 2021 })
  @ApiQuery({ name: 'asOf', required: false, example: '2021-12-22' })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  async selfEvaluation(@Param('org') slug: string, @Query() query: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const q = parseOr400(annualQuery, query);
    const org = await this.orgs.bySlug(slug);
    await this.answer(res, await this.reports.renderOrQueue(org, { kind: 'self-evaluation', year: q.year, asOf: q.asOf, format: q.format }));
  }

  /** The monthly bulletin (上稿情况通报). */
  @Get('orgs/:org/reports/monthly')
  @ApiQuery({ name: 'month', required: true, example: '2021-12' })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  async monthly(@Param('org') slug: string, @Query() query: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const q = parseOr400(monthlyQuery, query);
    const org = await this.orgs.bySlug(slug);
    await this.answer(res, await this.reports.renderOrQueue(org, { kind: 'monthly', month: q.month, format: q.format }));
  }

  /** A region's organizations (slug or name; unknown: 404) ranked by placements or points over a period (default: this year so far). */
  @Get('regions/:region/rankings')
  @RegionAccess('members')
  async rankings(@Param('region') region: string, @Query() query: Record<string, unknown>) {
    const q = parseOr400(rankingQuery, query);
    const to = q.to ?? todayInShanghai();
    return this.reports.rank(region, q.from ?? `${to.slice(0, 4)}-01-01`, to, q.sortBy);
  }

  /** An organization's reporters (作者) ranked by points (积分), then placements, over a period (default: this year so far). */
  @Get('orgs/:org/rankings/authors')
  async authorRanking(@Param('org') slug: string, @Query() query: Record<string, unknown>): Promise<AuthorRanking> {
    const q = parseOr400(authorRankingQuery, query);
    const org = await this.orgs.bySlug(slug);
    const to = q.to ?? todayInShanghai();
    const from = q.from ?? `${to.slice(0, 4)}-01-01`;
    if (from > to) throw DomainError.invalid('REPORT_BAD_DATE_RANGE', [{ field: 'from', message: `from (${from}) is after to (${to})` }], undefined, `起始月份 ${from} 晚于结束月份 ${to}`);
    return this.points.authorRanking(org, from, to);
  }

  /** One bulletin across every centre of a region (slug or name; unknown: 404): ranking by points and counts, target completion, key articles. */
  @Get('regions/:region/reports/monthly')
  @RegionAccess('viewers')
  @ApiQuery({ name: 'month', required: true, example: '2021-12' })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  async regionMonthly(@Param('region') region: string, @Query() query: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const q = parseOr400(monthlyQuery, query);
    sendReport(res, await this.reports.renderRegionMonthly(region, q.month, q.format));
  }

  /** A queued report: its state, and once completed the file's address. */
  @Get('reports/:id')
  @OwnedBy('report')
  report(@Param('id', uuid) id: string): Promise<ReportJobView> {
    return this.jobs.get(id);
  }

  /** The queued report's file once completed (409 before). */
  @Get('reports/:id/file')
  @OwnedBy('report')
  async reportFile(@Param('id', uuid) id: string, @Res() res: FastifyReply): Promise<void> {
    sendReport(res, await this.jobs.file(id));
  }
}
