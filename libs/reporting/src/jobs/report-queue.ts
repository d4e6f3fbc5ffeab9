import { Injectable } from '@nestjs/common';
import { JobsConnections, QueueProducer } from '@pl/jobs';
import { REPORTS_CONTRACT, RenderReportJob } from './report-contract';

/** The producer side of the reports queue (large reports rendered by the worker). */
@Injectable()
export class ReportQueue {
  private readonly producer: QueueProducer<typeof REPORTS_CONTRACT>;

  constructor(connections: JobsConnections) {
    this.producer = connections.producerOf(REPORTS_CONTRACT);
  }

  /** Queues one rendering (the report job's id is the queue job's id), or throws QueueUnavailableError. */
  enqueue(data: RenderReportJob): Promise<void> {
    return this.producer.add('report.render', data, { jobId: data.reportJobId });
  }

  /** Why a report's job failed for good, or null (QueueProducer.failedForGood). */
  gaveUp(reportJobId: string): Promise<string | null> {
    return this.producer.failedForGood(reportJobId);
  }
}
