import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pl/config';
import {
  FieldError,
  PlacementDraft,
  PlacementInput,
  PlacementSource,
  PlacementStatus,
  STATUS_TRANSITIONS,
  parsePlacementInput,
  placementDedupKey,
  timeOrderedId,
  DomainError,
} from '@pl/domain';
import { Organization, Placement } from '@pl/persistence';
import { IngestionJob, IngestionReceipt } from '../ingestion/contract';
import { IngestionQueue } from '../ingestion/ingestion-queue';
import { ChannelDirectory } from './channel-directory';
import { IngestionsService } from './ingestions.service';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export const BULK_MAX = 10_000;

export interface RejectedEntry extends FieldError {
  index: number;
}

export interface BulkReceipt {
  ingestionId: string;
  accepted: number;
  rejected: RejectedEntry[];
}

/**
 * The edge of ingestion: validates what editors, imports and the crawler
 * submit, resolves channels, and turns it into jobs on the queue. It never
 * writes placements; the worker does.
 */
@Injectable()
export class PlacementSubmissions {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queue: IngestionQueue,
    private readonly channels: ChannelDirectory,
    private readonly ingestions: IngestionsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Validates one placement; returns the draft or the field errors. */
  async toDraft(raw: unknown, row?: number): Promise<{ draft: PlacementDraft } | { errors: FieldError[] }> {
    const parsed = parsePlacementInput(raw);
    if (!parsed.ok) return { errors: parsed.errors };
    return this.resolve(parsed.value, row);
  }

  /** Resolves the channel of an already-validated input. */
  async resolve(input: PlacementInput, row?: number): Promise<{ draft: PlacementDraft; channelName: string } | { errors: FieldError[] }> {
    const channel = await this.channels.resolve(input.channel);
    if (!channel) return { errors: [{ field: 'channel', message: `unknown channel: ${input.channel}` }] };
    const { channel: _ignored, ...rest } = input;
    return { draft: { ...rest, channelId: channel.id, ...(row === undefined ? {} : { row }) }, channelName: channel.name };
  }

  async submitOne(org: Organization, raw: unknown, actor: string): Promise<{ ingestionId: string }> {
    const result = await this.toDraft(raw);
    if ('errors' in result) throw DomainError.invalid('PLACEMENT_INVALID', result.errors);
    const ingestionId = timeOrderedId();
    // Under load, concurrent submissions share one queue job (IngestionQueue packs them) and one round trip.
    // No ingestion row is written here: the job says all there is (1 received, 1 accepted) and the worker
    // writes the row; until then the receipt kept in Redis answers GET /api/ingestions/:id.
    await this.enqueueDrafts(org, ingestionId, [result.draft], 'editor', actor, {
      id: ingestionId,
      organizationId: org.id,
      kind: 'placements',
      received: 1,
      accepted: 1,
      rejected: 0,
    });
    return { ingestionId };
  }

  /**
   * Validates every entry; the valid ones go ahead even when others are
   * rejected. When none is valid nothing is queued and the call is refused.
   */
  async submitBulk(org: Organization, raws: unknown[], actor: string): Promise<BulkReceipt> {
    const drafts: PlacementDraft[] = [];
    const rejected: RejectedEntry[] = [];
    for (let index = 0; index < raws.length; index++) {
      const r = await this.toDraft(raws[index], index);
      if ('errors' in r) rejected.push(...r.errors.map((e) => ({ index, field: `placements.${index}.${e.field}`, message: e.message })));
      else drafts.push(r.draft);
    }
    if (drafts.length === 0) {
      throw new DomainError(
        'PLACEMENT_BATCH_INVALID',
        'invalid',
        `None of the ${raws.length} placements is valid; nothing was queued`,
        rejected,
        `${raws.length} 条稿件均无效，未提交任何内容`,
      );
    }
    return this.submitDrafts(org, drafts, raws.length, rejected, 'editor', actor, 'placements');
  }

