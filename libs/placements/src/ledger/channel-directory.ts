import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { distance } from 'fastest-levenshtein';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { Tier, normaliseName } from '@pl/domain';
import { Channel, Outlet } from '@pl/persistence';

export interface ChannelRef {
  id: number;
  name: string;
  tier: Tier;
  outletId: number;
  outletName: string;
}

interface Directory {
  byId: Map<number, ChannelRef>;
  byName: Map<string, ChannelRef>;
}

/** At most this far (edits per character of the longer name) a name still counts as near. */
const NEAR_RATIO = 0.5;

/** How long a loaded directory is trusted before it is read again. */
const TTL_MS = 2000;

/**
 * Resolves what an editor writes for a channel (an id, a name, an alias,
 * with any punctuation or width) to the channel. Reads the channels table
 * and keeps it for two seconds; a channel added elsewhere appears then.
 */
@Injectable()
export class ChannelDirectory {
  /**
   * The directory, kept TTL_MS. Requests that find it expired at the same
   * moment share one read (fetch) instead of each reading every channel.
   * invalidate() deletes it: the requests waiting for a read begun before
   * get undefined at once (allowStaleOnFetchAbort, no stale copy) and read
   * again (fetch()); that read runs on (ignoreFetchAbort) but resolves
   * undefined for an old generation, so it is not kept.
   */
  private readonly cache = new LRUCache<'directory', Directory>({
    max: 1,
    ttl: TTL_MS,
    ignoreFetchAbort: true,
    allowStaleOnFetchAbort: true,
    fetchMethod: async () => {
      const generation = this.generation;
      const dir = await this.read();
      return generation === this.generation ? dir : undefined;
    },
  });
  /** Bumped by invalidate(): a read begun before it is not kept. */
  private generation = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Forget the loaded directory (after this process added a channel). */
  invalidate(): void {
    this.generation++;
    this.cache.delete('directory');
  }

  async resolve(value: string | number): Promise<ChannelRef | null> {
    const dir = await this.load();
    if (typeof value === 'number') return dir.byId.get(value) ?? null;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) {
      const byId = dir.byId.get(Number(trimmed));
      if (byId) return byId;
    }
    return dir.byName.get(normaliseName(trimmed)) ?? null;
  }

  /**
   * The catalog's channel names nearest to what someone wrote (a medium an
   * import could not resolve), closest first: names and aliases that contain
   * it or are contained in it, then those within a few edits, each channel
   * once by its own name.
   */
  async nearestNames(value: string, limit = 3): Promise<string[]> {
    const want = normaliseName(value);
    if (!want) return [];
    const dir = await this.load();
    const scored = new Map<number, { name: string; score: number }>();
    for (const [key, ref] of dir.byName) {
      const contained = key.includes(want) || want.includes(key);
      const ratio = distance(key, want) / Math.max(key.length, want.length);
      if (!contained && ratio > NEAR_RATIO) continue;
      const score = contained ? ratio - 1 : ratio;
      const kept = scored.get(ref.id);
      if (!kept || score < kept.score) scored.set(ref.id, { name: ref.name, score });
    }
    return [...scored.values()]
      .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name, 'zh-CN'))
      .slice(0, limit)
      .map((s) => s.name);
  }

  private load(): Promise<Directory> | Directory {
    return this.cache.get('directory') ?? this.fetch();
  }

  private async fetch(): Promise<Directory> {
    for (;;) {
      const dir = await this.cache.fetch('directory');
      if (dir) return dir; // undefined: invalidated while it was read; read again
    }
  }

  private async read(): Promise<Directory> {
    const channels = await this.dataSource.getRepository(Channel).find();
    const outlets = await this.dataSource.getRepository(Outlet).find();
    const outletName = new Map(outlets.map((o) => [o.id, o.name]));
    const byId = new Map<number, ChannelRef>();
    const byName = new Map<string, ChannelRef>();
    const refs = channels.map((c) => ({
      ref: { id: c.id, name: c.name, tier: c.tier, outletId: c.outletId, outletName: outletName.get(c.outletId) ?? '' },
      aliases: c.aliases,
    }));
    for (const { ref } of refs) byId.set(ref.id, ref);
    // Names win over aliases, so an alias can never hide another channel's name.
    for (const { ref, aliases } of refs) {
      for (const a of aliases) {
        const k = normaliseName(a);
        if (k && !byName.has(k)) byName.set(k, ref);
      }
    }
    for (const { ref } of refs) byName.set(normaliseName(ref.name), ref);
    // An outlet with a single channel is found by the outlet's name too.
    const perOutlet = new Map<number, ChannelRef[]>();
    for (const { ref } of refs) perOutlet.set(ref.outletId, [...(perOutlet.get(ref.outletId) ?? []), ref]);
    for (const o of outlets) {
      const only = perOutlet.get(o.id);
      if (only?.length !== 1) continue;
      for (const n of [o.name, ...o.aliases]) {
        const k = normaliseName(n);
        if (k && !byName.has(k)) byName.set(k, only[0]);
      }
    }
    return { byId, byName };
  }
}
