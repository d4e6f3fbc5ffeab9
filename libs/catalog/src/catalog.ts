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

export interface Catalog {
  organizations: CatalogOrganization[];
  outlets: CatalogOutlet[];
  channels: CatalogChannel[];
}

/** The committed catalog: every outlet and channel the seed report names, with tiers and aliases. */
export const CATALOG = catalogJson as Catalog;
