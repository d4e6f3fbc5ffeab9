import { createHash } from 'node:crypto';

/**
 * Folds a title for comparison: NFKC (full-width → half-width), lower case,
 * and every space, punctuation mark, symbol and format character removed.
 * Format characters (Unicode category Cf: zero-width space and joiners, soft
 * hyphen, word joiner, BOM, bidi controls) are invisible on screen, so two
 * titles that differ only by them are the same title to an editor.
 */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}\p{Cf}]+/gu, '');
}

/** Folds a channel or outlet name the same way, so 大祥融媒.人民号 finds 大祥融媒·人民号. */
export const normaliseName = normaliseTitle;

const TRACKING_PARAMS = /^(utm_\w+|spm|from|isappinstalled|scene|share_token|timestamp|winzoom|wxshare_count|sharer_\w+|clicktime|enterid)$/i;

/**
 * The link as it identifies an article: scheme, default port, fragment,
 * tracking parameters and a trailing slash dropped; host lower-cased;
 * remaining query parameters sorted. Returns null for anything that is not
 * an http(s) URL.
 */
export function canonicalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const params = [...url.searchParams.entries()]
    .filter(([k]) => !TRACKING_PARAMS.test(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length
    ? '?' + params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
    : '';
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : '';
  return `${url.hostname.toLowerCase()}${path}${query}`;
}

/**
 * The key that makes a placement unique within an organization: its channel
 * plus the canonical link when it has one, else its date and normalised title.
 * Hashed so that the unique index stays small whatever the link's length.
 */
export function placementDedupKey(input: {
  channelId: number;
  url?: string | null;
  publishedOn: string;
  title: string;
}): string {
  const link = input.url ? canonicalUrl(input.url) : null;
  const basis = link
    ? `${input.channelId}|u|${link}`
    : `${input.channelId}|t|${input.publishedOn}|${normaliseTitle(input.title)}`;
  return createHash('sha1').update(basis).digest('hex');
}
