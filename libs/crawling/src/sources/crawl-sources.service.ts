import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { DomainError, toFieldErrors } from '@pl/domain';
import { CRAWL_SOURCE_TYPES, Channel, CrawlSource, write } from '@pl/persistence';
import { CrawlQueue } from '../queue/crawl-queue';
import { QueueUnavailableError } from '@pl/jobs';
import { validateEpaperTemplate } from '../extract';

const httpUrl = z
  .string({ error: 'url must be a string' })
  .trim()
  .max(2048, 'url must be at most 2048 characters')
  .refine((u) => {
    try {
      const p = new URL(u.replace(/\{[^}]*\}/g, '1'));
      return p.protocol === 'http:' || p.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'url must be an http(s) URL');

const selector = (field: string) => z.string({ error: `${field} must be a CSS selector` }).trim().min(1).max(500);

/** Five or six cron fields (BullMQ checks the pattern itself when scheduling). */
const CRON = /^\s*(\S+\s+){4,5}\S+\s*$/;

export const crawlSourceInputSchema = z
  .object({
    type: z.enum(CRAWL_SOURCE_TYPES, { error: `type must be one of ${CRAWL_SOURCE_TYPES.join(', ')}` }),
    url: httpUrl,
    selectors: z
      .object({
        item: selector('selectors.item'),
        title: selector('selectors.title').optional(),
        link: selector('selectors.link').optional(),
        date: selector('selectors.date').optional(),
        /** E-paper pages to read: a list, or {from, to}. */
        pages: z
          .union([
            z.array(z.number().int().min(1).max(99)).min(1).max(99),
            z.object({ from: z.number().int().min(1).max(99), to: z.number().int().min(1).max(99) }).strict(),
          ])
          .optional(),
      })
      .strict()
      .optional(),
    schedule: z.string().regex(CRON, 'schedule must be a cron expression, e.g. "0 8 * * *" (Asia/Shanghai)').nullish(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === 'epaper') {
      const problem = validateEpaperTemplate(v.url);
      if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
      else if (!/\{(yyyy|yy|MM|M|dd|d)\}/.test(v.url)) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'an e-paper URL needs the edition date: {yyyy}, {MM}, {dd} placeholders' });
      }
    } else if (/\{[^}]*\}/.test(v.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'only e-paper sources take {yyyy}{MM}{dd}{page} placeholders' });
    }
  });

export type CrawlSourceInput = z.output<typeof crawlSourceInputSchema>;

/** What an editor may change on a source; the type is fixed once created. */
export const crawlSourceChangeSchema = z
  .object({
    url: httpUrl.optional(),
    selectors: crawlSourceInputSchema.shape.selectors.nullable(),
    schedule: z.string().regex(CRON, 'schedule must be a cron expression, e.g. "0 8 * * *" (Asia/Shanghai)').nullable().optional(),
    enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
  })
  .strict();

export interface CrawlSourceView {
  id: number;
  channelId: number;
  type: CrawlSource['type'];
  url: string;
  selectors: Record<string, unknown> | null;
  schedule: string | null;
  enabled: boolean;
}

