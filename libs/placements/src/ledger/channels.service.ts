import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CHANNEL_KINDS, ChannelKind, DomainError, Tier, TIERS, normaliseName } from '@pl/domain';
import { Channel, Organization, Outlet, isUniqueViolation, writeTransaction } from '@pl/persistence';
import { ChannelDirectory } from './channel-directory';

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .min(1, `${field} should not be empty`)
    .max(max, `${field} must be shorter than or equal to ${max} characters`);
const list = (field: string, maxLength: number) =>
  z
    .array(
      z.string({ error: `each value in ${field} must be a string` }).max(maxLength, `each value in ${field} must be shorter than or equal to ${maxLength} characters`),
      { error: `${field} must be an array` },
    )
    .max(50, `${field} must contain no more than 50 elements`);

/** A new channel, as POST /api/channels takes it. */
export const newChannelSchema = z
  .object({
    name: text('name', 200).meta({ example: '红网大祥站' }),
    outlet: text('outlet', 200).meta({ example: '红网', description: 'Outlet name or alias; created when new.' }),
    tier: z.enum(TIERS, { error: `tier must be one of ${TIERS.join(', ')}` }),
    kind: z.enum(CHANNEL_KINDS, { error: `kind must be one of ${CHANNEL_KINDS.join(', ')}` }),
    owner: z.string({ error: 'owner must be a string' }).nullish().meta({ description: 'Slug of the organization that owns the channel (its own media)' }),
    aliases: list('aliases', 200).optional(),
    urlPatterns: list('urlPatterns', 500).optional().meta({ description: 'Regular expressions matching the channel’s links' }),
    displayOrder: z.number({ error: 'displayOrder must be an integer number' }).int('displayOrder must be an integer number').min(0, 'displayOrder must not be less than 0').optional(),
  })
  .strict();

export type NewChannel = z.output<typeof newChannelSchema>;

export interface ChannelView {
  id: number;
  name: string;
  tier: Tier;
  kind: ChannelKind;
  outlet: { id: number; name: string };
  owner: string | null;
  aliases: string[];
  urlPatterns: string[];
  displayOrder: number;
}

@Injectable()
export class ChannelsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly directory: ChannelDirectory,
  ) {}

  async list(tier?: Tier): Promise<ChannelView[]> {
    const channels = await this.dataSource.getRepository(Channel).find({
      where: tier ? { tier } : {},
      relations: { outlet: true, owner: true },
    });
    const tierRank = (t: Tier) => TIERS.indexOf(t);
    return channels
      .sort((a, b) => tierRank(a.tier) - tierRank(b.tier) || a.displayOrder - b.displayOrder || a.id - b.id)
      .map(toView);
  }

  /**
   * Adds a channel; its outlet is found by name or alias, or created. Names
   * and aliases must not collide with another channel's (they resolve input).
   */
  async create(input: NewChannel): Promise<ChannelView> {
    const aliases = [...new Set((input.aliases ?? []).map((a) => a.trim()).filter(Boolean))];
    const patterns = input.urlPatterns ?? [];
    patterns.forEach((p, i) => {
      try {
        new RegExp(p);
      } catch {
        throw DomainError.invalid('CHANNEL_BAD_URL_PATTERN', [{ field: `urlPatterns.${i}`, message: `not a valid regular expression: ${p}` }]);
      }
    });
    const saved = await this.retryingUniqueViolations(() => this.insert(input, aliases, patterns));
    this.directory.invalidate();
    const created = await this.dataSource
      .getRepository(Channel)
      .findOneOrFail({ where: { id: saved }, relations: { outlet: true, owner: true } });
    return toView(created);
  }

  /**
   * A request that loses a race to add the same channel name or the same new
   * outlet hits a unique index; run again, it sees the winner's row (a 409
   * for the name, the existing outlet) instead of failing with a 500.
   */
  private async retryingUniqueViolations<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= attempts || !isUniqueViolation(err)) throw err;
      }
    }
  }

  /** Checks the names and writes the channel (and its outlet when new) in one transaction; returns its id. */
  private insert(input: NewChannel, aliases: string[], patterns: string[]): Promise<number> {
    return writeTransaction(this.dataSource, async (em) => {
      const all = await em.getRepository(Channel).find();
      const taken = new Map<string, string>();
      for (const c of all) for (const n of [c.name, ...c.aliases]) taken.set(normaliseName(n), c.name);
      for (const [field, n] of [['name', input.name] as const, ...aliases.map((a) => ['aliases', a] as const)]) {
        const holder = taken.get(normaliseName(n));
        if (holder) throw DomainError.conflict('CHANNEL_NAME_TAKEN', field, `"${n}" is already the name or an alias of channel "${holder}"`, `「${n}」已是媒体「${holder}」的名称或别名`);
      }
      let ownerId: number | null = null;
      if (input.owner) {
        const owner = await em.getRepository(Organization).findOneBy({ slug: input.owner });
        if (!owner) throw DomainError.invalid('CHANNEL_UNKNOWN_OWNER', [{ field: 'owner', message: `no organization "${input.owner}"` }]);
        ownerId = owner.id;
      }
      const outlet = await findOrCreateOutlet(em.getRepository(Outlet), input.outlet);
      const maxOrder = all.filter((c) => c.tier === input.tier).reduce((m, c) => Math.max(m, c.displayOrder), 0);
      const channel = await em.getRepository(Channel).save(
        em.getRepository(Channel).create({
          name: input.name.trim(),
          outletId: outlet.id,
          tier: input.tier,
          kind: input.kind,
          ownerOrganizationId: ownerId,
          aliases,
          urlPatterns: patterns,
          displayOrder: input.displayOrder ?? maxOrder + 1,
        }),
      );
      return channel.id;
    });
  }
}

async function findOrCreateOutlet(repo: import('typeorm').Repository<Outlet>, name: string): Promise<Outlet> {
  const key = normaliseName(name);
  const existing = (await repo.find()).find(
    (o) => normaliseName(o.name) === key || o.aliases.some((a) => normaliseName(a) === key),
  );
  return existing ?? repo.save(repo.create({ name: name.trim(), aliases: [], domains: [] }));
}

function toView(c: Channel): ChannelView {
  return {
    id: c.id,
    name: c.name,
    tier: c.tier,
    kind: c.kind,
    outlet: { id: c.outletId, name: c.outlet?.name ?? '' },
    owner: c.owner?.slug ?? null,
    aliases: c.aliases,
    urlPatterns: c.urlPatterns,
    displayOrder: c.displayOrder,
  };
}
