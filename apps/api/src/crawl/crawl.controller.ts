import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CrawlRuns, CrawlRunView, CrawlSources, CrawlSourceView, CrawlQueue, crawlSourceChangeSchema, crawlSourceInputSchema } from '@pl/crawling';
import { OrganizationsService } from '@pl/placements';
import { isIsoDate } from '@pl/domain';
import { integerId, orgSlug, uuid } from '../http/params';
import { crawlRunView, crawlSourceView, runReceipt } from '../http/responses';
import { EmptyResponse, NoBody, ZodBody, ZodParam, ZodResponse } from '../http/zod-api';
import { OrgRole, OwnedBy } from '../auth/access';

const id = integerId('id');
const sourceExample = { type: 'list', url: 'https://www.shaoyangnews.net/news/list.html', selectors: { item: 'ul.list li', title: 'a', link: 'a', date: 'span' }, schedule: '0 8 * * *' };

const confirmBody = z
  .object(
    { placementIds: z.array(z.number().int().positive(), { error: 'placementIds must be a list of placement ids' }).max(10_000).optional() },
    { error: 'body must be an object {placementIds?}' },
  )
  .strict();
const runBody = z
  .object({ date: z.string().refine(isIsoDate, 'date must be a real calendar date written YYYY-MM-DD').optional() }, { error: 'body must be an object {date?}' })
  .strict();

@ApiTags('crawl')
@Controller('api')
export class CrawlController {
  constructor(
    private readonly sources: CrawlSources,
    private readonly runs: CrawlRuns,
    private readonly queue: CrawlQueue,
    private readonly orgs: OrganizationsService,
  ) {}

  /** Add a crawl source to a channel: a list page (with selectors), an e-paper template or a feed; optional cron schedule. */
  @Post('channels/:id/sources')
  @HttpCode(201)
  @ZodResponse(201, crawlSourceView)
  // The sources service validates it with this schema.
  create(@ZodParam('id', id) channelId: number, @ZodBody(crawlSourceInputSchema, { validate: false, examples: { list: { value: sourceExample } } }) body: unknown): Promise<CrawlSourceView> {
    return this.sources.create(channelId, body);
  }

  @Get('channels/:id/sources')
  @ZodResponse(200, z.array(crawlSourceView))
  list(@ZodParam('id', id) channelId: number): Promise<CrawlSourceView[]> {
    return this.sources.list(channelId);
  }

  /** Check the organization's claimed placements (all, or those given) against the outlets' pages. */
  @Post('orgs/:org/crawl/confirm')
  @OrgRole('reviewer')
  @HttpCode(202)
  @ZodResponse(202, runReceipt, 'Queued: poll GET /api/crawl/runs/{runId}')
  async confirm(@ZodParam('org', orgSlug) slug: string, @ZodBody(confirmBody, { optional: true }) { placementIds }: z.output<typeof confirmBody>): Promise<{ runId: string }> {
    const org = await this.orgs.bySlug(slug);
    const run = await this.runs.create('confirm', { organizationId: org.id }, randomUUID());
    await this.enqueueOrForget(run.id, () => this.queue.confirm({ runId: run.id, organizationId: org.id, placementIds }));
    return { runId: run.id };
  }

  /** Crawl a source now (optionally for another date's edition). */
  @Post('crawl/sources/:id/run')
  @HttpCode(202)
  @ZodResponse(202, runReceipt, 'Queued: poll GET /api/crawl/runs/{runId}')
  async run(@ZodParam('id', id) sourceId: number, @ZodBody(runBody, { optional: true }) { date }: z.output<typeof runBody>): Promise<{ runId: string }> {
    const source = await this.sources.get(sourceId);
    const run = await this.runs.create('source', { sourceId: source.id }, randomUUID());
    await this.enqueueOrForget(run.id, () => this.queue.runSource({ runId: run.id, sourceId: source.id, date }));
    return { runId: run.id };
  }

  /** Change a source's URL, selectors, schedule (null: none) or enabled flag; its schedule follows. */
  @Patch('crawl/sources/:id')
  @ZodResponse(200, crawlSourceView)
  update(
    @ZodParam('id', id) sourceId: number,
    // The sources service validates it with this schema.
    @ZodBody(crawlSourceChangeSchema, { validate: false, examples: { change: { value: { schedule: '0 9 * * *', enabled: true } } } }) body: unknown,
  ): Promise<CrawlSourceView> {
    return this.sources.update(sourceId, body);
  }

  /** Every crawl source, with its channel's name: the catalog's real outlets start disabled. */
  @Get('crawl/sources')
  @ZodResponse(200, z.array(crawlSourceView.extend({ channel: z.string() })))
  all(): Promise<(CrawlSourceView & { channel: string })[]> {
    return this.sources.listAll();
  }

  /** Let the crawler fetch this source (by its schedule, if it has one); no body. */
  @Post('crawl/sources/:id/enable')
  @HttpCode(200)
  @NoBody()
  @ZodResponse(200, crawlSourceView)
  enable(@ZodParam('id', id) sourceId: number): Promise<CrawlSourceView> {
    return this.sources.setEnabled(sourceId, true);
  }

  /** Stop fetching this source (its schedule is removed; a run asked for by hand still works); no body. */
  @Post('crawl/sources/:id/disable')
  @HttpCode(200)
  @NoBody()
  @ZodResponse(200, crawlSourceView)
  disable(@ZodParam('id', id) sourceId: number): Promise<CrawlSourceView> {
    return this.sources.setEnabled(sourceId, false);
  }

  @Delete('crawl/sources/:id')
  @HttpCode(204)
  @EmptyResponse()
  async remove(@ZodParam('id', id) sourceId: number): Promise<void> {
    await this.sources.remove(sourceId);
  }

  /** The source's latest runs, newest first (scheduled ones included). */
  @Get('crawl/sources/:id/runs')
  @ZodResponse(200, z.array(crawlRunView))
  async sourceRuns(@ZodParam('id', id) sourceId: number): Promise<CrawlRunView[]> {
    await this.sources.get(sourceId);
    return Promise.all((await this.runs.ofSource(sourceId)).map((run) => this.settled(run)));
  }

  @Get('crawl/runs/:id')
  @OwnedBy('crawl-run')
  @ZodResponse(200, crawlRunView)
  async get(@ZodParam('id', uuid) runId: string): Promise<CrawlRunView> {
    return this.settled(await this.runs.get(runId));
  }

  /**
   * A run whose job failed for good without its handler ending it (a refused payload, a job
   * stalled past BullMQ's limit) is ended as it is read, with the job's reason, rather than
   * shown queued or running forever; scheduled runs too (their job id is recorded on the run).
   * Redis unreachable: the run is shown as it stands.
   */
  private async settled(run: CrawlRunView): Promise<CrawlRunView> {
    if (run.state !== 'queued' && run.state !== 'running') return run;
    const reason = await this.queue.gaveUp(await this.runs.jobIdOf(run.id)).catch(() => null);
    if (reason === null) return run;
    await this.runs.finish(run.id, 'failed', `the crawl job failed: ${reason}`);
    return this.runs.get(run.id);
  }

  /** A run whose job could not be queued is removed again: nothing half-written. */
  private async enqueueOrForget(runId: string, enqueue: () => Promise<void>): Promise<void> {
    try {
      await enqueue();
    } catch (err) {
      await this.runs.remove(runId);
      throw err;
    }
  }
}
