import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { canonicalUrl, timeOrderedId, todayInShanghai } from '@pl/domain';
import { PlacementSubmissions, IngestionJob, IngestionQueue } from '@pl/placements';
import { Channel, CrawlSource, Organization, Placement } from '@pl/persistence';
import {
  EPAPER_TITLE_LIST_SELECTORS,
  bestMatch,
  datesAround,
  epaperPageUrls,
  extractArticle,
  extractFeed,
  extractList,
  extractListWithFallback,
  mentionsKeywords,
  titleSimilarity,
} from '../extract';
import { Fetcher } from '../fetch';
import { CrawlRuns, RunCounter } from '../runs/crawl-runs.service';
import { CrawledItem, FetchError, FetchedPage, ListSelectors } from '../types';

/** How far from a placement's date its article may appear (days, each way). */
const DATE_WINDOW_DAYS = 2;
/** E-paper pages read when a source does not say. */
const DEFAULT_EPAPER_PAGES = { from: 1, to: 8 };
/** Gathered writes of a crawl wait at most this long for their batch to fill (checked as the crawl goes). */
const MAX_WRITE_DELAY_MS = 1000;

/** What the crawler keeps as proof that a placement appeared. */
interface Evidence {
  url: string;
  fetchedAt: string;
  status: number;
  sha256: string;
  matchedTitle: string;
  similarity: number;
  foundOn?: string;
}

/**
 * The crawler's work: reading a source's pages, confirming the placements
 * they show, discovering unlogged ones, and checking placements' links.
 * It never writes placements: every change goes to the ingestion queue as
 * a job, like an editor's.
 */
@Injectable()
export class CrawlOperations {
  private readonly logger = new Logger(CrawlOperations.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: CrawlRuns,
    private readonly ingestion: IngestionQueue,
    private readonly submissions: PlacementSubmissions,
  ) {}

  /** Crawls one source for a date: its items confirm placements and reveal unlogged ones. */
  async crawlSource(fetcher: Fetcher, runId: string, source: CrawlSource, date: string = todayInShanghai()): Promise<void> {
    const channel = await this.dataSource.getRepository(Channel).findOneByOrFail({ id: source.channelId });
    const items = await this.withWrites(runId, async (writes) => {
      const found = await this.readSource(fetcher, writes, source, [date]);
      await writes.add('items', found.length);
      await this.confirmFromItems(writes, channel, found, date);
      return found;
    });
    await this.discover(runId, channel, items, date);
  }

  /**
   * Checks an organization's claimed placements: those with a link by
   * fetching it, those without by looking through their channel's sources
   * within two days of their date.
   */
  async confirmPlacements(fetcher: Fetcher, runId: string, organizationId: number, placementIds?: number[]): Promise<void> {
    const where = { organizationId, status: 'claimed' as const, ...(placementIds?.length ? { id: In(placementIds) } : {}) };
    const placements = await this.dataSource.getRepository(Placement).find({ where, order: { id: 'ASC' } });
    const siteNames = await this.siteNames();
    await this.withWrites(runId, async (writes) => {
      for (const p of placements.filter((x) => x.url)) await this.checkLink(fetcher, writes, p, siteNames.get(p.channelId) ?? []);
      await this.confirmWithoutLinks(fetcher, writes, placements.filter((x) => !x.url));
    });
  }

