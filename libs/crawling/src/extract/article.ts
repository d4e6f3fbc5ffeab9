import { load } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { ArticleInfo } from '../types';
import { dateFromUrl, parseChineseDate, type ChineseDateOptions } from './dates';
import { normaliseTitle } from '@pl/domain';
import { collapseWhitespace, stripSiteName, stripTitleTags, visibleText } from './text';

export interface ExtractArticleOptions extends ChineseDateOptions {
  /**
   * Names the site goes by (the channel's name and aliases), dropped from
   * <title> / og:title like og:site_name is. Optional.
   */
  siteNames?: readonly string[];
}

/**
 * Meta tags that carry a publication date, in order of trust. Matched
 * case-insensitively against a meta's property, name, itemprop and
 * http-equiv.
 */
export const ARTICLE_DATE_META = [
  'article:published_time',
  'og:release_date',
  'pubdate',
  'publishdate',
  'publish_date',
  'publish-date',
  'publishtime',
  'datepublished',
  'article:published',
  'dc.date.issued',
  'dcterms.created',
  'dc.date',
  'sailthru.date',
  'firstpublishedtime',
  'date',
] as const;

/** How much visible text is searched for a date, after the title and then from the top of the body. */
export const BODY_DATE_WINDOW = 2000;
/** How much of the body's visible text is read at all when looking for the title in it. */
const BODY_TEXT_LIMIT = 20_000;

/** The parts of a page extractArticle reads, gathered in one walk (no CSS selector engine). */
interface PageParts {
  metas: Element[];
  title: Element | null;
  h1s: Element[];
  ldJson: Element[];
  body: Element | null;
}

function collectParts(root: AnyNode): PageParts {
  const parts: PageParts = { metas: [], title: null, h1s: [], ldJson: [], body: null };
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'tag' || node.type === 'script') {
      const el = node as Element;
      switch (el.name) {
        case 'meta':
          parts.metas.push(el);
          break;
        case 'title':
          parts.title ??= el;
          break;
        case 'h1':
          parts.h1s.push(el);
          break;
        case 'body':
          parts.body ??= el;
          break;
        case 'script':
          if ((el.attribs.type ?? '').trim().toLowerCase() === 'application/ld+json') parts.ldJson.push(el);
          break;
      }
    }
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return parts;
}

/** Meta contents by lower-cased property, name, itemprop and http-equiv (the first of each wins). */
function metaContents(metas: readonly Element[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const el of metas) {
    const content = el.attribs.content;
    if (content === undefined || content.trim() === '') continue;
    for (const key of ['property', 'name', 'itemprop', 'http-equiv']) {
      const k = el.attribs[key]?.trim().toLowerCase();
      if (k && !found.has(k)) found.set(k, content.trim());
    }
  }
  return found;
}

