import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { DomainError } from '@pl/domain';
import { CrawlRun, SqlDialect, write } from '@pl/persistence';

export type RunCounter = 'pages' | 'items' | 'confirmed' | 'discovered' | 'linkGone';

/** A problem of a run: a page that could not be read, a placement that could not be confirmed, a possible duplicate… */
export interface CrawlRunError {
  url?: string;
  placementId?: number;
  message: string;
}

const MAX_RUN_ERRORS = 200;

export interface CrawlRunView {
  id: string;
  kind: CrawlRun['kind'];
  sourceId: number | null;
  organizationId: number | null;
  state: CrawlRun['state'];
  pages: number;
  items: number;
  confirmed: number;
  discovered: number;
  linkGone: number;
  errors: CrawlRun['errors'];
  startedAt: string | null;
  finishedAt: string | null;
}

const COLUMN: Record<RunCounter, string> = {
  pages: 'pages',
  items: 'items',
  confirmed: 'confirmed',
  discovered: 'discovered',
  linkGone: 'link_gone',
};

/** The record of each crawl: what it fetched and found, visible by API. */
@Injectable()
export class CrawlRuns {
  private readonly sql: SqlDialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlDialect(dataSource);
  }

  /** A new run, queued. `jobId`: its job's id when that is not `id` (a scheduled source run). */
  async create(
    kind: CrawlRun['kind'],
    ref: { sourceId?: number; organizationId?: number },
    id: string = randomUUID(),
    jobId: string | null = null,
  ): Promise<CrawlRun> {
    const repo = this.dataSource.getRepository(CrawlRun);
    return write(this.dataSource, (em) =>
      em.getRepository(CrawlRun).save(repo.create({
        id,
        kind,
        sourceId: ref.sourceId ?? null,
        organizationId: ref.organizationId ?? null,
        jobId,
        state: 'queued',
        errors: [],
        startedAt: null,
        finishedAt: null,
      })),
    );
  }

  async get(id: string): Promise<CrawlRunView> {
    const run = await this.dataSource.getRepository(CrawlRun).findOneBy({ id });
    if (!run) throw DomainError.notFound('CRAWL_RUN_NOT_FOUND', 'crawl run', '抓取记录', 'id', id);
    return toView(run);
  }

  async remove(id: string): Promise<void> {
    await write(this.dataSource, (em) => em.getRepository(CrawlRun).delete({ id }));
  }

  /** A source's latest runs, newest first. */
  async ofSource(sourceId: number, limit = 50): Promise<CrawlRunView[]> {
    const runs = await this.dataSource.getRepository(CrawlRun).find({ where: { sourceId }, order: { startedAt: 'DESC' }, take: limit });
    return runs.map(toView);
  }

  /** The id of the run's BullMQ job: its own id, unless it was recorded otherwise (a scheduled run). */
  async jobIdOf(id: string): Promise<string> {
    const run = await this.dataSource.getRepository(CrawlRun).findOne({ where: { id }, select: { id: true, jobId: true } });
    return run?.jobId ?? id;
  }

  find(id: string): Promise<CrawlRun | null> {
    return this.dataSource.getRepository(CrawlRun).findOneBy({ id });
  }

  /** Starts (or restarts, after a retried job) a run: its counts begin again from zero. */
  async start(id: string): Promise<void> {
    await this.update(id, {
      state: 'running', pages: 0, items: 0, confirmed: 0, discovered: 0, linkGone: 0, errors: [], startedAt: new Date().toISOString(), finishedAt: null,
    });
  }

  /** Adds to a counter atomically (several crawler processes may share a run). */
  async add(id: string, counter: RunCounter, by = 1): Promise<void> {
    await this.addCounts(id, { [counter]: by });
  }

  /** Adds to several counters at once, atomically, in one UPDATE. */
  async addCounts(id: string, counts: Partial<Record<RunCounter, number>>): Promise<void> {
    const entries = (Object.entries(counts) as [RunCounter, number][]).filter(([, by]) => by !== 0);
    if (entries.length === 0) return;
    const sets = entries.map(([counter], i) => `${COLUMN[counter]} = ${COLUMN[counter]} + ${this.sql.param(i + 1)}`);
    await write(this.dataSource, (em) =>
      em.query(`UPDATE crawl_runs SET ${sets.join(', ')} WHERE id = ${this.sql.param(entries.length + 1)}`, [...entries.map(([, by]) => by), id]),
    );
  }

  async error(id: string, e: CrawlRunError): Promise<void> {
    await this.addErrors(id, [e]);
  }

  /**
   * Appends problems to a run's list (read, then write: a run's errors are
   * written by the one crawl that runs it, one batch at a time).
   */
  async addErrors(id: string, errors: CrawlRunError[]): Promise<void> {
    if (errors.length === 0) return;
    const run = await this.find(id);
    if (!run || run.errors.length >= MAX_RUN_ERRORS) return;
    // Keep the list bounded: the first 200 problems tell the story.
    const kept = [...run.errors, ...errors].slice(0, MAX_RUN_ERRORS);
    await this.update(id, { errors: kept });
  }

  async finish(id: string, state: 'completed' | 'failed', message?: string): Promise<void> {
    if (message) await this.error(id, { message });
    await this.update(id, { state, finishedAt: new Date().toISOString() });
  }

  private update(id: string, fields: Parameters<Repository<CrawlRun>['update']>[1]): Promise<unknown> {
    return write(this.dataSource, (em) => em.getRepository(CrawlRun).update({ id }, fields));
  }
}

function toView(r: CrawlRun): CrawlRunView {
  return {
    id: r.id,
    kind: r.kind,
    sourceId: r.sourceId,
    organizationId: r.organizationId,
    state: r.state,
    pages: r.pages,
    items: r.items,
    confirmed: r.confirmed,
    discovered: r.discovered,
    linkGone: r.linkGone,
    errors: r.errors,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}
