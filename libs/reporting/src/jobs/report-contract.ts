import type { JobsOptions } from 'bullmq';

/** The queue of report renderings too large to render during a request. */
export const REPORTS_QUEUE = 'reports';

/** Render the report described by a report_jobs row and store the file there. */
export interface RenderReportJob {
  reportJobId: string;
}

/** Job name → payload of the reports queue. */
export interface ReportJobs {
  'report.render': RenderReportJob;
}

export type ReportJobName = keyof ReportJobs;

/** Rendering fails for reasons worth one retry (a restart), not eight. */
export const REPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 2,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: false,
};
