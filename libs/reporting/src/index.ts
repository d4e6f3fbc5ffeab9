export { ReportingModule } from './reporting.module';
export { Fen, MoneyUnit, MoneyFormatError, toFen, formatWan, formatYuan, percentOf, percentShares } from './money';
export { BudgetDocument, BudgetFigure, ProjectFigure, OTHER_FUNDS, OTHER_FUND_LABELS, OtherFund } from './budget/budget';
export {
  BudgetInput,
  BudgetAmountInput,
  BudgetFigureInput,
  BudgetOutput,
  BudgetOutputAmount,
  MONEY_UNITS,
  ParsedBudget,
  budgetInputSchema,
  budgetToOutput,
  checkBudgetTotals,
  formatMoneyIn,
  moneyUnitOf,
  parseBudgetInput,
} from './budget/budget-input';
export { BUDGET_SHEET_LABELS, BudgetSheetError, readBudgetSheet } from './budget/budget-sheet';
export { BudgetsService, OrgRef, SavedBudget } from './budget/budgets.service';
export { AnnualProfileDocument, OrganizationProfileDocument } from './profile/profile';
export { annualProfileInputSchema, parseAnnualProfileInput, parseProfileInput, profileInputSchema } from './profile/profile-input';
export { ProfilesService, SavedProfile, STANDING_PROFILE } from './profile/profiles.service';
export { MAX_YEAR, MIN_YEAR, YEAR_MESSAGE, fiscalYearText, isFiscalYear } from './input-errors';
export { REPORT_FORMATS, RenderedReport, ReportFormat, renderReport } from './render';
export { Block, ChartSpec, ReportDocument, Sheet } from './document/report-document';
export { DEFAULT_TEMPLATE, ReportTemplate, loadTemplate, parseReportTemplate } from './template/report-template';
export { StoredTemplatesService, TemplateOwner, TemplateView, isTemplateKind } from './template/stored-templates.service';
export { ReportFacts, TierCounts } from './aggregate/report-facts';
export {
  ACTUAL_SOURCES,
  IndicatorTemplate,
  TARGET_SOURCES,
  DEFAULT_INDICATORS_FILE,
  defaultIndicatorTemplate,
  indicatorTemplateSchema,
  parseIndicatorTemplate,
} from './evaluation/indicator-template';
export { EvaluationEntry, EvaluationFacts, IndicatorResult, NOT_EVALUATED, SelfEvaluation, evaluate } from './evaluation/self-evaluation';
export { SelfEvaluationService, evaluationEntriesInputSchema } from './evaluation/self-evaluation.service';
export { TemplateError, parseTemplateText } from './template/template-source';
export { DEFAULT_POINTS_FILE, PointsTable, defaultPointsTable, parsePointsTable, pointsHundredths } from './points/points-table';
export { AuthorRanking, AuthorRankingRow, PointsService } from './points/points.service';
export { RegionRef, RegionsService } from './regions/regions.service';
export { RegionBulletinComposer, RegionBulletinData } from './compose/region-bulletin';
export { AnnualReportComposer, AnnualReportData } from './compose/annual-report';
export { MonthlyBulletinComposer, MonthlyBulletinData } from './compose/monthly-bulletin';
export { Ranking, RankingRow, RegionRankings } from './compose/rankings';
export { ReportsService } from './reports.service';
export { ReportRequest } from './report-request';
export { ReportJobs, ReportJobView } from './jobs/report-jobs.service';
export { ReportWorkerModule } from './jobs/report-worker.module';
export { LedgerCounts, CountFilter, CountRow, CountDimension } from '@pl/placements';
export { REPORTS_CONTRACT, REPORTS_QUEUE, RenderReportJob } from './jobs/report-contract';
