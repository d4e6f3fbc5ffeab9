import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { addDays, canonicalUrl, placementDedupKey, timeOrderedId, todayInShanghai } from '@pl/domain';
import { PlacementSubmissions, IngestionJob, IngestionQueue } from '@pl/placements';
import { Channel, CrawlSource, Organization, Placement } from '@pl/persistence';
import { Evidence, EvidenceSource, EvidenceStore } from '../evidence/evidence-store';
import {
  EPAPER_TITLE_LIST_SELECTORS,
  compareTitles,
  datesAround,
  epaperPageUrls,
  extractArticle,
  extractFeed,
  extractList,
  extractListWithFallback,
  matchedKeywords,
} from '../extract';
import { Fetcher } from '../fetch';
import { CrawlRunError, CrawlRuns, RunCounter } from '../runs/crawl-runs.service';
import { CrawledItem, FetchError, FetchedPage, ListSelectors } from '../types';
import { AssignablePlacement, AssignOptions, assignItems, discoveryVerdict, Pairing } from './assignment';
import { forEachHost } from './hosts';

/** How far from a placement's date its article may appear (days, each way). */
const DATE_WINDOW_DAYS = 2;
/** E-paper pages read when a source does not say. */
const DEFAULT_EPAPER_PAGES = { from: 1, to: 8 };
/** Gathered writes of a crawl wait at most this long for their batch to fill (checked as the crawl goes). */
const MAX_WRITE_DELAY_MS = 1000;

/** An item with the page it was found on (its evidence) and the kind of source that page belongs to. */
interface FoundItem extends CrawledItem {
  page: FetchedPage;
  foundIn: Exclude<EvidenceSource, 'own-page'>;
}

/** The columns of a placement that a confirmation run reads (link, title, date, channel, link-gone mark). */
const CHECKED_COLUMNS = { id: true, organizationId: true, channelId: true, title: true, url: true, publishedOn: true, linkGoneAt: true, status: true } as const;

/** How checking a placement's own link ended. */
type LinkOutcome = 'judged' | 'gone' | 'unanswered';

