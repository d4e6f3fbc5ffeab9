import type { AnyNode } from 'domhandler';
import { normaliseTitle } from '@pl/domain';

/** Runs of whitespace (incl. &nbsp; and the ideographic space) to one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00a0\u3000]+/gu, ' ').trim();
}

/** How many Han (CJK ideograph) characters a text has. */
export function countHan(text: string): number {
  const m = text.match(/\p{Script=Han}/gu);
  return m === null ? 0 : m.length;
}

const SKIPPED_TAGS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'select', 'textarea']);

/**
 * The visible text under some nodes, text nodes joined by one space (so
 * `<span>2021-12-15</span><span>10:05</span>` reads "2021-12-15 10:05", not
 * "2021-12-1510:05"), whitespace collapsed, scripts and styles skipped. Stops
 * once `limit` characters are collected.
 */
export function visibleText(nodes: readonly AnyNode[], limit = Infinity): string {
  const parts: string[] = [];
  let length = 0;
  const stack: AnyNode[] = [...nodes].reverse();
  while (stack.length > 0 && length < limit) {
    const node = stack.pop()!;
    if (node.type === 'text') {
      const t = collapseWhitespace(node.data);
      if (t !== '') {
        parts.push(t);
        length += t.length + 1;
      }
    } else if ('children' in node) {
      if ((node.type === 'tag' || node.type === 'script' || node.type === 'style') && SKIPPED_TAGS.has(node.name.toLowerCase())) continue;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
  }
  return parts.join(' ');
}

/** Leading list bullets and markers: · • ● ■ □ ◆ ◇ ▪ ► > 》 and the like. */
const LEADING_BULLETS = /^[\s·•●○■□◆◇▪▫►▶>》・\-*]+/u;
/** A trailing ellipsis of a truncated title. */
const TRAILING_ELLIPSIS = /(?:\.{2,}|…+|。。。)\s*$/u;

/** A column tag in brackets before the headline: 【乡村振兴】, [视频], 【一线】. */
const LEADING_TAG = /^(?:【[^】]{1,12}】|\[[^\]]{1,12}\])\s*/u;
/** A media or attachment tag after the headline: （图）, (组图), 【图文】, [视频], （附名单）. */
const TRAILING_TAG = /\s*[（(【[](?:图|组图|多图|图文|视频|音频|直播|附[^）)】\]]{1,12})[）)】\]]$/u;

/**
 * A title as an outlet shows it in a list, a feed, an e-paper or a page's
 * <title>, reduced to the headline: whitespace collapsed, leading bullets
 * dropped, a column tag before it (【乡村振兴】, [视频]) and a media tag after
 * it (（图）, 【图文】) dropped, and of the parts split on the title separators
 * (`_ | ｜ 丨 - —`, see stripSiteName) the longest kept, which drops site names
 * and columns ("大祥区开展消防演练_邵阳新闻网", "视频｜…", "… - 市州 - 红网").
 * A trailing ellipsis (a list's cut) is kept: it says the title is incomplete.
 */
export function cleanItemTitle(text: string): string {
  // Tags sit outside the site name ("【一线】标题_红网") or inside it ("标题（组图）_邵阳新闻网").
  return stripTitleTags(stripSiteName(stripTitleTags(collapseWhitespace(text).replace(LEADING_BULLETS, '').trim())));
}

/** A title without a column tag before it (【乡村振兴】) and a media tag after it (（图）); unchanged when nothing else is left. */
export function stripTitleTags(title: string): string {
  let out = title;
  for (const tag of [LEADING_TAG, TRAILING_TAG]) {
    const without = out.replace(tag, '').trim();
    if (without !== '') out = without;
  }
  return out;
}

/** A date (and time) at the end of a link's text, as when an unclosed <a> swallows the list's date cell. */
const TRAILING_DATE = /\s*[[(（【]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[\])）】]?$/u;

/** The text without a date (and time) at its end. */
export function stripTrailingDate(text: string): string {
  const stripped = text.replace(TRAILING_DATE, '').trim();
  return stripped === '' ? text : stripped;
}

export function isTruncated(text: string): boolean {
  return TRAILING_ELLIPSIS.test(text);
}

/**
 * The better of a visible text and a `title` attribute: lists often cut long
 * titles ("大祥区召开…") and keep the whole one in the attribute. The
 * attribute wins when the text is empty or ends in an ellipsis, or when the
 * attribute starts with the text and is longer; otherwise the text.
 */
export function preferTitleAttribute(text: string, attribute: string | undefined): string {
  const attr = attribute === undefined ? '' : cleanItemTitle(attribute);
  if (attr === '') return text;
  if (text === '' || isTruncated(text)) return attr;
  const nt = normaliseTitle(text);
  const na = normaliseTitle(attr);
  return na.length > nt.length && na.startsWith(nt) ? attr : text;
}

/**
 * Separators between an article's title and the site's name in <title>:
 * `_`, `|`, `｜`, `丨` (a Han character outlets use as a bar), a single `—` or `–`, and `-` unless it joins two ASCII
 * letters or digits (COVID-19, 2021-2022 stay whole). A doubled `——` is
 * Chinese punctuation inside titles (主题——副题) and does not separate.
 */
const TITLE_SEPARATORS = /\s*(?:[_|｜丨]|(?<!—)—(?!—)|–|(?<![A-Za-z0-9])-|-(?![A-Za-z0-9]))\s*/u;

/**
 * An article title from a <title>-like text with the site's name taken off.
 * The text is split on the {@link TITLE_SEPARATORS}. When a part, or a run of
 * leading parts, reads the same (normaliseTitle) as one of the `preferred`
 * texts (the page's headline <h1>), that is the title, separators inside it
 * kept. Otherwise parts that read as one of `siteNames` (og:site_name, the
 * channel's name…) are dropped and the longest remaining part (the first of
 * equals) is the title. "大祥区开展消防演练_红网" → 大祥区开展消防演练;
 * "大祥区：…跑出加速度 - 邵阳新闻网" → the first part; "人民网|标题" → 标题.
 */
export function stripSiteName(raw: string, siteNames: readonly string[] = [], preferred: readonly string[] = []): string {
  const title = collapseWhitespace(raw);
  // Parts at even indexes, separators at odd ones.
  const pieces = title.split(new RegExp(`(${TITLE_SEPARATORS.source})`, 'u'));
  const parts = pieces.filter((_, i) => i % 2 === 0).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length <= 1) return title;
  const preferredKeys = new Set(preferred.map(normaliseTitle).filter((k) => k !== ''));
  if (preferredKeys.size > 0) {
    for (let i = 0; i < pieces.length; i += 2) {
      if (preferredKeys.has(normaliseTitle(pieces[i]))) return pieces[i].trim();
    }
    for (let end = 3; end <= pieces.length; end += 2) {
      const run = pieces.slice(0, end).join('');
      if (preferredKeys.has(normaliseTitle(run))) return run.trim();
    }
  }
  const siteKeys = new Set(siteNames.map(normaliseTitle).filter((k) => k !== ''));
  const kept = parts.filter((p) => !siteKeys.has(normaliseTitle(p)));
  const pool = kept.length > 0 ? kept : parts;
  return pool.reduce((best, p) => (p.length > best.length ? p : best), pool[0]);
}
