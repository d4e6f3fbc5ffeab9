import { DataSource } from 'typeorm';
import { Channel, CrawlSource, Organization, Outlet, Region, writeTransaction } from '@pl/persistence';
import { Catalog } from './catalog';

export interface CatalogLoadResult {
  organizations: number;
  outlets: number;
  channels: number;
}

/**
 * Loads the catalog: creates what is missing and brings existing outlets and
 * channels (matched by name) up to the catalog's tiers, aliases and order.
 * Running it twice changes nothing the second time. One transaction.
 */
export async function loadCatalog(dataSource: DataSource, catalog: Catalog): Promise<CatalogLoadResult> {
  const result = await writeTransaction(dataSource, async (em) => {
    const orgRepo = em.getRepository(Organization);
    const outletRepo = em.getRepository(Outlet);
    const channelRepo = em.getRepository(Channel);

    const regionRepo = em.getRepository(Region);
    for (const r of catalog.regions ?? []) {
      if (!(await regionRepo.existsBy({ name: r.name })) && !(await regionRepo.existsBy({ slug: r.slug }))) await regionRepo.save(regionRepo.create(r));
    }
    for (const o of catalog.organizations) {
      if (!(await orgRepo.existsBy({ slug: o.slug }))) await orgRepo.save(orgRepo.create(o));
    }
    const orgId = new Map((await orgRepo.find()).map((o) => [o.slug, o.id]));

    const outlets = new Map((await outletRepo.find()).map((o) => [o.name, o]));
    for (const o of catalog.outlets) {
      const existing = outlets.get(o.name);
      const saved = await outletRepo.save(
        existing ? Object.assign(existing, { aliases: o.aliases, domains: o.domains }) : outletRepo.create(o),
      );
      outlets.set(o.name, saved);
    }

    const channels = new Map((await channelRepo.find()).map((c) => [c.name, c]));
    const orderInTier = new Map<string, number>();
    for (const c of catalog.channels) {
      const outlet = outlets.get(c.outlet);
      if (!outlet) throw new Error(`catalog channel "${c.name}" names unknown outlet "${c.outlet}"`);
      const displayOrder = (orderInTier.get(c.tier) ?? 0) + 1;
      orderInTier.set(c.tier, displayOrder);
      const fields = {
        outletId: outlet.id,
        tier: c.tier,
        kind: c.kind,
        ownerOrganizationId: c.owner ? (orgId.get(c.owner) ?? null) : null,
        aliases: c.aliases,
        urlPatterns: c.urlPatterns,
        displayOrder,
      };
      const existing = channels.get(c.name);
      await channelRepo.save(existing ? Object.assign(existing, fields) : channelRepo.create({ name: c.name, ...fields }));
    }
    // Crawl sources are added once (matched by channel and URL), disabled unless the catalog says otherwise
    // (they are real outlets: fetching them is the operator's choice); editors may change them afterwards.
    const sourceRepo = em.getRepository(CrawlSource);
    const channelIds = new Map((await channelRepo.find()).map((c) => [c.name, c.id]));
    for (const s of catalog.sources ?? []) {
      const channelId = channelIds.get(s.channel);
      if (channelId === undefined) throw new Error(`catalog source names unknown channel "${s.channel}"`);
      if (await sourceRepo.existsBy({ channelId, url: s.url })) continue;
      await sourceRepo.save(
        sourceRepo.create({ channelId, type: s.type, url: s.url, selectors: s.selectors ?? null, schedule: s.schedule ?? null, enabled: s.enabled ?? false }),
      );
    }
    return {
      organizations: catalog.organizations.length,
      outlets: catalog.outlets.length,
      channels: catalog.channels.length,
    };
  });
  // PostgreSQL plans tier filters badly on a small table it has never analysed
  // (autovacuum waits for ~50 changes): give it statistics now.
  if (dataSource.options.type === 'postgres') await dataSource.query('ANALYZE channels');
  return result;
}
