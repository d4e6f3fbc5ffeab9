import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { REPORT_JOB_OPTIONS, REPORTS_QUEUE, RenderReportJob, ReportJobs } from './report-contract';
import { QueueProducer } from '@pl/jobs';

/** The producer side of the reports queue (large reports rendered by the worker). */
@Injectable()
export class ReportQueue implements OnModuleDestroy {
  private readonly producer: QueueProducer<ReportJobs>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.producer = new QueueProducer(config.redis.url, config.redis.prefix, REPORTS_QUEUE, REPORT_JOB_OPTIONS);
  }

  /** Queues one rendering (the report job's id is the queue job's id), or throws QueueUnavailableError. */
  enqueue(data: RenderReportJob): Promise<void> {
    return this.producer.add('report.render', data, { jobId: data.reportJobId });
  }

  onModuleDestroy(): Promise<void> {
    return this.producer.close();
  }
}
