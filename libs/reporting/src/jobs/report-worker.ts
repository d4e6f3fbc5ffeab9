import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { Organization, ReportJob } from '@pl/persistence';
import { REPORTS_QUEUE, RenderReportJob, ReportJobName } from './report-contract';
import { workerConnection } from '@pl/jobs';
import { ReportRequest, ReportsService } from '../reports.service';

/**
 * Renders queued reports one at a time (they are large) and stores each
 * file in its report_jobs row. A failure is recorded on the row for the
 * user; BullMQ retries once.
 */
@Injectable()
export class ReportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportWorker.name);
  private worker: Worker | null = null;
  private connection: IORedis | null = null;

  private readonly handlers: { [N in ReportJobName]: (data: RenderReportJob) => Promise<void> } = {
    'report.render': (data) => this.render(data),
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ReportsService,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = workerConnection(this.config.redis.url);
    this.connection.on('error', (err) => this.logger.warn(`Redis: ${err.message}`));
    this.worker = new Worker(
      REPORTS_QUEUE,
      async (job: Job) => {
        const handler = this.handlers[job.name as ReportJobName];
        if (!handler) throw new UnrecoverableError(`no handler for job name "${job.name}"`);
        await handler(job.data as RenderReportJob);
      },
      { connection: this.connection, prefix: this.config.redis.prefix, concurrency: 1 },
    );
    this.worker.on('error', (err) => this.logger.error(`worker: ${err.message}`));
  }

  private async render({ reportJobId }: RenderReportJob): Promise<void> {
    const repo = this.dataSource.getRepository(ReportJob);
    const row = await repo.findOneBy({ id: reportJobId });
    if (!row) throw new UnrecoverableError(`report job ${reportJobId} does not exist`);
    const org = await this.dataSource.getRepository(Organization).findOneBy({ id: row.organizationId });
    if (!org) throw new UnrecoverableError(`organization ${row.organizationId} does not exist`);
    await repo.update({ id: row.id }, { state: 'running' });
    try {
      const file = await this.reports.render(org, row.params as unknown as ReportRequest);
      await repo.update(
        { id: row.id },
        {
          state: 'completed',
          fileName: file.fileName,
          contentType: file.contentType,
          contentBase64: file.body.toString('base64'),
          error: null,
          finishedAt: new Date().toISOString(),
        },
      );
      this.logger.log(`rendered report ${row.id} (${file.fileName}, ${file.body.length} bytes)`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await repo.update({ id: row.id }, { state: 'failed', error: message, finishedAt: new Date().toISOString() });
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect();
    this.worker = null;
  }
}
