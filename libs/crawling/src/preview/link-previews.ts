import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { DomainError, Tier, URL_MAX, isIsoDate, placementDedupKey, toFieldErrors } from '@pl/domain';
import { Channel, Organization, Placement } from '@pl/persistence';
import { producerConnection } from '@pl/jobs';
import { extractArticle } from '../extract';
import { configuredFetcher, Fetcher, requireOk } from '../fetch';
import { FetchError, FetchFailureReason } from '../types';

/** What a pasted link tells before a placement is logged. */
export interface LinkPreview {
  url: string;
  /** The article's title and date as the page states them (null when it does not). */
  title: string | null;
  publishedOn: string | null;
  /** The channel whose URL patterns match the link. */
  channel: { id: number; name: string; tier: Tier } | null;
  /** A placement of the organization that saving this one would duplicate. */
  duplicateOf: { id: number; title: string; publishedOn: string; status: string; channel: string } | null;
  /** Whether the page could be read; when not, why (the title and date are then null). */
  fetch: { ok: true; status: number } | { ok: false; reason: FetchFailureReason; status: number | null };
}

/** What POST …/placements/preview takes (the API documents its body with it). */
export const linkPreviewInputSchema = z
  .object(
    {
      url: z
        .string({ error: 'url is required (the link to read)' })
        .trim()
        .max(URL_MAX, `url must be at most ${URL_MAX} characters`)
        .refine((s) => /^https?:\/\/\S+$/i.test(s) && URL.canParse(s), 'url must be an http(s) link'),
    },
    { error: 'body must be an object {url}' },
  )
  .strict();

/**
 * `POST /api/orgs/:org/placements/preview {url}`: reads the page with the
 * crawler's guarded fetcher (SSRF guard, robots, politeness, limits), takes
 * its title and date as the crawler would, finds the channel by the
 * channels' URL patterns, and looks for a placement it would duplicate (the
 * same dedup keys the worker uses: the link within the channel, or the
 * channel, date and title). Writes nothing.
 */
@Injectable()
export class LinkPreviews implements OnModuleDestroy {
  private redis: IORedis | null = null;
  private fetcher: Fetcher | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async preview(org: Organization, raw: unknown): Promise<LinkPreview> {
    const parsed = linkPreviewInputSchema.safeParse(raw ?? undefined);
    if (!parsed.success) throw DomainError.invalid('CRAWL_PREVIEW_INVALID', toFieldErrors(parsed.error));
    const url = parsed.data.url;
    const channels = await this.dataSource.getRepository(Channel).find();
    const channel = channelOfUrl(channels, url);
    const page = await this.read(url, channel);
    const duplicateOf = await this.duplicateOf(org, url, channel, page.title, page.publishedOn);
    return {
      url,
      title: page.title,
      publishedOn: page.publishedOn,
      channel: channel ? { id: channel.id, name: channel.name, tier: channel.tier } : null,
      duplicateOf,
      fetch: page.fetch,
    };
  }

  private async read(url: string, channel: Channel | null): Promise<Pick<LinkPreview, 'title' | 'publishedOn' | 'fetch'>> {
    const fetcher = await this.getFetcher();
    try {
      const page = requireOk(await fetcher.fetch(url));
      const info = extractArticle(page.text, page.finalUrl, { siteNames: channel ? [channel.name, ...channel.aliases] : [] });
      return { title: info.title, publishedOn: info.publishedOn, fetch: { ok: true, status: page.status } };
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      return { title: null, publishedOn: null, fetch: { ok: false, reason: err.reason, status: err.status ?? null } };
    }
  }

  private async duplicateOf(
    org: Organization,
    url: string,
    channel: Channel | null,
    title: string | null,
    publishedOn: string | null,
  ): Promise<LinkPreview['duplicateOf']> {
    const repo = this.dataSource.getRepository(Placement);
    const keys: string[] = [];
    if (channel) {
      keys.push(placementDedupKey({ channelId: channel.id, url, publishedOn: '', title: '' }));
      if (title && publishedOn && isIsoDate(publishedOn)) keys.push(placementDedupKey({ channelId: channel.id, url: null, publishedOn, title }));
    }
    let found: Placement | null = null;
    for (const dedupKey of keys) {
      found = await repo.findOne({ where: { organizationId: org.id, dedupKey }, relations: { channel: true } });
      if (found) break;
    }
    // A link no channel claims: the same link logged under any channel.
    found ??= channel ? null : await repo.findOne({ where: { organizationId: org.id, url }, relations: { channel: true } });
    if (!found) return null;
    return { id: found.id, title: found.title, publishedOn: found.publishedOn, status: found.status, channel: found.channel?.name ?? '' };
  }

  /** The fetcher, made on first use; its politeness needs Redis, which must be reachable now. */
  private async getFetcher(): Promise<Fetcher> {
    if (!this.redis || !this.fetcher) {
      this.redis = producerConnection(this.config.redis.url);
      this.redis.on('error', () => undefined);
      this.fetcher = configuredFetcher(this.config, this.redis);
    }
    const redis = this.redis;
    if (redis.status !== 'ready') {
      const ready = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!ready) {
        throw new DomainError(
          'CRAWL_PREVIEW_UNAVAILABLE',
          'unavailable',
          'Redis is unavailable: the link cannot be read now. Try again shortly.',
          [{ field: 'url', message: 'the link cannot be read while Redis is unavailable' }],
          'Redis 暂时不可用，现在无法读取该链接，请稍后重试',
        );
      }
    }
    return this.fetcher;
  }

  async onModuleDestroy(): Promise<void> {
    await this.fetcher?.close();
    this.redis?.disconnect();
  }
}

/** The channel whose URL patterns match the link (the first by display order), or null. */
export function channelOfUrl(channels: Channel[], url: string): Channel | null {
  const ordered = [...channels].sort((a, b) => a.displayOrder - b.displayOrder || a.id - b.id);
  for (const c of ordered) {
    for (const p of c.urlPatterns) {
      try {
        if (new RegExp(p, 'i').test(url)) return c;
      } catch {
        // Patterns are checked when a channel is added; an old bad one matches nothing.
      }
    }
  }
  return null;
}
