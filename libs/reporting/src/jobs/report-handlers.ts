import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { JobData, OnJob, PermanentJobError } from '@pl/jobs';
import { Organization, ReportJob, write } from '@pl/persistence';
import { ReportsService } from '../reports.service';
import type { ReportRequest } from '../report-request';
import { REPORTS_CONTRACT } from './report-contract';

/**
 * The handler of the reports queue: renders a queued report and stores the
 * file in its report_jobs row. A failure is recorded on the row for the
 * user; the runtime logs it and retries once.
 */
@Injectable()
export class ReportHandlers {
  private readonly logger = new Logger('ReportHandlers');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ReportsService,
  ) {}

  @OnJob(REPORTS_CONTRACT, 'report.render')
  async render({ reportJobId }: JobData<typeof REPORTS_CONTRACT, 'report.render'>): Promise<void> {
    const repo = this.dataSource.getRepository(ReportJob);
    const row = await repo.findOneBy({ id: reportJobId });
    if (!row) throw new PermanentJobError(`report job ${reportJobId} does not exist`);
    const org = await this.dataSource.getRepository(Organization).findOneBy({ id: row.organizationId });
    if (!org) throw new PermanentJobError(`organization ${row.organizationId} does not exist`);
    await this.update(row.id, { state: 'running' });
    try {
      const file = await this.reports.render(org, row.params as unknown as ReportRequest);
      await this.update(
        row.id,
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
      await this.update(row.id, { state: 'failed', error: message, finishedAt: new Date().toISOString() });
      throw err;
    }
  }

  private update(id: string, fields: Parameters<Repository<ReportJob>['update']>[1]): Promise<unknown> {
    return write(this.dataSource, (em) => em.getRepository(ReportJob).update({ id }, fields));
  }
}
