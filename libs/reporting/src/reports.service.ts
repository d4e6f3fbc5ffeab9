import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { DomainError, PLACEMENT_STATUSES, isIsoDate, todayInShanghai } from '@pl/domain';
import { LedgerCounts } from '@pl/placements';
import { Organization } from '@pl/persistence';
import { AnnualReportComposer } from './compose/annual-report';
import { MonthlyBulletinComposer } from './compose/monthly-bulletin';
import { Ranking, RegionRankings } from './compose/rankings';
import type { ReportDocument } from './document/report-document';
import type { ReportTemplate } from './template/report-template';
import type { ReportRequest } from './report-request';
import { RenderedReport, ReportFormat, renderReport } from './render';
import { ReportJobView, ReportJobs } from './jobs/report-jobs.service';
import { selfEvaluationDocument } from './evaluation/self-evaluation-document';
import { SelfEvaluationService } from './evaluation/self-evaluation.service';
import { RegionsService } from './regions/regions.service';
import { RegionBulletinComposer } from './compose/region-bulletin';
import { chineseDate } from './compose/chinese';
import { StoredTemplatesService } from './template/stored-templates.service';


/** Composes and renders reports; validates what it is asked for. */
@Injectable()
export class ReportsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly annual: AnnualReportComposer,
    private readonly monthly: MonthlyBulletinComposer,
    private readonly rankings: RegionRankings,
    private readonly counts: LedgerCounts,
    private readonly jobs: ReportJobs,
    private readonly evaluations: SelfEvaluationService,
    private readonly regions: RegionsService,
    private readonly regionBulletin: RegionBulletinComposer,
    private readonly templates: StoredTemplatesService,
  ) {}

  /**
   * Renders the report now, or, when it covers more placements than
   * REPORT_SYNC_LIMIT, queues it for the worker and returns the job to poll.
   */
  async renderOrQueue(org: Organization, req: ReportRequest): Promise<{ file: RenderedReport } | { job: ReportJobView }> {
    this.validate(req);
    // The self-evaluation table reads counts only: it is always rendered at once.
    if (req.kind === 'self-evaluation') return { file: await this.render(org, req) };
    const end = req.kind === 'annual' ? (req.asOf ?? `${req.year}-12-31`) : `${req.month}-31`;
    const covered = await this.counts.total({ organizationIds: [org.id], from: '0000-01-01', to: end, statuses: PLACEMENT_STATUSES });
    if (covered > this.config.reports.syncLimit) return { job: await this.jobs.request(org, req) };
    return { file: await this.render(org, req) };
  }

  async compose(org: Organization, req: ReportRequest): Promise<ReportDocument> {
    this.validate(req);
    // The templates stored for the organization (or its region), read now: every process renders with the same ones.
    const template = req.template ?? (await this.templates.reportTemplateFor(org));
    if (req.kind === 'monthly') return this.monthly.compose(org, req.month, template);
    const indicators = req.indicators ?? (await this.templates.indicatorsFor(org));
    if (req.kind === 'self-evaluation') {
      const asOf = this.asOf(req.year, req.asOf);
      const ev = await this.evaluations.evaluate(org, req.year, asOf, indicators, template);
      return selfEvaluationDocument(org, req.year, asOf, ev, chineseDate);
    }
    return this.annual.compose(org, { year: req.year, asOf: req.asOf, ledgerSheet: req.format === 'xlsx', template, indicators });
  }

  /** The as-of date of a year's figures: as asked, else the year's end, or today if the year is not over. */
  private asOf(year: number, asked: string | undefined): string {
    if (asked) return asked;
    const today = todayInShanghai();
    return `${year}-12-31` < today ? `${year}-12-31` : today;
  }

  private validate(req: ReportRequest): void {
    if (req.kind === 'monthly' || req.asOf === undefined) return;
    if (!isIsoDate(req.asOf)) {
      throw DomainError.invalid('REPORT_BAD_AS_OF', [{ field: 'asOf', message: 'asOf must be a real calendar date written YYYY-MM-DD' }], undefined, '截止日期应为真实日期，写作 YYYY-MM-DD');
    }
    if (req.asOf.slice(0, 4) !== String(req.year)) {
      throw DomainError.invalid('REPORT_BAD_AS_OF', [{ field: 'asOf', message: `asOf must fall in ${req.year}` }], undefined, `截止日期应在 ${req.year} 年内`);
    }
  }

  async render(org: Organization, req: ReportRequest): Promise<RenderedReport> {
    return renderReport(await this.compose(org, req), req.format);
  }

  /** A region (slug or name; unknown: 404) ranked over a period. */
  async rank(region: string, from: string, to: string, sortBy: 'count' | 'points' = 'count'): Promise<Ranking> {
    if (from > to) throw DomainError.invalid('REPORT_BAD_DATE_RANGE', [{ field: 'from', message: `from (${from}) is after to (${to})` }], undefined, `起始日期 ${from} 晚于结束日期 ${to}`);
    return this.rankings.rank((await this.regions.resolve(region)).name, from, to, sortBy);
  }

  /** The region bulletin of a month (slug or name; unknown: 404), rendered at once: it reads counts and the month's key articles. */
  async renderRegionMonthly(region: string, month: string, format: ReportFormat, template?: ReportTemplate): Promise<RenderedReport> {
    const ref = await this.regions.resolve(region);
    return renderReport(await this.regionBulletin.compose(ref, month, template ?? (await this.templates.reportTemplateForRegion(ref))), format);
  }
}