/** Crawl sources of channels; their schedules live in BullMQ job schedulers. */
@Injectable()
export class CrawlSources {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: CrawlQueue,
  ) {}

  async create(channelId: number, raw: unknown): Promise<CrawlSourceView> {
    await this.channel(channelId);
    const parsed = crawlSourceInputSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw DomainError.invalid('CRAWL_SOURCE_INVALID', toFieldErrors(parsed.error));
    const input = parsed.data;
    const repo = this.dataSource.getRepository(CrawlSource);
    const source = await write(this.dataSource, (em) =>
      em.getRepository(CrawlSource).save(repo.create({ channelId, type: input.type, url: input.url, selectors: input.selectors ?? null, schedule: input.schedule ?? null, enabled: true })),
    );
    if (source.schedule) {
      try {
        await this.scheduleOr400(source.id, source.schedule);
      } catch (err) {
        await write(this.dataSource, (em) => em.getRepository(CrawlSource).delete({ id: source.id })); // nothing half-written
        throw err;
      }
    }
    return toView(source);
  }

  /** Changes a source; its schedule follows (a disabled source or a null schedule runs by none). */
  async update(id: number, raw: unknown): Promise<CrawlSourceView> {
    const source = await this.get(id);
    const parsed = crawlSourceChangeSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw DomainError.invalid('CRAWL_SOURCE_INVALID', toFieldErrors(parsed.error));
    const change = parsed.data;
    const next = {
      type: source.type,
      url: change.url ?? source.url,
      selectors: change.selectors === undefined ? (source.selectors ?? undefined) : (change.selectors ?? undefined),
      schedule: change.schedule === undefined ? source.schedule : change.schedule,
    };
    const checked = crawlSourceInputSchema.safeParse(next, { reportInput: true });
    if (!checked.success) throw DomainError.invalid('CRAWL_SOURCE_INVALID', toFieldErrors(checked.error));
    const enabled = change.enabled ?? source.enabled;
    // The schedule first: if Redis refuses, the row is left as it was.
    if (enabled && next.schedule) await this.scheduleOr400(id, next.schedule);
    else await this.queue.unschedule(id);
    Object.assign(source, { url: checked.data.url, selectors: checked.data.selectors ?? null, schedule: checked.data.schedule ?? null, enabled });
    return toView(await write(this.dataSource, (em) => em.getRepository(CrawlSource).save(source)));
  }

  /** Enables or disables a source; its schedule (if any) follows. */
  setEnabled(id: number, enabled: boolean): Promise<CrawlSourceView> {
    return this.update(id, { enabled });
  }

  /** Every source of every channel, with its channel's name, by id. */
  async listAll(): Promise<(CrawlSourceView & { channel: string })[]> {
    const sources = await this.dataSource.getRepository(CrawlSource).find({ order: { id: 'ASC' } });
    const names = new Map((await this.dataSource.getRepository(Channel).find()).map((c) => [c.id, c.name]));
    return sources.map((s) => ({ ...toView(s), channel: names.get(s.channelId) ?? '' }));
  }

  async remove(id: number): Promise<void> {
    await this.get(id);
    await this.queue.unschedule(id);
    await write(this.dataSource, (em) => em.getRepository(CrawlSource).delete({ id }));
  }

  private async scheduleOr400(id: number, cron: string): Promise<void> {
    try {
      await this.queue.schedule(id, cron);
    } catch (err) {
      if (err instanceof QueueUnavailableError) throw err;
      throw DomainError.invalid(
        'CRAWL_BAD_SCHEDULE',
        [{ field: 'schedule', message: err instanceof Error ? err.message : String(err) }],
        `schedule "${cron}" is not a valid cron pattern`,
        `抓取计划「${cron}」不是有效的 cron 表达式`,
      );
    }
  }

  async list(channelId: number): Promise<CrawlSourceView[]> {
    await this.channel(channelId);
    return (await this.dataSource.getRepository(CrawlSource).find({ where: { channelId }, order: { id: 'ASC' } })).map(toView);
  }

  /**
   * Makes the BullMQ job schedulers match the table: every enabled source
   * with a schedule runs by it, the others by none. Run when a crawler starts.
   */
  async syncSchedules(): Promise<number> {
    const sources = await this.dataSource.getRepository(CrawlSource).find();
    let scheduled = 0;
    for (const s of sources) {
      if (s.enabled && s.schedule) {
        await this.queue.schedule(s.id, s.schedule);
        scheduled++;
      } else {
        await this.queue.unschedule(s.id);
      }
    }
    return scheduled;
  }

  async get(id: number): Promise<CrawlSource> {
    const s = await this.dataSource.getRepository(CrawlSource).findOneBy({ id });
    if (!s) throw DomainError.notFound('CRAWL_SOURCE_NOT_FOUND', 'crawl source', '抓取源', 'id', id);
    return s;
  }

  private async channel(id: number): Promise<Channel> {
    const c = await this.dataSource.getRepository(Channel).findOneBy({ id });
    if (!c) throw DomainError.notFound('CHANNEL_NOT_FOUND', 'channel', '媒体', 'id', id);
    return c;
  }
}

export function toView(s: CrawlSource): CrawlSourceView {
  return { id: s.id, channelId: s.channelId, type: s.type, url: s.url, selectors: s.selectors, schedule: s.schedule, enabled: s.enabled };
}
