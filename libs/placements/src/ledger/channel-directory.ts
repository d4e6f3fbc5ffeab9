import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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
  at: number;
  byId: Map<number, ChannelRef>;
  byName: Map<string, ChannelRef>;
}

/** How long a loaded directory is trusted before it is read again. */
const TTL_MS = 2000;

/**
 * Resolves what an editor writes for a channel (an id, a name, an alias,
 * with any punctuation or width) to the channel. Reads the channels table
 * and keeps it for two seconds; a channel added elsewhere appears then.
 */
@Injectable()
export class ChannelDirectory {
  private loaded: Directory | null = null;
  /**
   * The read in progress: requests that find the directory expired at the same
   * moment share one read instead of each reading every channel.
   */
  private loading: Promise<Directory> | null = null;
  /** Bumped by invalidate(): a read begun before it is not kept. */
  private generation = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Forget the loaded directory (after this process added a channel). */
  invalidate(): void {
    this.loaded = null;
    this.loading = null;
    this.generation++;
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

  private load(): Promise<Directory> | Directory {
    if (this.loaded && Date.now() - this.loaded.at < TTL_MS) return this.loaded;
    if (!this.loading) {
      const generation = this.generation;
      const loading = this.read().then(
        (dir) => {
          if (this.generation === generation) this.loaded = dir;
          if (this.loading === loading) this.loading = null;
          return dir;
        },
        (err: unknown) => {
          if (this.loading === loading) this.loading = null;
          throw err;
        },
      );
      this.loading = loading;
    }
    return this.loading;
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
    return { at: Date.now(), byId, byName };
  }
}
