import { Module } from '@nestjs/common';
import { LedgerModule } from '@pl/placements';
import { ReportFacts } from './aggregate/report-facts';
import { BudgetsService } from './budget/budgets.service';
import { AnnualReportComposer } from './compose/annual-report';
import { MonthlyBulletinComposer } from './compose/monthly-bulletin';
import { RegionRankings } from './compose/rankings';
import { ProfilesService } from './profile/profiles.service';
import { ReportJobs } from './jobs/report-jobs.service';
import { ReportQueue } from './jobs/report-queue';
import { ReportsService } from './reports.service';
import { SelfEvaluationService } from './evaluation/self-evaluation.service';
import { PointsService } from './points/points.service';
import { RegionsService } from './regions/regions.service';
import { RegionBulletinComposer } from './compose/region-bulletin';
import { StoredTemplatesService } from './template/stored-templates.service';

const PROVIDERS = [
  StoredTemplatesService,
  BudgetsService,
  ProfilesService,
  ReportFacts,
  SelfEvaluationService,
  PointsService,
  RegionsService,
  RegionBulletinComposer,
  AnnualReportComposer,
  MonthlyBulletinComposer,
  RegionRankings,
  ReportsService,
  ReportJobs,
  ReportQueue,
];

/** Budgets, organization profiles and the reports written from them. Needs PersistenceModule (global); owns the reports queue's producer. */
@Module({ imports: [LedgerModule], providers: PROVIDERS, exports: PROVIDERS })
export class ReportingModule {}