  /** Placements without a link, looked for in their channel's sources within two days of their date. */
  private async confirmWithoutLinks(fetcher: Fetcher, writes: RunWrites, withoutLink: Placement[]): Promise<void> {
    const { runId } = writes;
    const byChannel = new Map<number, Placement[]>();
    for (const p of withoutLink) byChannel.set(p.channelId, [...(byChannel.get(p.channelId) ?? []), p]);
    for (const [channelId, list] of byChannel) {
      const sources = await this.dataSource.getRepository(CrawlSource).findBy({ channelId, enabled: true });
      if (sources.length === 0) {
        for (const p of list) await this.runs.error(runId, { placementId: p.id, message: 'no link and no crawl source for its channel' });
        continue;
      }
      const dates = [...new Set(list.flatMap((p) => datesAround(p.publishedOn, DATE_WINDOW_DAYS)))].sort();
      const items: CrawledItem[] = [];
      for (const s of sources) items.push(...(await this.readSource(fetcher, writes, s, s.type === 'epaper' ? dates : [list[0].publishedOn])));
      await writes.add('items', items.length);
      for (const p of list) {
        const near = items.filter((i) => !i.publishedOn || withinDays(i.publishedOn, p.publishedOn, DATE_WINDOW_DAYS));
        const match = bestMatch(p.title, near, (i) => i.title, this.config.crawler.matchThreshold);
        if (match) await this.confirm(writes, p, match.candidate, match.score);
      }
    }
  }

  /** Fetches a placement's link: 200 and a matching title confirm it; 404/410 flag the link gone. */
  /**
   * Per channel, the names an outlet's page titles carry besides the
   * article's (邵阳日报, 邵阳新闻网…): the title cleaner drops them.
   */
  private async siteNames(): Promise<Map<number, string[]>> {
    const channels = await this.dataSource.getRepository(Channel).find({ relations: { outlet: true } });
    return new Map(
      channels.map((c) => [c.id, [c.name, ...c.aliases, ...(c.outlet ? [c.outlet.name, ...c.outlet.aliases] : [])]]),
    );
  }

  private async checkLink(fetcher: Fetcher, writes: RunWrites, p: Placement, siteNames: string[]): Promise<void> {
    const { runId } = writes;
    let page: FetchedPage;
    try {
      page = await fetcher.fetch(p.url!);
      await writes.add('pages');
    } catch (err) {
      await this.runs.error(runId, { placementId: p.id, url: p.url!, message: describe(err) });
      return;
    }
    if (page.status === 404 || page.status === 410) {
      await writes.add('linkGone', 1, {
        name: 'placement.flag-link',
        data: {
          ingestionId: timeOrderedId(),
          organizationId: p.organizationId,
          placementId: p.id,
          actor: 'crawler',
          evidence: { url: page.finalUrl, fetchedAt: page.fetchedAt, status: page.status, sha256: page.sha256 },
        },
      });
      return;
    }
    if (page.status < 200 || page.status >= 300) {
      await this.runs.error(runId, { placementId: p.id, url: p.url!, message: `HTTP ${page.status}` });
      return;
    }
    const article = extractArticle(page.text, page.finalUrl, { siteNames });
    const similarity = article.title ? titleSimilarity(p.title, article.title) : 0;
    if (article.title && similarity >= this.config.crawler.matchThreshold) {
      await this.submitConfirmation(writes, p, {
        url: page.finalUrl,
        fetchedAt: page.fetchedAt,
        status: page.status,
        sha256: page.sha256,
        matchedTitle: article.title,
        similarity: round(similarity),
      });
    } else {
      await this.runs.error(runId, {
        placementId: p.id,
        url: page.finalUrl,
        message: `title on the page ${JSON.stringify(article.title)} does not match (similarity ${round(similarity)})`,
      });
    }
  }

