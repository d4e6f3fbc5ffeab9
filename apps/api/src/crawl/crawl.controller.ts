import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CrawlRuns, CrawlRunView, CrawlSources, CrawlSourceView, CrawlQueue } from '@pl/crawling';
import { OrganizationsService } from '@pl/placements';
import { DomainError, isIsoDate } from '@pl/domain';
import { parseOr400 } from '../http/validation';
import { OrgRole, OwnedBy } from '../auth/access';

const id = (field: string) =>
  new ParseIntPipe({ exceptionFactory: () => DomainError.invalid('REQUEST_INVALID', [{ field, message: `${field} must be an integer id` }]) });
const uuid = new ParseUUIDPipe({ exceptionFactory: () => DomainError.invalid('REQUEST_INVALID', [{ field: 'id', message: 'id must be a UUID' }]) });

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
  @ApiBody({ schema: { type: 'object', example: { type: 'list', url: 'https://www.shaoyangnews.net/news/list.html', selectors: { item: 'ul.list li', title: 'a', link: 'a', date: 'span' }, schedule: '0 8 * * *' } } })
  create(@Param('id', id('id')) channelId: number, @Body() body: unknown): Promise<CrawlSourceView> {
    return this.sources.create(channelId, body);
  }

  @Get('channels/:id/sources')
  list(@Param('id', id('id')) channelId: number): Promise<CrawlSourceView[]> {
    return this.sources.list(channelId);
  }

  /** Check the organization's claimed placements (all, or those given) against the outlets' pages. */
  @Post('orgs/:org/crawl/confirm')
  @OrgRole('reviewer')
  @HttpCode(202)
  async confirm(@Param('org') slug: string, @Body() body: unknown): Promise<{ runId: string }> {
    const { placementIds } = parseOr400(confirmBody, body ?? {});
    const org = await this.orgs.bySlug(slug);
    const run = await this.runs.create('confirm', { organizationId: org.id }, randomUUID());
    await this.enqueueOrForget(run.id, () => this.queue.confirm({ runId: run.id, organizationId: org.id, placementIds }));
    return { runId: run.id };
  }

  /** Crawl a source now (optionally for another date's edition). */
  @Post('crawl/sources/:id/run')
  @HttpCode(202)
  async run(@Param('id', id('id')) sourceId: number, @Body() body: unknown): Promise<{ runId: string }> {
    const { date } = parseOr400(runBody, body ?? {});
    const source = await this.sources.get(sourceId);
    const run = await this.runs.create('source', { sourceId: source.id }, randomUUID());
    await this.enqueueOrForget(run.id, () => this.queue.runSource({ runId: run.id, sourceId: source.id, date }));
    return { runId: run.id };
  }

  /** Change a source's URL, selectors, schedule (null: none) or enabled flag; its schedule follows. */
  @Patch('crawl/sources/:id')
  @ApiBody({ schema: { type: 'object', example: { schedule: '0 9 * * *', enabled: true } } })
  update(@Param('id', id('id')) sourceId: number, @Body() body: unknown): Promise<CrawlSourceView> {
    return this.sources.update(sourceId, body);
  }

  /** Every crawl source, with its channel's name: the catalog's real outlets start disabled. */
  @Get('crawl/sources')
  all(): Promise<(CrawlSourceView & { channel: string })[]> {
    return this.sources.listAll();
  }

  /** Let the crawler fetch this source (by its schedule, if it has one); no body. */
  @Post('crawl/sources/:id/enable')
  @HttpCode(200)
  enable(@Param('id', id('id')) sourceId: number): Promise<CrawlSourceView> {
    return this.sources.setEnabled(sourceId, true);
  }

  /** Stop fetching this source (its schedule is removed; a run asked for by hand still works); no body. */
  @Post('crawl/sources/:id/disable')
  @HttpCode(200)
  disable(@Param('id', id('id')) sourceId: number): Promise<CrawlSourceView> {
    return this.sources.setEnabled(sourceId, false);
  }

  @Delete('crawl/sources/:id')
  @HttpCode(204)
  async remove(@Param('id', id('id')) sourceId: number): Promise<void> {
    await this.sources.remove(sourceId);
  }

  /** The source's latest runs, newest first (scheduled ones included). */
  @Get('crawl/sources/:id/runs')
  async sourceRuns(@Param('id', id('id')) sourceId: number): Promise<CrawlRunView[]> {
    await this.sources.get(sourceId);
    return this.runs.ofSource(sourceId);
  }

  @Get('crawl/runs/:id')
  @OwnedBy('crawl-run')
  get(@Param('id', uuid) runId: string): Promise<CrawlRunView> {
    return this.runs.get(runId);
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
