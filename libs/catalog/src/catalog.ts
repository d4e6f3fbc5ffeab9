import type { ChannelKind, Tier } from '../../domain/src';
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

/** A crawl source seeded for a catalog channel (see libs/crawling). */
export interface CatalogSource {
  channel: string;
  type: 'list' | 'epaper' | 'feed';
  url: string;
  selectors?: Record<string, unknown>;
  schedule?: string;
}

export interface Catalog {
  organizations: CatalogOrganization[];
  outlets: CatalogOutlet[];
  channels: CatalogChannel[];
  sources?: CatalogSource[];
}

/** The committed catalog: every outlet and channel the seed report names, with tiers and aliases. */
export const CATALOG = catalogJson as Catalog;