  /** Reads a source's items for the given dates (one fetch per page; failures recorded on the run). */
  private async readSource(fetcher: Fetcher, writes: RunWrites, source: CrawlSource, dates: string[]): Promise<CrawledItem[]> {
    const { runId } = writes;
    const selectors = (source.selectors ?? null) as (ListSelectors & { pages?: number[] | { from: number; to: number } }) | null;
    // An e-paper page's items carry the edition's date.
    const targets: { url: string; date?: string }[] =
      source.type === 'epaper'
        ? dates.flatMap((date) => epaperPageUrls(source.url, date, selectors?.pages ?? DEFAULT_EPAPER_PAGES).map((url) => ({ url, date })))
        : [{ url: source.url }];
    const items: CrawledItem[] = [];
    for (const { url, date } of targets) {
      let page: FetchedPage;
      try {
        page = await fetcher.fetch(url);
      } catch (err) {
        await this.runs.error(runId, { url, message: describe(err) });
        continue;
      }
      await writes.add('pages');
      if (page.status === 404 && source.type === 'epaper') continue; // an edition with fewer pages
      if (page.status < 200 || page.status >= 300) {
        await this.runs.error(runId, { url, message: `HTTP ${page.status}` });
        continue;
      }
      const found =
        source.type === 'feed'
          ? extractFeed(page.text, page.finalUrl)
          : source.type === 'epaper'
            ? extractList(page.text, page.finalUrl, selectors?.item ? selectors : EPAPER_TITLE_LIST_SELECTORS)
            : extractListWithFallback(page.text, page.finalUrl, selectors?.item ? selectors : null).items;
      items.push(...found.map((i) => ({ ...i, publishedOn: i.publishedOn ?? date ?? null, evidence: page })));
    }
    return dedupe(items);
  }

  /** Claimed placements of the channel near the items' dates, confirmed by the best matching item. */
  private async confirmFromItems(writes: RunWrites, channel: Channel, items: CrawledItem[], date: string): Promise<void> {
    if (items.length === 0) return;
    const dates = items.map((i) => i.publishedOn ?? date).sort();
    const from = shiftDate(dates[0], -DATE_WINDOW_DAYS);
    const to = shiftDate(dates[dates.length - 1], DATE_WINDOW_DAYS);
    const claimed = await this.dataSource
      .getRepository(Placement)
      .createQueryBuilder('p')
      .where('p.channel_id = :channel AND p.status = :status AND p.published_on >= :from AND p.published_on <= :to', {
        channel: channel.id,
        status: 'claimed',
        from,
        to,
      })
      .getMany();
    for (const p of claimed) {
      const byLink = p.url ? items.find((i) => i.url && canonicalUrl(i.url) === canonicalUrl(p.url!)) : undefined;
      const near = items.filter((i) => withinDays(i.publishedOn ?? date, p.publishedOn, DATE_WINDOW_DAYS));
      const match = byLink
        ? { candidate: byLink, score: titleSimilarity(p.title, byLink.title) }
        : bestMatch(p.title, near, (i) => i.title, this.config.crawler.matchThreshold);
      if (match && match.score >= this.config.crawler.matchThreshold) await this.confirm(writes, p, match.candidate, match.score);
    }
  }

  /**
   * Items that mention an organization's keywords and match none of its
   * placements in the channel become `discovered` placements for review.
   * A dismissed placement still matches, so it is never discovered again.
   */
  private async discover(runId: string, channel: Channel, items: CrawledItem[], date: string): Promise<void> {
    const orgs = await this.dataSource.getRepository(Organization).find();
    for (const org of orgs) {
      const relevant = items.filter((i) => org.keywords.length && mentionsKeywords(i.title, org.keywords));
      if (relevant.length === 0) continue;
      const known = await this.dataSource.getRepository(Placement).find({ where: { organizationId: org.id, channelId: channel.id } });
      const knownUrls = new Set(known.filter((p) => p.url).map((p) => canonicalUrl(p.url!)));
      const fresh = relevant.filter((i) => {
        if (i.url && knownUrls.has(canonicalUrl(i.url))) return false;
        const day = i.publishedOn ?? date;
        const near = known.filter((p) => withinDays(p.publishedOn, day, DATE_WINDOW_DAYS));
        return !bestMatch(i.title, near, (p) => p.title, this.config.crawler.matchThreshold);
      });
      if (fresh.length === 0) continue;
      const drafts = fresh.map((i, row) => ({
        row,
        channelId: channel.id,
        title: i.title.slice(0, 500),
        publishedOn: i.publishedOn ?? date,
        url: i.url,
        section: null,
        prominence: 'normal' as const,
        genre: null,
        authors: [],
        note: `由爬虫发现于 ${i.foundOn}`,
      }));
      await this.submissions.submitDrafts(org, drafts, drafts.length, [], 'crawler', 'crawler', 'placements');
      await this.runs.add(runId, 'discovered', drafts.length);
    }
  }

