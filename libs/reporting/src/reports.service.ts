import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { PLACEMENT_STATUSES, isIsoDate } from '@pl/domain';
import { LedgerCounts, LedgerError } from '@pl/placements';
import { Organization } from '@pl/persistence';
import { AnnualReportComposer } from './compose/annual-report';
import { MonthlyBulletinComposer } from './compose/monthly-bulletin';
import { Ranking, RegionRankings } from './compose/rankings';
import type { ReportDocument } from './document/report-document';
import type { ReportTemplate } from './template/report-template';
import { ReportFormat, renderReport } from './render';
import { ReportJobView, ReportJobs } from './jobs/report-jobs.service';

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  fileName: string;
}

export type ReportRequest = (
  | { kind: 'annual'; year: number; asOf?: string; format: ReportFormat }
  | { kind: 'monthly'; month: string; format: ReportFormat }
) & {
  /** Which highlight lines to list and how to name them (default: the seed's template). */
  template?: ReportTemplate;
};

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
  ) {}

  /**
   * Renders the report now, or, when it covers more placements than
   * REPORT_SYNC_LIMIT, queues it for the worker and returns the job to poll.
   */
  async renderOrQueue(org: Organization, req: ReportRequest): Promise<{ file: RenderedReport } | { job: ReportJobView }> {
    this.validate(req);
    const end = req.kind === 'annual' ? (req.asOf ?? `${req.year}-12-31`) : `${req.month}-31`;
    const covered = await this.counts.total({ organizationIds: [org.id], from: '0000-01-01', to: end, statuses: PLACEMENT_STATUSES });
    if (covered > this.config.reports.syncLimit) return { job: await this.jobs.request(org, req) };
    return { file: await this.render(org, req) };
  }

  async compose(org: Organization, req: ReportRequest): Promise<ReportDocument> {
    this.validate(req);
    return req.kind === 'annual'
      ? this.annual.compose(org, { year: req.year, asOf: req.asOf, ledgerSheet: req.format === 'xlsx', template: req.template })
      : this.monthly.compose(org, req.month, req.template);
  }

  private validate(req: ReportRequest): void {
    if (req.kind !== 'annual' || req.asOf === undefined) return;
    if (!isIsoDate(req.asOf)) {
      throw LedgerError.invalid([{ field: 'asOf', message: 'asOf must be a real calendar date written YYYY-MM-DD' }]);
    }
    if (req.asOf.slice(0, 4) !== String(req.year)) {
      throw LedgerError.invalid([{ field: 'asOf', message: `asOf must fall in ${req.year}` }]);
    }
  }

  async render(org: Organization, req: ReportRequest): Promise<RenderedReport> {
    return renderReport(await this.compose(org, req), req.format);
  }

  rank(region: string, from: string, to: string): Promise<Ranking> {
    if (from > to) throw LedgerError.invalid([{ field: 'from', message: `from (${from}) is after to (${to})` }]);
    return this.rankings.rank(region, from, to);
  }
}
