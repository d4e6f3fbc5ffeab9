import { Injectable } from '@nestjs/common';
import { isIsoDate } from '../../domain/src';
import { LedgerError } from '../../ledger/src';
import { Organization } from '../../persistence/src';
import { AnnualReportComposer } from './compose/annual-report';
import { MonthlyBulletinComposer } from './compose/monthly-bulletin';
import { Ranking, RegionRankings } from './compose/rankings';
import type { ReportDocument } from './document/report-document';
import { ReportFormat, renderReport } from './render';

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  fileName: string;
}

export type ReportRequest =
  | { kind: 'annual'; year: number; asOf?: string; format: ReportFormat }
  | { kind: 'monthly'; month: string; format: ReportFormat };

/** Composes and renders reports; validates what it is asked for. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly annual: AnnualReportComposer,
    private readonly monthly: MonthlyBulletinComposer,
    private readonly rankings: RegionRankings,
  ) {}

  async compose(org: Organization, req: ReportRequest): Promise<ReportDocument> {
    if (req.kind === 'annual') {
      if (req.asOf !== undefined && !isIsoDate(req.asOf)) {
        throw LedgerError.invalid([{ field: 'asOf', message: 'asOf must be a real calendar date written YYYY-MM-DD' }]);
      }
      if (req.asOf !== undefined && req.asOf.slice(0, 4) !== String(req.year)) {
        throw LedgerError.invalid([{ field: 'asOf', message: `asOf must fall in ${req.year}` }]);
      }
      return this.annual.compose(org, { year: req.year, asOf: req.asOf });
    }
    return this.monthly.compose(org, req.month);
  }

  async render(org: Organization, req: ReportRequest): Promise<RenderedReport> {
    return renderReport(await this.compose(org, req), req.format);
  }

  rank(region: string, from: string, to: string): Promise<Ranking> {
    if (from > to) throw LedgerError.invalid([{ field: 'from', message: `from (${from}) is after to (${to})` }]);
    return this.rankings.rank(region, from, to);
  }
}