  private async confirm(writes: RunWrites, p: Placement, item: CrawledItem, score: number): Promise<void> {
    const page = (item as CrawledItem & { evidence?: FetchedPage }).evidence;
    await this.submitConfirmation(writes, p, {
      url: item.url ?? item.foundOn,
      fetchedAt: page?.fetchedAt ?? new Date().toISOString(),
      status: page?.status ?? 200,
      sha256: page?.sha256 ?? '',
      matchedTitle: item.title,
      similarity: round(score),
      foundOn: item.foundOn,
    });
  }

  private async submitConfirmation(writes: RunWrites, p: Placement, evidence: Evidence): Promise<void> {
    await writes.add('confirmed', 1, {
      name: 'placement.set-status',
      data: {
        ingestionId: timeOrderedId(),
        organizationId: p.organizationId,
        placementId: p.id,
        status: 'confirmed',
        actor: 'crawler',
        reason: '爬虫在媒体页面上找到了这篇稿件',
        evidence: { ...evidence },
      },
    });
    this.logger.debug(`placement ${p.id} confirmed by ${evidence.url} (${evidence.similarity})`);
  }

  /** Runs a pass with its writes gathered (see RunWrites); what is left is sent when the pass ends, failed or not. */
  private async withWrites<T>(runId: string, work: (writes: RunWrites) => Promise<T>): Promise<T> {
    const writes = new RunWrites(runId, this.runs, this.ingestion, this.config.crawler.writeBatch);
    let result: T;
    try {
      result = await work(writes);
    } catch (err) {
      await writes.flush().catch(() => undefined); // what was found stands; the error is what the run reports
      throw err;
    }
    await writes.flush();
    return result;
  }
}

/**
 * What a crawl pass sends as it goes — confirmations and link-gone flags for
 * the ingestion queue, counts for its run — gathered and sent together: one
 * enqueue (one addBulk) and one UPDATE of the run per `batch` jobs, or when
 * the oldest gathered write is a second old (checked as the pass goes), and
 * whatever is left at the end of the pass, before its run is marked
 * completed. With a batch of 1 each is sent as it comes, as one enqueue or
 * one UPDATE. A pass that dies in between leaves its placements claimed: the
 * retried job checks them again.
 */
class RunWrites {
  private jobs: IngestionJob[] = [];
  private counts: Partial<Record<RunCounter, number>> = {};
  private oldest: number | null = null;

  constructor(
    readonly runId: string,
    private readonly runs: CrawlRuns,
    private readonly ingestion: IngestionQueue,
    private readonly batch: number,
  ) {}

  /** Adds `by` to a counter of the run and, when given, a job for the ingestion queue. */
  async add(counter: RunCounter, by = 1, job?: IngestionJob): Promise<void> {
    if (by === 0 && !job) return;
    if (job) this.jobs.push(job);
    this.counts[counter] = (this.counts[counter] ?? 0) + by;
    this.oldest ??= Date.now();
    if (this.batch <= 1 || this.jobs.length >= this.batch || Date.now() - this.oldest >= MAX_WRITE_DELAY_MS) await this.flush();
  }

  /** Sends what was gathered: the jobs first, then the counts (so a count never runs ahead of its job). */
  async flush(): Promise<void> {
    const { jobs, counts } = this;
    this.jobs = [];
    this.counts = {};
    this.oldest = null;
    if (jobs.length > 0) await this.ingestion.enqueue(jobs);
    await this.runs.addCounts(this.runId, counts);
  }
}

function describe(err: unknown): string {
  if (err instanceof FetchError) return `${err.reason}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function shiftDate(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function withinDays(a: string, b: string, days: number): boolean {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) <= days * 86_400_000;
}

function dedupe(items: CrawledItem[]): CrawledItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = i.url ? `u:${canonicalUrl(i.url)}` : `t:${i.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
