import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { defineQueue } from '@pl/jobs';

/** The queue of report renderings too large to render during a request. */
export const REPORTS_QUEUE = 'reports';

/** Render the report described by a report_jobs row and store the file there. */
const renderReport = z.object({ reportJobId: z.string().min(1).max(64) });

/** Rendering fails for reasons worth one retry (a restart), not eight. */
export const REPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 2,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: false,
};

/** The reports queue's contract: job name → payload schema. */
export const REPORTS_CONTRACT = defineQueue({
  name: REPORTS_QUEUE,
  jobs: { 'report.render': renderReport },
  jobOptions: REPORT_JOB_OPTIONS,
  // Reports are large: few at a time (REPORT_CONCURRENCY, 1 by default).
  worker: (config) => ({ concurrency: config.reports.concurrency }),
});

export type RenderReportJob = z.output<typeof renderReport>;
