import { load, type CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { canonicalUrl, normaliseTitle } from '@pl/domain';
import type { CrawledItem, ListSelectors } from '../types';
import { dateFromUrl, parseChineseDate, parseListDate, type ChineseDateOptions } from './dates';
import { cleanItemTitle, collapseWhitespace, countHan, preferTitleAttribute, stripTrailingDate, visibleText } from './text';

export type ExtractListOptions = ChineseDateOptions;

/** Anchors the fallback takes for headlines: at least this many Han characters. */
export const FALLBACK_MIN_HAN = 8;
/** The fallback reads a date next to a link only when the rest of its parent's text is at most this long. */
export const FALLBACK_DATE_CONTEXT = 80;

/**
 * The base links resolve against: the page's <base href> (itself resolved
 * against the page URL) or the page URL.
 */
function baseOf($: CheerioAPI, pageUrl: string): string {
  // <base> lives in <head>: look there without running a selector over the page.
  let base: string | undefined;
  const html = $.root()[0].children.find((n) => n.type === 'tag' && n.name === 'html') as Element | undefined;
  const head = html?.children.find((n) => n.type === 'tag' && n.name === 'head') as Element | undefined;
  for (const n of head?.children ?? []) {
    if (n.type === 'tag' && n.name === 'base' && n.attribs.href !== undefined) {
      base = n.attribs.href;
      break;
    }
  }
  if (base) {
    try {
      return new URL(base.trim(), pageUrl).href;
    } catch {
      // a broken <base>: use the page URL
    }
  }
  return pageUrl;
}

/** An absolute http(s) URL, or null for javascript:, mailto:, '#', blanks and junk. */
export function resolveLink(href: string | undefined, base: string): string | null {
  if (href === undefined) return null;
  const h = href.trim();
  if (h === '' || h.startsWith('#')) return null;
  try {
    const u = new URL(h, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

/**
 * For each item, the elements a sub-selector picks in it: the item itself
 * when it matches, else its descendants that match (each assigned to its
 * nearest item), in document order. The selector is run once for the whole
 * page, not once per item.
 */
function matchesPerItem($: CheerioAPI, items: readonly Element[], selector: string | undefined): Map<Element, Element[]> {
  const out = new Map<Element, Element[]>();
  if (selector === undefined || selector.trim() === '' || items.length === 0) return out;
  const all = $(items as Element[]);
  for (const el of all.filter(selector).toArray()) out.set(el, [el]);
  const itemSet = new Set(items);
  for (const el of all.find(selector).toArray()) {
    for (let p = el.parent; p !== null; p = p.parent) {
      if (!itemSet.has(p as Element)) continue;
      const owner = p as Element;
      if (out.get(owner)?.[0] === owner) break; // the item matches itself
      const list = out.get(owner);
      if (list) list.push(el);
      else out.set(owner, [el]);
      break;
    }
  }
  return out;
}

/**
 * Of the candidates, the first with visible text or a title attribute (a
 * browser re-opens an unclosed <a> as an empty copy at the start of the next
 * item: that copy is passed over), else the first; null when none.
 */
function pick(candidates: readonly Element[] | undefined): Element | null {
  if (candidates === undefined || candidates.length === 0) return null;
  return candidates.find((el) => (el.attribs.title ?? '').trim() !== '' || visibleText([el], 1) !== '') ?? candidates[0];
}

function textOf(el: Element): string {
  return visibleText([el]);
}

function contains(ancestor: Element, node: Element): boolean {
  for (let p = node.parent; p !== null; p = p.parent) if (p === ancestor) return true;
  return false;
}

/**
 * A date from an element: its datetime / content / data-date attribute, else
 * its text (parseListDate: a bare 12-15 counts here).
 */
function dateOfElement(el: Element, options: ChineseDateOptions): string | null {
  for (const attr of ['datetime', 'content', 'data-date']) {
    const v = el.attribs[attr];
    const d = v === undefined ? null : parseChineseDate(v, options);
    if (d !== null) return d;
  }
  return parseListDate(textOf(el), options);
}

function insideNav(el: Element): boolean {
  for (let p = el.parent; p !== null; p = p.parent) if (p.type === 'tag' && (p as Element).name === 'nav') return true;
  return false;
}

/** Keeps the first item of each URL (canonicalUrl) or, without a URL, of each folded title. */
class Deduper {
  private readonly seen = new Set<string>();

  add(items: CrawledItem[], item: CrawledItem): void {
    const key = item.url !== null ? `u:${canonicalUrl(item.url) ?? item.url}` : `t:${normaliseTitle(item.title)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    items.push(item);
  }
}

/**
 * The items of a list page (or an e-paper page) by CSS selectors, in page
 * order.
 *
 * For each element matching `selectors.item`:
 * - link: the first `selectors.link` in it (or the item itself when it
 *   matches), else the item when it is an <a>/<area>, else its first a[href];
 *   its href resolved against <base href> / the page URL; non-http(s) links
 *   (javascript:, mailto:, #) give url null;
 * - title: the text of `selectors.title` (or the item itself when it
 *   matches), else the link's text; a `title` attribute of that element or of
 *   the link wins when the text is empty, cut short ("…", "...") or a prefix of
 *   it; whitespace collapsed and leading bullets (·, ●, >…) dropped;
 * - publishedOn: from `selectors.date` (its datetime/content attribute, else
 *   its text, where a bare 12-15 / [12-15] also counts), else the first date
 *   in the item's text outside the title, else the link's path (dateFromUrl).
 *   Year-less dates (12月15日, and 12-15 in the date cell) take their year from
 *   `reference`, by default the date in the page URL (e-paper pages carry
 *   one); without either they are not read.
 *   A date cell inside the title element (an unclosed <a> swallowed it) is
 *   left out of the title.
 *
 * Items without a title are skipped; items repeating an earlier URL
 * (canonicalUrl) are dropped. Selectors that match nothing give [] (see
 * extractLinksFallback / extractListWithFallback). An invalid selector throws
 * (cheerio's SyntaxError): validate selectors when a source is saved.
 */
export function extractList(html: string, pageUrl: string, selectors: ListSelectors, options: ExtractListOptions = {}): CrawledItem[] {
  const $ = load(html);
  const base = baseOf($, pageUrl);
  const dateOptions: ChineseDateOptions = { reference: options.reference ?? dateFromUrl(pageUrl) ?? undefined };
  const items: CrawledItem[] = [];
  const dedupe = new Deduper();
  const itemEls = $(selectors.item).toArray() as Element[];
  const links = matchesPerItem($, itemEls, selectors.link);
  let anyLinks: Map<Element, Element[]> | null = null;
  const titles = matchesPerItem($, itemEls, selectors.title);
  const dates = matchesPerItem($, itemEls, selectors.date);
  for (const item of itemEls) {
    let link = pick(links.get(item));
    if (link === null) {
      anyLinks ??= matchesPerItem($, itemEls, 'a[href], area[href]');
      link = pick(anyLinks.get(item));
    }
    const titleEl = pick(titles.get(item)) ?? link;
    const dateEl = pick(dates.get(item));
    let shown = titleEl ? textOf(titleEl) : '';
    // An unclosed <a> swallows the date after it: leave the date out of the title.
    if (titleEl && dateEl && contains(titleEl, dateEl)) {
      const dateText = textOf(dateEl);
      if (dateText !== '') shown = shown.replace(dateText, ' ');
    }
    let title = cleanItemTitle(shown);
    if (titleEl) title = preferTitleAttribute(title, titleEl.attribs.title ?? (link && link !== titleEl ? link.attribs.title : undefined));
    if (title === '') continue;
    const url = link ? resolveLink(link.attribs.href, base) : null;

    let publishedOn: string | null = null;
    if (dateEl) publishedOn = dateOfElement(dateEl, dateOptions);
    if (publishedOn === null) {
      const text = textOf(item);
      const rest = shown !== '' ? text.replace(shown, ' ') : text;
      publishedOn = parseChineseDate(rest, dateOptions);
    }
    publishedOn ??= dateFromUrl(url);
    dedupe.add(items, { title, url, publishedOn, foundOn: pageUrl });
  }
  return items;
}

/**
 * Headline links of a page whose list selectors found nothing: every a[href]
 * (outside <nav>) whose title (text, or title attribute as in extractList)
 * has at least FALLBACK_MIN_HAN Han characters and whose link is http(s); a
 * date at the end of a link's text (an unclosed <a> swallowed it) is left out.
 * publishedOn comes from the text around the link (its parent element, the
 * link's own text left out, when that is at most FALLBACK_DATE_CONTEXT
 * characters), else the link's path. Deduplicated by URL, in
 * page order.
 */
export function extractLinksFallback(html: string, pageUrl: string, options: ExtractListOptions = {}): CrawledItem[] {
  const $ = load(html);
  const base = baseOf($, pageUrl);
  const dateOptions: ChineseDateOptions = { reference: options.reference ?? dateFromUrl(pageUrl) ?? undefined };
  const items: CrawledItem[] = [];
  const dedupe = new Deduper();
  $('a[href]').each((_, node) => {
    const a = node as Element;
    if (insideNav(a)) return;
    const shown = textOf(a);
    const title = preferTitleAttribute(stripTrailingDate(cleanItemTitle(shown)), a.attribs.title);
    if (countHan(title) < FALLBACK_MIN_HAN) return;
    const url = resolveLink(a.attribs.href, base);
    if (url === null) return;
    // The parent's text when it is this link's line (a <li>, a <td>), not a whole column.
    const around = a.parent && a.parent.type === 'tag' ? collapseWhitespace(textOf(a.parent as Element).replace(shown, ' ')) : '';
    const publishedOn = (around.length <= FALLBACK_DATE_CONTEXT ? parseChineseDate(around, dateOptions) : null) ?? dateFromUrl(url);
    dedupe.add(items, { title, url, publishedOn, foundOn: pageUrl });
  });
  return items;
}

/**
 * extractList, and when its selectors find nothing (a redesigned page),
 * extractLinksFallback; `fallback` tells which one answered.
 */
export function extractListWithFallback(
  html: string,
  pageUrl: string,
  selectors: ListSelectors | null | undefined,
  options: ExtractListOptions = {},
): { items: CrawledItem[]; fallback: boolean } {
  if (selectors) {
    const items = extractList(html, pageUrl, selectors, options);
    if (items.length > 0) return { items, fallback: false };
  }
  return { items: extractLinksFallback(html, pageUrl, options), fallback: true };
}