/**
 * The crawler's work: reading a source's pages, confirming the placements
 * they show, discovering unlogged ones, and checking placements' links.
 * It never writes placements: every change goes to the ingestion queue as
 * a job, like an editor's. It writes the evidence pages (content-addressed)
 * before it queues the confirmations that name them.
 *
 * The rules of a confirmation (see assignment.ts):
 *  - a placement with its own link is judged by its own page: confirmed by
 *    that page, or by a list/feed/e-paper item at the same canonical URL,
 *    never by an item at another URL (a possible duplicate, reported);
 *  - a link that answered 404/410 stays "link gone" until its own page
 *    answers again; a link the crawler may not fetch (robots.txt, SSRF
 *    guard) or could not read is looked for in its channel's sources by URL;
 *  - one item confirms at most one placement in a run, and each placement
 *    gets its best item (an assignment, best score first, then the nearer
 *    date).
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
    private readonly evidence: EvidenceStore,
  ) {}

  /** Crawls one source for a date: its items confirm placements and reveal unlogged ones. */
  async crawlSource(fetcher: Fetcher, runId: string, source: CrawlSource, date: string = todayInShanghai()): Promise<void> {
    const channel = await this.dataSource.getRepository(Channel).findOneByOrFail({ id: source.channelId });
    await this.withWrites(runId, async (writes) => {
      const found = await this.readSource(fetcher, writes, source, [date]);
      await writes.add('items', found.length);
      await this.confirmFromItems(writes, channel, found, date);
      await this.discover(writes, channel, found, date);
    });
  }

  /**
   * Checks an organization's claimed placements: those with a link by
   * fetching it (up to CRAWLER_HOST_CONCURRENCY hosts at once, one request at
   * a time per host), those without, and those whose link could not be
   * read, by looking through their channel's sources.
   */
  async confirmPlacements(fetcher: Fetcher, runId: string, organizationId: number, placementIds?: number[]): Promise<void> {
    const where = { organizationId, status: 'claimed' as const, ...(placementIds?.length ? { id: In(placementIds) } : {}) };
    // Only the columns a check reads: a run holds all of its placements until it ends (10,000 of them
    // with every column, authors and notes and timestamps among them, were a good part of its heap).
    const placements = await this.dataSource.getRepository(Placement).find({ where, order: { id: 'ASC' }, select: CHECKED_COLUMNS });
    const siteNames = await this.siteNames();
    await this.withWrites(runId, async (writes) => {
      const fromSources = placements.filter((p) => !p.url);
      await forEachHost(
        placements.filter((p) => p.url),
        (p) => p.url!,
        this.config.crawler.hostConcurrency,
        async (p) => {
          if ((await this.checkLink(fetcher, writes, p, siteNames.get(p.channelId) ?? [])) === 'unanswered') fromSources.push(p);
        },
      );
      await this.confirmFromSources(fetcher, writes, fromSources);
    });
  }

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

  /**
   * Fetches a placement's own link: a 2xx page with the same story confirms
   * it; 404/410 flag the link gone; a page that answers again clears the
   * flag. 'unanswered': no page to judge by (not fetched, or no 2xx/404/410).
   */
  private async checkLink(fetcher: Fetcher, writes: RunWrites, p: Placement, siteNames: string[]): Promise<LinkOutcome> {
    let page: FetchedPage;
    try {
      page = await fetcher.fetch(p.url!);
    } catch (err) {
      await writes.error({ placementId: p.id, url: p.url!, message: describe(err) });
      return 'unanswered';
    }
    await writes.add('pages');
    if (page.status === 404 || page.status === 410) {
      // Flagged once; a link still gone counts in the run without another event.
      await writes.add('linkGone', 1, p.linkGoneAt ? undefined : this.linkJob(p, page, true));
      return 'gone';
    }
    if (page.status < 200 || page.status >= 300) {
      await writes.error({ placementId: p.id, url: p.url!, message: `HTTP ${page.status}` });
      return 'unanswered';
    }
    // Its own page answers again: the flag clears. When the page also confirms the story, the
    // confirmation carries the restoration (one job, written in that order); otherwise a job of its own.
    const restored = p.linkGoneAt !== null;
    const article = extractArticle(page.text, page.finalUrl, { siteNames });
    const verdict = article.title ? compareTitles(p.title, article.title) : { same: false, score: 0 };
    if (article.title && verdict.same) {
      const evidence = this.evidenceOf(writes, page, 'own-page', { url: page.finalUrl, matchedTitle: article.title, similarity: verdict.score });
      await this.submitConfirmation(writes, p, evidence, restored ? linkEvidence(page) : undefined);
    } else {
      if (restored) await writes.send(this.linkJob(p, page, false));
      await writes.error({
        placementId: p.id,
        url: page.finalUrl,
        message: `title on the page ${JSON.stringify(article.title)} does not match (similarity ${round(verdict.score)})`,
      });
    }
    return 'judged';
  }

  private linkJob(p: Placement, page: FetchedPage, gone: boolean): IngestionJob {
    return {
      name: 'placement.flag-link',
      data: {
        ingestionId: timeOrderedId(),
        organizationId: p.organizationId,
        placementId: p.id,
        actor: 'crawler',
        gone,
        evidence: linkEvidence(page),
      },
    };
  }

  /**
   * Placements looked for in their channel's sources: those without a link
   * by title within two days of their date, those whose own link could not
   * be read by that URL only.
   */
  private async confirmFromSources(fetcher: Fetcher, writes: RunWrites, placements: Placement[]): Promise<void> {
    // Grouped in place: copying a channel's list at each placement (as this did) was quadratic, and
    // 90,000 link-less placements of one channel held the process for minutes, its run "running".
    const byChannel = new Map<number, Placement[]>();
    for (const p of placements) {
      const list = byChannel.get(p.channelId);
      if (list) list.push(p);
      else byChannel.set(p.channelId, [p]);
    }
    for (const [channelId, list] of byChannel) {
      const sources = await this.dataSource.getRepository(CrawlSource).findBy({ channelId, enabled: true });
      if (sources.length === 0) {
        // Nothing to look in: one line for the channel, with how many were not checked and the first of them
        // (a placement with a link has its reason in the run already: why its page could not be read).
        const linkless = list.filter((x) => !x.url);
        if (linkless.length > 0) {
          const shown = linkless.slice(0, 10).map((x) => x.id);
          await writes.error({
            ...(linkless.length === 1 ? { placementId: linkless[0].id } : {}),
            message:
              `${linkless.length} placement(s) without a link not checked: channel ${channelId} has no enabled crawl source ` +
              `(placements ${shown.join(', ')}${linkless.length > shown.length ? ', …' : ''})`,
          });
        }
        continue;
      }
      const dates = [...new Set(list.flatMap((p) => datesAround(p.publishedOn, DATE_WINDOW_DAYS)))].sort();
      const items: FoundItem[] = [];
      for (const s of sources) items.push(...(await this.readSource(fetcher, writes, s, s.type === 'epaper' ? dates : [list[0].publishedOn])));
      await writes.add('items', items.length);
      await this.confirmByAssignment(writes, list, items, list[0].publishedOn);
    }
  }

  /** Reads a source's items for the given dates (one fetch per page; failures recorded on the run). */
  private async readSource(fetcher: Fetcher, writes: RunWrites, source: CrawlSource, dates: string[]): Promise<FoundItem[]> {
    const selectors = (source.selectors ?? null) as (ListSelectors & { pages?: number[] | { from: number; to: number } }) | null;
    // An e-paper page's items carry the edition's date.
    const targets: { url: string; date?: string }[] =
      source.type === 'epaper'
        ? dates.flatMap((date) => epaperPageUrls(source.url, date, selectors?.pages ?? DEFAULT_EPAPER_PAGES).map((url) => ({ url, date })))
        : [{ url: source.url }];
    const items: FoundItem[] = [];
    for (const { url, date } of targets) {
      let page: FetchedPage;
      try {
        page = await fetcher.fetch(url);
      } catch (err) {
        await writes.error({ url, message: describe(err) });
        continue;
      }
      await writes.add('pages');
      if (page.status === 404 && source.type === 'epaper') continue; // an edition with fewer pages
      if (page.status < 200 || page.status >= 300) {
        await writes.error({ url, message: `HTTP ${page.status}` });
        continue;
      }
      const found =
        source.type === 'feed'
          ? extractFeed(page.text, page.finalUrl)
          : source.type === 'epaper'
            ? extractList(page.text, page.finalUrl, selectors?.item ? selectors : EPAPER_TITLE_LIST_SELECTORS)
            : extractListWithFallback(page.text, page.finalUrl, selectors?.item ? selectors : null).items;
      items.push(...found.map((i) => ({ ...i, publishedOn: i.publishedOn ?? date ?? null, page, foundIn: source.type })));
    }
    return dedupe(items);
  }

  /** Claimed placements of the channel near the items' dates, each confirmed by the item assigned to it. */
  private async confirmFromItems(writes: RunWrites, channel: Channel, items: FoundItem[], date: string): Promise<void> {
    if (items.length === 0) return;
    const dates = items.map((i) => i.publishedOn ?? date).sort();
    const from = addDays(dates[0], -DATE_WINDOW_DAYS);
    const to = addDays(dates[dates.length - 1], DATE_WINDOW_DAYS);
    const claimed = await this.dataSource
      .getRepository(Placement)
      .createQueryBuilder('p')
      .where('p.channel_id = :channel AND p.status = :status AND p.published_on >= :from AND p.published_on <= :to', {
        channel: channel.id,
        status: 'claimed',
        from,
        to,
      })
      .orderBy('p.id', 'ASC')
      .getMany();
    // A placement whose own link is elsewhere on the site may still be listed here by that URL (whatever its date).
    const byUrl = await this.placementsAtUrls(channel.id, items);
    const known = new Set(claimed.map((p) => p.id));
    await this.confirmByAssignment(writes, [...claimed, ...byUrl.filter((p) => !known.has(p.id))], items, date);
  }

  /** Claimed placements of the channel whose own link is one of the items' URLs (by dedup key: channel + canonical URL). */
  private async placementsAtUrls(channelId: number, items: FoundItem[]): Promise<Placement[]> {
    const keys = [...new Set(items.filter((i) => i.url && canonicalUrl(i.url)).map((i) => placementDedupKey({ channelId, url: i.url, publishedOn: '', title: '' })))];
    const placements: Placement[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      placements.push(...(await this.dataSource.getRepository(Placement).findBy({ channelId, status: 'claimed', dedupKey: In(keys.slice(i, i + 500)) })));
    }
    return placements;
  }

  private assignOptions(date: string): AssignOptions {
    return { compare: compareTitles, windowDays: DATE_WINDOW_DAYS, defaultDate: date };
  }

  private async confirmByAssignment(writes: RunWrites, placements: Placement[], items: FoundItem[], date: string): Promise<void> {
    if (placements.length === 0 || items.length === 0) return;
    const { pairs, possibleDuplicates } = assignItems(placements.map(assignable), items, this.assignOptions(date));
    for (const pair of pairs) await this.confirmByItem(writes, pair);
    for (const d of possibleDuplicates) await this.reportDuplicate(writes, d.placement.placement, d.item, d.score);
  }

  private async reportDuplicate(writes: RunWrites, p: Placement, item: FoundItem, score: number): Promise<void> {
    const key = `${p.id}|${item.url ?? item.title}`;
    if (writes.reported.has(key)) return;
    writes.reported.add(key);
    await writes.error({
      placementId: p.id,
      url: item.url ?? item.foundOn,
      message: `possible duplicate: ${JSON.stringify(item.title)} on ${item.foundOn} is the same story as placement ${p.id} (similarity ${round(score)}) at another URL than its own link ${p.url}; not a confirmation`,
    });
  }

  /**
   * Items that mention an organization's keywords and are no placement of
   * its in the channel (by the same rules as a confirmation: see
   * discoveryVerdict) become `discovered` placements for review, each with
   * where it was found. A dismissed placement still counts, so it is never
   * discovered again.
   */
  private async discover(writes: RunWrites, channel: Channel, items: FoundItem[], date: string): Promise<void> {
    const orgs = await this.dataSource.getRepository(Organization).find();
    const options = this.assignOptions(date);
    for (const org of orgs) {
      const relevant = items
        .map((item) => ({ item, keywords: matchedKeywords(item.title, org.keywords) }))
        .filter((r) => r.keywords.length > 0);
      if (relevant.length === 0) continue;
      const known = await this.dataSource.getRepository(Placement).find({ where: { organizationId: org.id, channelId: channel.id } });
      const fresh: typeof relevant = [];
      for (const r of relevant) {
        const verdict = discoveryVerdict(r.item, known, options);
        if (verdict.kind === 'new') fresh.push(r);
        else if (verdict.kind === 'possible-duplicate') await this.reportDuplicate(writes, verdict.of, r.item, verdict.score);
      }
      if (fresh.length === 0) continue;
      const evidence = fresh.map(({ item, keywords }) => ({
        ...this.evidenceOf(writes, item.page, item.foundIn, { url: item.url ?? item.foundOn, matchedTitle: item.title, foundOn: item.foundOn }),
        keywords,
      }));
      const drafts = fresh.map(({ item }, row) => ({
        row,
        channelId: channel.id,
        title: item.title.slice(0, 500),
        publishedOn: item.publishedOn ?? date,
        url: item.url,
        section: null,
        prominence: 'normal' as const,
        genre: null,
        authors: [],
        note: `由爬虫发现于 ${item.foundOn}`,
      }));
      await writes.flush(); // the pages are stored before the placements that name them are queued
      await this.submissions.submitDrafts(org, drafts, drafts.length, [], 'crawler', 'crawler', 'placements', evidence);
      await writes.add('discovered', drafts.length);
    }
  }

  private async confirmByItem(writes: RunWrites, pair: Pairing<AssignablePlacementOf, FoundItem>): Promise<void> {
    const { item } = pair;
    await this.submitConfirmation(
      writes,
      pair.placement.placement,
      this.evidenceOf(writes, item.page, item.foundIn, { url: item.url ?? item.foundOn, matchedTitle: item.title, similarity: pair.score, foundOn: item.foundOn }),
    );
  }

  /**
   * The evidence of a page: kept (stored by the run's writes, content-
   * addressed) unless it is larger than CRAWLER_EVIDENCE_MAX_BYTES, which
   * the evidence then says.
   */
  private evidenceOf(
    writes: RunWrites,
    page: FetchedPage,
    foundIn: EvidenceSource,
    found: { url: string; matchedTitle: string; similarity?: number; foundOn?: string },
  ): Evidence {
    const max = this.config.crawler.evidenceMaxBytes;
    const size = page.body.length;
    const stored = size <= max;
    if (stored) writes.keep(page);
    return {
      url: found.url,
      fetchedAt: page.fetchedAt,
      status: page.status,
      sha256: page.sha256,
      matchedTitle: found.matchedTitle,
      ...(found.similarity === undefined ? {} : { similarity: round(found.similarity) }),
      foundIn,
      ...(found.foundOn ? { foundOn: found.foundOn } : {}),
      size,
      stored,
      ...(stored ? {} : { note: `页面 ${size} 字节，超过留存上限 ${max} 字节（CRAWLER_EVIDENCE_MAX_BYTES），原页面未保存，仅记录其 sha256` }),
    };
  }

  /** Confirms a placement, clearing its link-gone mark first when `linkRestored` (the page that answers again) is given. */
  private async submitConfirmation(writes: RunWrites, p: Placement, evidence: Evidence, linkRestored?: Record<string, unknown>): Promise<void> {
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
        ...(linkRestored ? { linkRestored } : {}),
      },
    });
    this.logger.debug(`placement ${p.id} confirmed by ${evidence.url} (${evidence.similarity}, ${evidence.foundIn})`);
  }

  /** Runs a pass with its writes gathered (see RunWrites); what is left is sent when the pass ends, failed or not. */
  private async withWrites<T>(runId: string, work: (writes: RunWrites) => Promise<T>): Promise<T> {
    const writes = new RunWrites(runId, this.runs, this.ingestion, this.evidence, this.config.crawler.writeBatch);
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

/** A placement as the assignment sees it, with the entity beside it. */
type AssignablePlacementOf = AssignablePlacement & { placement: Placement };

function assignable(p: Placement): AssignablePlacementOf {
  return { id: p.id, title: p.title, url: p.url, publishedOn: p.publishedOn, linkGone: p.linkGoneAt !== null, placement: p };
}

/**
 * What a crawl pass sends as it goes — evidence pages for the database,
 * confirmations and link flags for the ingestion queue, counts and problems
 * for its run — gathered and sent together: the pages in one INSERT, the
 * jobs in one enqueue (one addBulk), the counts in one UPDATE, per `batch`
 * jobs, or when the oldest gathered write is a second old (checked as the
 * pass goes), and whatever is left at the end of the pass, before its run
 * is marked completed. Flushes run one after another (hosts are checked in
 * parallel), each in the order pages → jobs → counts and problems, so a job
 * never names a page not stored yet and a count never runs ahead of its
 * job. With a batch of 1 each is sent as it comes. A pass that dies in
 * between leaves its placements claimed: the retried job checks them again.
 */
class RunWrites {
  private jobs: IngestionJob[] = [];
  private counts: Partial<Record<RunCounter, number>> = {};
  private errors: CrawlRunError[] = [];
  private pages = new Map<string, FetchedPage>();
  /** Pages this pass has stored or queued for storing (by sha256): each is written once. */
  private readonly kept = new Set<string>();
  /** Possible duplicates already reported by this pass. */
  readonly reported = new Set<string>();
  private oldest: number | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    readonly runId: string,
    private readonly runs: CrawlRuns,
    private readonly ingestion: IngestionQueue,
    private readonly evidence: EvidenceStore,
    private readonly batch: number,
  ) {}

  /** Adds `by` to a counter of the run and, when given, a job for the ingestion queue. */
  async add(counter: RunCounter, by = 1, job?: IngestionJob): Promise<void> {
    if (by === 0 && !job) return;
    if (job) this.jobs.push(job);
    this.counts[counter] = (this.counts[counter] ?? 0) + by;
    await this.maybeFlush();
  }

  /** A job for the ingestion queue that no counter counts. */
  async send(job: IngestionJob): Promise<void> {
    this.jobs.push(job);
    await this.maybeFlush();
  }

  /** A problem for the run's list. */
  async error(e: CrawlRunError): Promise<void> {
    this.errors.push(e);
    await this.maybeFlush();
  }

  /** A page to keep as evidence (stored at the next flush, before the jobs that name it). */
  keep(page: FetchedPage): void {
    if (this.kept.has(page.sha256)) return;
    this.kept.add(page.sha256);
    // Only what storing needs: the decoded text and the rest of the page can go.
    this.pages.set(page.sha256, { ...page, text: '', redirects: [] });
  }

  private async maybeFlush(): Promise<void> {
    this.oldest ??= Date.now();
    if (this.batch <= 1 || this.jobs.length >= this.batch || Date.now() - this.oldest >= MAX_WRITE_DELAY_MS) await this.flush();
  }

  /** Sends what was gathered, after any flush still running. */
  flush(): Promise<void> {
    const pages = [...this.pages.values()];
    const { jobs, counts, errors } = this;
    this.pages = new Map();
    this.jobs = [];
    this.counts = {};
    this.errors = [];
    this.oldest = null;
    const run = this.flushing.then(async () => {
      if (pages.length > 0) await this.evidence.save(pages);
      if (jobs.length > 0) await this.ingestion.enqueue(jobs);
      await this.runs.addCounts(this.runId, counts);
      await this.runs.addErrors(this.runId, errors);
    });
    // The next flush waits for this one, whether it succeeded or not; this one's failure is its caller's.
    this.flushing = run.catch(() => undefined);
    return run;
  }
}

/** What a link flag (gone or back) keeps of the page its link answered with. */
function linkEvidence(page: FetchedPage): Record<string, unknown> {
  return { url: page.finalUrl, fetchedAt: page.fetchedAt, status: page.status, sha256: page.sha256 };
}

function describe(err: unknown): string {
  if (err instanceof FetchError) return `${err.reason}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

const round = (n: number) => Math.round(n * 1000) / 1000;


function dedupe(items: FoundItem[]): FoundItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = i.url ? `u:${canonicalUrl(i.url) ?? i.url}` : `t:${i.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
