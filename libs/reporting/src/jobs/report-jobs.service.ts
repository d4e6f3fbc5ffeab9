import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '@pl/domain';
import { Organization, ReportJob, write } from '@pl/persistence';
import { ReportQueue } from './report-queue';
import type { RenderedReport } from '../render';
import type { ReportRequest } from '../report-request';

export interface ReportJobView {
  id: string;
  kind: ReportJob['kind'];
  format: string;
  state: ReportJob['state'];
  params: Record<string, unknown>;
  error: string | null;
  fileName: string | null;
  /** Where to download the file once the state is `completed`. */
  fileUrl: string;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * Reports rendered by the worker: the request is stored, queued, and the
 * finished file kept in the database so that any API process can serve it.
 */
@Injectable()
export class ReportJobs {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: ReportQueue,
  ) {}

  async request(org: Organization, req: ReportRequest): Promise<ReportJobView> {
    const repo = this.dataSource.getRepository(ReportJob);
    const job = repo.create({
      id: randomUUID(),
      organizationId: org.id,
      kind: req.kind,
      format: req.format,
      params: { ...req },
      state: 'queued',
      error: null,
      fileName: null,
      contentType: null,
      contentBase64: null,
      finishedAt: null,
    });
    await write(this.dataSource, (em) => em.getRepository(ReportJob).save(job));
    try {
      await this.queue.enqueue({ reportJobId: job.id });
    } catch (err) {
      await write(this.dataSource, (em) => em.getRepository(ReportJob).delete({ id: job.id })); // nothing half-written
      throw err;
    }
    return toView(job);
  }

  async get(id: string): Promise<ReportJobView> {
    const job = await this.dataSource.getRepository(ReportJob).findOneBy({ id });
    if (!job) throw DomainError.notFound('REPORT_NOT_FOUND', 'report', '报告', 'id', id);
    return toView(await this.settled(job));
  }

  /**
   * A report whose job failed for good without its handler recording it (a
   * payload the schema refuses, a rendering whose process was killed twice:
   * stalled past BullMQ's limit) is ended `failed` as it is read, with the
   * job's reason, rather than shown queued or running forever. Redis
   * unreachable: the report is shown as it stands.
   */
  private async settled<J extends Pick<ReportJob, 'id' | 'state' | 'error' | 'finishedAt'>>(job: J): Promise<J> {
    if (job.state !== 'queued' && job.state !== 'running') return job;
    const reason = await this.queue.gaveUp(job.id).catch(() => null);
    if (reason === null) return job;
    const ended = { state: 'failed' as const, error: `the report job failed: ${reason}`, finishedAt: new Date().toISOString() };
    await write(this.dataSource, (em) => em.getRepository(ReportJob).update({ id: job.id, state: job.state }, ended));
    return { ...job, ...ended };
  }

  /** The finished file; 409 while it is still being rendered or when rendering failed. */
  async file(id: string): Promise<RenderedReport> {
    const found = await this.dataSource
      .getRepository(ReportJob)
      .createQueryBuilder('j')
      .addSelect('j.contentBase64')
      .where('j.id = :id', { id })
      .getOne();
    if (!found) throw DomainError.notFound('REPORT_NOT_FOUND', 'report', '报告', 'id', id);
    const job = await this.settled(found);
    if (job.state !== 'completed' || !job.contentBase64) {
      throw new DomainError(
        'REPORT_NOT_READY',
        'conflict',
        `report ${id} is ${job.state}${job.error ? `: ${job.error}` : ''}`,
        [{ field: 'id', message: `report is ${job.state}` }],
        job.state === 'failed' ? `报告 ${id} 生成失败${job.error ? `：${job.error}` : ''}` : `报告 ${id} 尚未生成完毕`,
      );
    }
    return { body: Buffer.from(job.contentBase64, 'base64'), contentType: job.contentType ?? 'application/octet-stream', fileName: job.fileName ?? `${id}` };
  }
}

function toView(j: ReportJob): ReportJobView {
  return {
    id: j.id,
    kind: j.kind,
    format: j.format,
    state: j.state,
    params: j.params,
    error: j.error,
    fileName: j.fileName,
    fileUrl: `/api/reports/${j.id}/file`,
    createdAt: j.createdAt instanceof Date ? j.createdAt.toISOString() : String(j.createdAt),
    finishedAt: j.finishedAt,
  };
}
