import type { ChannelKind, Tier } from '@pl/domain';
import catalogJson from './catalog.json';

export interface CatalogOrganization {
  slug: string;
  name: string;
  region: string;
  foundedOn: string;
  keywords: string[];
}

export interface CatalogOutlet {
  name: string;
  aliases: string[];
  domains: string[];
}

export interface CatalogChannel {
  name: string;
  outlet: string;
  tier: Tier;
  kind: ChannelKind;
  owner?: string;
  aliases: string[];
  urlPatterns: string[];
}

/**
 * A crawl source seeded for a catalog channel (see libs/crawling). The
 * catalog's sources are real outlets: they are created disabled unless
 * `enabled` says otherwise, so that a new install fetches nothing from the
 * internet until an operator enables a source (`crawl sources enable <id>`).
 */
export interface CatalogSource {
  channel: string;
  type: 'list' | 'epaper' | 'feed';
  url: string;
  selectors?: Record<string, unknown>;
  schedule?: string;
  enabled?: boolean;
}

/** A region's Chinese name and the slug that addresses it in URLs and the CLI. */
export interface CatalogRegion {
  slug: string;
  name: string;
}

export interface Catalog {
  regions?: CatalogRegion[];
  organizations: CatalogOrganization[];
  outlets: CatalogOutlet[];
  channels: CatalogChannel[];
  sources?: CatalogSource[];
}

/** The committed catalog: every outlet and channel the seed report names, with tiers and aliases. */
export const CATALOG = catalogJson as Catalog;
