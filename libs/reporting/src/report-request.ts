import type { IndicatorTemplate } from './evaluation/indicator-template';
import type { ReportFormat } from './render';
import type { ReportTemplate } from './template/report-template';

/**
 * What a report is asked for: rendered at once by ReportsService or queued
 * by ReportJobs (its own file, so that neither imports the other for it).
 */
export type ReportRequest = (
  | { kind: 'annual'; year: number; asOf?: string; format: ReportFormat }
  | { kind: 'monthly'; month: string; format: ReportFormat }
  | { kind: 'self-evaluation'; year: number; asOf?: string; format: ReportFormat }
) & {
  /** Which highlight lines to list and how to name them (default: the organization's stored template, its region's, or the seed's). */
  template?: ReportTemplate;
  /** The self-evaluation table's indicators (default: the organization's stored ones, its region's, or the shipped template). */
  indicators?: IndicatorTemplate;
};
