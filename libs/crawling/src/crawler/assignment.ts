import { canonicalUrl } from '@pl/domain';
import type { TitleComparison } from '../extract';

/** A placement as the assignment sees it. */
export interface AssignablePlacement {
  id: number;
  title: string;
  /** Its own link: then only an item at the same canonical URL may confirm it. */
  url: string | null;
  publishedOn: string;
  /** Its own link answered 404/410: it stays "link gone" until its own page answers again. */
  linkGone: boolean;
}

/** An item of a list, feed or e-paper page. */
export interface AssignableItem {
  title: string;
  url: string | null;
  /** Local date; null when the page gave none (then the run's date counts). */
  publishedOn: string | null;
}

export interface AssignOptions {
  /** The title matcher: `same` decides, `score` ranks. */
  compare: (placementTitle: string, itemTitle: string) => TitleComparison;
  /** How far apart (days, each way) a placement's and an item's dates may be. */
  windowDays: number;
  /** The date of an item that has none (the run's date). */
  defaultDate: string;
}

export interface Pairing<P, I> {
  placement: P;
  item: I;
  score: number;
  /** Paired by the same canonical URL (the placement's own link), not by title alone. */
  byUrl: boolean;
}

export interface AssignmentResult<P, I> {
  pairs: Pairing<P, I>[];
  /**
   * Items that no placement took and whose title matches a placement with
   * its own link at another URL: the same story elsewhere, never a
   * confirmation of that placement (reported for an editor to look at);
   * each item with the placement it fits best.
   */
  possibleDuplicates: Pairing<P, I>[];
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/**
 * Which item confirms which placement, one item per placement and one
 * placement per item. A pair is allowed when
 *  - the placement has its own link: the item is at the same canonical URL
 *    and its title is the same story (and the link is not gone);
 *  - the placement has no link: the item's title is the same story and its
 *    date is within `windowDays` of the placement's.
 * The allowed pairs are taken greedily, best first: by URL before by title
 * alone, then by score, then by the smaller date distance (then placement
 * order, then item order), each placement and item at most once. Greedy is
 * enough here: a list holds tens of items, ties are broken by what makes a
 * pair more certain, and no placement is ever given an item that a better
 * claimant wants.
 */
export function assignItems<P extends AssignablePlacement, I extends AssignableItem>(
  placements: readonly P[],
  items: readonly I[],
  options: AssignOptions,
): AssignmentResult<P, I> {
  const itemUrls = items.map((i) => (i.url ? canonicalUrl(i.url) : null));
  const itemDays = items.map((i) => dayNumber(i.publishedOn ?? options.defaultDate));
  type Candidate = Pairing<P, I> & { distance: number; p: number; i: number };
  const allowed: Candidate[] = [];
  const duplicates: Candidate[] = [];
  placements.forEach((placement, p) => {
    const own = placement.url ? canonicalUrl(placement.url) : null;
    const day = dayNumber(placement.publishedOn);
    items.forEach((item, i) => {
      const distance = Math.abs(itemDays[i] - day);
      const sameUrl = own !== null && itemUrls[i] === own;
      if (placement.url && !sameUrl) {
        // Another URL never confirms a placement with its own link; a matching title there is worth a word.
        if (distance <= options.windowDays) {
          const c = options.compare(placement.title, item.title);
          if (c.same) duplicates.push({ placement, item, score: c.score, byUrl: false, distance, p, i });
        }
        return;
      }
      if (sameUrl && placement.linkGone) return;
      if (!sameUrl && distance > options.windowDays) return;
      const c = options.compare(placement.title, item.title);
      if (c.same) allowed.push({ placement, item, score: c.score, byUrl: sameUrl, distance, p, i });
    });
  });
  allowed.sort((a, b) => Number(b.byUrl) - Number(a.byUrl) || b.score - a.score || a.distance - b.distance || a.p - b.p || a.i - b.i);
  const placementTaken = new Set<number>();
  const itemTaken = new Set<number>();
  const pairs: Pairing<P, I>[] = [];
  for (const c of allowed) {
    if (placementTaken.has(c.p) || itemTaken.has(c.i)) continue;
    placementTaken.add(c.p);
    itemTaken.add(c.i);
    pairs.push({ placement: c.placement, item: c.item, score: c.score, byUrl: c.byUrl });
  }
  // An unclaimed item is a possible duplicate of one placement at most: the one it fits best.
  duplicates.sort((a, b) => b.score - a.score || a.distance - b.distance || a.p - b.p);
  const possibleDuplicates: Pairing<P, I>[] = [];
  for (const d of duplicates) {
    if (itemTaken.has(d.i) || placementTaken.has(d.p)) continue;
    itemTaken.add(d.i);
    possibleDuplicates.push({ placement: d.placement, item: d.item, score: d.score, byUrl: false });
  }
  return { pairs, possibleDuplicates };
}

/** What a discovery makes of an item: a placement already known, the same story at another URL, or new. */
export type DiscoveryVerdict<P> = { kind: 'known' } | { kind: 'possible-duplicate'; of: P; score: number } | { kind: 'new' };

/**
 * Whether an item is a placement already in the ledger (any status), by the
 * same rules as a confirmation: an item at a placement's own canonical URL
 * is that placement; an item whose title is the same story as a link-less
 * placement within the date window is that placement; an item whose title
 * is the same story as a placement with its own link at another URL is a
 * possible duplicate (not discovered, reported); anything else is new.
 */
export function discoveryVerdict<P extends Omit<AssignablePlacement, 'linkGone'>>(
  item: AssignableItem,
  known: readonly P[],
  options: AssignOptions,
): DiscoveryVerdict<P> {
  const url = item.url ? canonicalUrl(item.url) : null;
  if (url !== null && known.some((p) => p.url && canonicalUrl(p.url) === url)) return { kind: 'known' };
  const day = dayNumber(item.publishedOn ?? options.defaultDate);
  let duplicate: { of: P; score: number } | null = null;
  for (const p of known) {
    if (Math.abs(dayNumber(p.publishedOn) - day) > options.windowDays) continue;
    const c = options.compare(p.title, item.title);
    if (!c.same) continue;
    if (!p.url) return { kind: 'known' };
    if (!duplicate || c.score > duplicate.score) duplicate = { of: p, score: c.score };
  }
  return duplicate ? { kind: 'possible-duplicate', ...duplicate } : { kind: 'new' };
}