/** Text of a node that does not sit inside an <a>. */
function textOutsideLinks(el: Element): string {
  const parts: string[] = [];
  const stack: AnyNode[] = [...el.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') parts.push(node.data);
    else if (node.type === 'tag' && node.name === 'a') continue;
    else if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return collapseWhitespace(parts.join(' '));
}

function insideLink(el: Element): boolean {
  for (let p = el.parent; p !== null; p = p.parent) if (p.type === 'tag' && (p as Element).name === 'a') return true;
  return false;
}

/** datePublished of the page's JSON-LD, if any (malformed JSON is ignored). */
function jsonLdDate(scripts: readonly Element[]): string | null {
  for (const el of scripts) {
    try {
      const queue: unknown[] = [JSON.parse(visibleTextOfScript(el))];
      while (queue.length > 0) {
        const item = queue.shift();
        if (Array.isArray(item)) queue.push(...item);
        else if (item && typeof item === 'object') {
          const rec = item as Record<string, unknown>;
          if (typeof rec.datePublished === 'string') return rec.datePublished;
          if (rec['@graph']) queue.push(rec['@graph']);
        }
      }
    } catch {
      // not JSON: ignore
    }
  }
  return null;
}

function visibleTextOfScript(el: Element): string {
  return el.children.map((c) => (c.type === 'text' ? c.data : '')).join('');
}

/**
 * What an article page says about itself.
 *
 * Title: og:title, else <title>, else the first non-empty <h1> (one not wholly a link, i.e. not a
 * logo, when there is one); og:title and
 * <title> lose column and media tags as list and feed titles do (【乡村振兴】, （图）: see
 * cleanItemTitle) and the site's name (see stripSiteName: split on `_ | ｜ 丨 - —`,
 * prefer the part that reads like the page's <h1>, drop parts that read like
 * og:site_name / application-name / `siteNames`, keep the longest). An
 * og:title or <title> that is nothing but a site name (Founder e-papers often
 * have <title>邵阳日报</title>) is passed over: pass the channel's names as
 * `siteNames` for that to work when the page gives no og:site_name.
 *
 * Date (publishedOn, Asia/Shanghai): the first meta of ARTICLE_DATE_META that
 * parses, then JSON-LD datePublished, then the first date in the visible text
 * in the BODY_DATE_WINDOW characters after the title (where 发布时间 lines
 * sit; this skips a masthead's "今天是…" date above it), then the first date in
 * the body's first BODY_DATE_WINDOW characters, then the URL's path (see
 * dateFromUrl). In the visible text only dates with a year count: a
 * year-less 12月14日 there is nearly always the event's date in the lede, not
 * the publication date. Year-less dates in meta values are read against
 * `reference`, by default the URL's date.
 *
 * Broken HTML is parsed as browsers do (parse5); it never throws.
 */
export function extractArticle(html: string, url: string, options: ExtractArticleOptions = {}): ArticleInfo {
  const page = collectParts(load(html).root()[0]);
  const meta = metaContents(page.metas);
  const h1s = page.h1s.map((el) => visibleText([el])).filter((t) => t !== '');
  // Headline h1s: not a logo, i.e. not text that sits wholly inside a link.
  const headlines = page.h1s.filter((el) => !insideLink(el) && textOutsideLinks(el) !== '').map((el) => visibleText([el]));
  const siteNames = [...(options.siteNames ?? [])];
  for (const key of ['og:site_name', 'application-name']) {
    const v = meta.get(key);
    if (v) siteNames.push(v);
  }

  const siteKeys = new Set(siteNames.map(normaliseTitle).filter((k) => k !== ''));
  /** A usable title: not empty and not just the site's name (<title>邵阳日报</title>). */
  const usable = (t: string): string | null => (t !== '' && !siteKeys.has(normaliseTitle(t)) ? stripTitleTags(t) : null);

  let title: string | null = null;
  let titleSource: ArticleInfo['titleSource'] = null;
  const og = meta.get('og:title');
  if (og) {
    title = usable(stripSiteName(og, siteNames, headlines));
    if (title) titleSource = 'og:title';
  }
  if (!title) {
    title = usable(stripSiteName(page.title ? visibleText([page.title]) : '', siteNames, headlines));
    if (title) titleSource = 'title';
  }
  if (!title) {
    title = headlines[0] ?? h1s[0] ?? null;
    titleSource = title ? 'h1' : null;
  }

  const urlDate = dateFromUrl(url);
  const dateOptions: ChineseDateOptions = { reference: options.reference ?? urlDate ?? undefined };
  let publishedOn: string | null = null;
  for (const key of ARTICLE_DATE_META) {
    const v = meta.get(key);
    publishedOn = v === undefined ? null : parseChineseDate(v, dateOptions);
    if (publishedOn !== null) break;
  }
  publishedOn ??= parseChineseDate(jsonLdDate(page.ldJson), dateOptions);
  if (publishedOn === null) {
    const text = visibleText(page.body ? [page.body] : [], BODY_TEXT_LIMIT);
    const anchors = [...(title ? [title] : []), ...headlines];
    for (const anchor of anchors) {
      const at = text.indexOf(anchor);
      if (at < 0) continue;
      const start = at + anchor.length;
      publishedOn = parseChineseDate(text.slice(start, start + BODY_DATE_WINDOW));
      if (publishedOn !== null) break;
    }
    publishedOn ??= parseChineseDate(text.slice(0, BODY_DATE_WINDOW));
  }
  publishedOn ??= urlDate;
  return { title, publishedOn, titleSource };
}
