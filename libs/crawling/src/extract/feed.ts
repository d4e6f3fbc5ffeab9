import { load } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { CrawledItem } from '../types';
import { parseChineseDate } from './dates';
import { resolveLink } from './list';
import { cleanItemTitle, collapseWhitespace } from './text';

/** Text that may carry markup (Atom type="html", CDATA with tags): the markup's text. */
function plainText(raw: string): string {
  if (!/[<&]/.test(raw)) return collapseWhitespace(raw);
  return collapseWhitespace(load(raw).root().text());
}

/** All text under a node (CDATA included), as written. */
function rawText(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if ('children' in node) return node.children.map(rawText).join('');
  return '';
}

/** The item's child elements by lower-cased tag name, first of each name first. */
function childrenByName(item: Element): Map<string, Element[]> {
  const out = new Map<string, Element[]>();
  for (const c of item.children) {
    if (c.type !== 'tag') continue;
    const name = c.name.toLowerCase();
    const list = out.get(name);
    if (list) list.push(c);
    else out.set(name, [c]);
  }
  return out;
}

function firstText(children: Map<string, Element[]>, names: string[]): string | null {
  for (const name of names) {
    for (const el of children.get(name) ?? []) {
      const t = rawText(el).trim();
      if (t !== '') return t;
    }
  }
  return null;
}

/**
 * The items of an RSS 2.0 / RSS 1.0 (RDF) or Atom feed, in feed order.
 *
 * - title: <title> (CDATA or escaped markup read as text, whitespace collapsed);
 *   items without a title are skipped;
 * - url: RSS <link> text, else a permalink <guid>; Atom <link href> with
 *   rel="alternate" or no rel, else the first link with an href; resolved
 *   against the feed URL; null when missing or not http(s);
 * - publishedOn (Asia/Shanghai): the first of <pubDate>, <published>,
 *   <dc:date>, <updated>, <issued>, <modified> that is present; RFC 822 and
 *   ISO forms with zones are converted (Wed, 15 Dec 2021 02:05:00 GMT →
 *   2021-12-15; 2021-12-14T20:00:00Z → 2021-12-15).
 *
 * Not deduplicated (a feed repeats nothing in practice); parsed in XML mode
 * (cheerio/htmlparser2), which tolerates malformed XML.
 */
export function extractFeed(xml: string, feedUrl: string): CrawledItem[] {
  const $ = load(xml.replace(/^\uFEFF/, ''), { xml: true });
  const items: CrawledItem[] = [];
  for (const node of $('item, entry').toArray()) {
    const el = node as Element;
    const children = childrenByName(el);
    const rawTitle = firstText(children, ['title', 'dc:title']);
    const title = rawTitle === null ? '' : cleanItemTitle(plainText(rawTitle));
    if (title === '') continue;

    let href: string | undefined;
    const links = (children.get('link') ?? []).filter((l) => l.attribs.href !== undefined);
    const alternate = links.find((l) => l.attribs.rel === undefined || l.attribs.rel === 'alternate');
    if (alternate) href = alternate.attribs.href;
    else if (links.length > 0) href = links[0].attribs.href;
    else href = firstText(children, ['link']) ?? undefined;
    if (href === undefined) {
      const guid = children.get('guid')?.[0];
      if (guid && guid.attribs.isPermaLink !== 'false' && guid.attribs.ispermalink !== 'false') href = rawText(guid).trim();
    }
    href ??= el.attribs['rdf:about'];
    const url = resolveLink(href, feedUrl);

    const publishedOn = parseChineseDate(firstText(children, ['pubdate', 'published', 'dc:date', 'updated', 'issued', 'modified']));
    items.push({ title, url, publishedOn, foundOn: feedUrl });
  }
  return items;
}