  /**
   * Queues drafts validated elsewhere (an import, the crawler's discoveries)
   * and records the ingestion. `evidence`, per draft, is kept in each new
   * placement's creation event (where the crawler found it).
   */
  async submitDrafts(
    org: Organization,
    drafts: PlacementDraft[],
    received: number,
    rejected: RejectedEntry[],
    source: PlacementSource,
    actor: string,
    kind: 'placements' | 'import',
    evidence?: (Record<string, unknown> | null)[],
  ): Promise<BulkReceipt> {
    const ingestionId = timeOrderedId();
    const rejectedEntries = new Set(rejected.map((r) => r.index)).size;
    await this.enqueueDrafts(org, ingestionId, drafts, source, actor, undefined, evidence);
    await this.ingestions
      .recordReceived({ id: ingestionId, organizationId: org.id, kind, received, accepted: drafts.length, rejected: rejectedEntries })
      .catch(() => undefined);
    return { ingestionId, accepted: drafts.length, rejected };
  }

  /** Asks the worker to move a placement to a new status. */
  async requestStatus(
    org: Organization,
    placementId: number,
    status: PlacementStatus,
    actor: string,
    reason?: string | null,
  ): Promise<{ ingestionId: string }> {
    const current = await this.dataSource.getRepository(Placement).findOneBy({ id: placementId, organizationId: org.id });
    if (!current) throw DomainError.notFound('PLACEMENT_NOT_FOUND', 'placement', '稿件', 'id', placementId);
    if (!STATUS_TRANSITIONS[current.status].includes(status)) {
      throw DomainError.conflict('PLACEMENT_BAD_STATUS_CHANGE', 'status', `a ${current.status} placement cannot become ${status}`, `稿件状态不能从 ${current.status} 改为 ${status}`);
    }
    const ingestionId = timeOrderedId();
    await this.queue.enqueue([
      {
        name: 'placement.set-status',
        data: { ingestionId, organizationId: org.id, placementId, status, actor, reason: reason ?? null },
      },
    ]);
    await this.ingestions
      .recordReceived({ id: ingestionId, organizationId: org.id, kind: 'status', received: 1, accepted: 1, rejected: 0 })
      .catch(() => undefined);
    return { ingestionId };
  }

  /**
   * Asks the worker to change a placement's fields. `raw` holds any of the
   * fields a new placement takes (channel, title, publishedOn, url, section,
   * prominence, genre, authors, note); the others keep their values, and the
   * whole is checked as a new placement would be (400 naming the field). A
   * withdrawn placement is not edited (409), nor one the edit would make the
   * same story as another placement of the organization (409 naming it);
   * the worker checks the latter again as it writes.
   */
  async requestEdit(org: Organization, placementId: number, raw: unknown, actor: string): Promise<{ ingestionId: string }> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) {
      throw DomainError.invalid('PLACEMENT_EDIT_EMPTY', [{ field: '(body)', message: 'body must be an object with the fields to change (title, url, publishedOn…)' }], undefined, '请给出要修改的字段（标题、链接、刊发日期…）');
    }
    const current = await this.placement(org, placementId);
    if (current.status === 'withdrawn') {
      throw DomainError.conflict('PLACEMENT_WITHDRAWN', 'status', `placement ${placementId} is withdrawn: restore it before editing it`, `稿件 ${placementId} 已撤回：请先恢复再修改`);
    }
    const merged = {
      channel: current.channelId,
      title: current.title,
      publishedOn: current.publishedOn,
      url: current.url,
      section: current.section,
      prominence: current.prominence,
      genre: current.genre,
      authors: current.authors,
      note: current.note,
      ...(raw as Record<string, unknown>),
    };
    const result = await this.toDraft(merged);
    if ('errors' in result) throw DomainError.invalid('PLACEMENT_INVALID', result.errors);
    const key = placementDedupKey(result.draft);
    if (key !== current.dedupKey) {
      const other = await this.dataSource.getRepository(Placement).findOneBy({ organizationId: org.id, dedupKey: key });
      if (other && other.id !== placementId) {
        const field = result.draft.url ? 'url' : 'title';
        throw new DomainError(
          'PLACEMENT_EDIT_DUPLICATE',
          'conflict',
          `The edit would make placement ${placementId} a duplicate of placement ${other.id} (${JSON.stringify(other.title)})`,
          [{ field, message: `same story as placement ${other.id}: ${other.title}` }],
          `修改后稿件 ${placementId} 将与稿件 ${other.id}「${other.title}」重复`,
          { duplicateOf: { id: other.id, title: other.title, status: other.status } },
        );
      }
    }
    const ingestionId = timeOrderedId();
    const { row: _row, ...placement } = result.draft;
    const expected = {
      channelId: current.channelId,
      title: current.title,
      url: current.url,
      publishedOn: current.publishedOn,
      section: current.section,
      prominence: current.prominence,
      genre: current.genre,
      authors: current.authors,
      note: current.note,
    };
    await this.queue.enqueue([{ name: 'placement.edit', data: { ingestionId, organizationId: org.id, placementId, actor, placement, expected } }]);
    await this.ingestions
      .recordReceived({ id: ingestionId, organizationId: org.id, kind: 'edit', received: 1, accepted: 1, rejected: 0 })
      .catch(() => undefined);
    return { ingestionId };
  }

  /** Asks the worker to withdraw a placement (409 when it is withdrawn already). */
  async requestWithdraw(org: Organization, placementId: number, actor: string, reason?: string | null): Promise<{ ingestionId: string }> {
    const current = await this.placement(org, placementId);
    if (current.status === 'withdrawn') throw DomainError.conflict('PLACEMENT_ALREADY_WITHDRAWN', 'status', `placement ${placementId} is already withdrawn`, `稿件 ${placementId} 已撤回`);
    return this.enqueueChange(org, {
      name: 'placement.withdraw',
      data: { ingestionId: timeOrderedId(), organizationId: org.id, placementId, actor, reason: reason || null },
    });
  }

  /** Asks the worker to restore a withdrawn placement (409 when it is not withdrawn). */
  async requestRestore(org: Organization, placementId: number, actor: string): Promise<{ ingestionId: string }> {
    const current = await this.placement(org, placementId);
    if (current.status !== 'withdrawn') throw DomainError.conflict('PLACEMENT_NOT_WITHDRAWN', 'status', `placement ${placementId} is not withdrawn (it is ${current.status})`, `稿件 ${placementId} 未撤回`);
    return this.enqueueChange(org, { name: 'placement.restore', data: { ingestionId: timeOrderedId(), organizationId: org.id, placementId, actor } });
  }

  /** The organization's placement, or 404 naming the id (another organization's is not found either). */
  private async placement(org: Organization, placementId: number): Promise<Placement> {
    const current = await this.dataSource.getRepository(Placement).findOneBy({ id: placementId, organizationId: org.id });
    if (!current) throw DomainError.notFound('PLACEMENT_NOT_FOUND', 'placement', '稿件', 'id', placementId);
    return current;
  }

  private async enqueueChange(
    org: Organization,
    job: Extract<IngestionJob, { name: 'placement.withdraw' | 'placement.restore' }>,
  ): Promise<{ ingestionId: string }> {
    await this.queue.enqueue([job]);
    const ingestionId = job.data.ingestionId;
    await this.ingestions
      .recordReceived({ id: ingestionId, organizationId: org.id, kind: 'status', received: 1, accepted: 1, rejected: 0 })
      .catch(() => undefined);
    return { ingestionId };
  }

  private async enqueueDrafts(
    org: Organization,
    ingestionId: string,
    drafts: PlacementDraft[],
    source: PlacementSource,
    actor: string,
    receipt?: IngestionReceipt,
    evidence?: (Record<string, unknown> | null)[],
  ): Promise<void> {
    const size = this.config.ingestion.chunkSize;
    const jobs: IngestionJob[] = [];
    for (let i = 0, chunk = 0; i < drafts.length; i += size, chunk++) {
      jobs.push({
        name: 'placements.record',
        data: {
          ingestionId,
          chunk,
          accepted: drafts.length,
          organizationId: org.id,
          source,
          actor,
          placements: drafts.slice(i, i + size),
          ...(evidence ? { evidence: evidence.slice(i, i + size) } : {}),
        },
      });
    }
    await this.queue.enqueue(jobs, receipt);
  }
}
