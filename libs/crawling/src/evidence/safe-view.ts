import sanitizeHtml from 'sanitize-html';
import { decodeText } from '@pl/domain';
import type { StoredPage } from './evidence-store';

/**
 * Tags a stored page keeps in its safe rendering: text and its structure.
 * No scripts, styles, forms, frames, media or images (an image would be
 * fetched from the outlet when an editor looks at the page).
 */
const ALLOWED_TAGS = [
  'a', 'abbr', 'article', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'div', 'dl', 'dt', 'em',
  'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'i', 'li', 'main', 'mark', 'nav',
  'ol', 'p', 'pre', 'q', 's', 'section', 'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'time', 'tr', 'u', 'ul',
];

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Absolute http(s) URL of a link on the page, or null (javascript:, data:… and the like are dropped). */
function absolute(href: string, base: string): string | null {
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A stored page made safe to look at: decoded from its charset, passed
 * through an allow-list sanitiser (sanitize-html: only the tags above, only
 * `href` on links and only http(s) ones, made absolute against the page's
 * URL; every script, event handler and style gone), under a header that
 * says what it is. A feed or other XML shows as its text. sanitize-html is
 * pinned to 2.17.5: from 2.17.6 it needs htmlparser2 12, which is ESM-only
 * and does not load under jest's CommonJS.
 */
export function safeEvidenceHtml(page: StoredPage): string {
  const { text } = decodeText(page.body, { contentType: page.contentType ?? undefined });
  const xml = /xml/i.test(page.contentType ?? '') || /^\s*<\?xml\b/.test(text);
  const body = xml
    ? `<pre>${escapeHtml(text)}</pre>`
    : sanitizeHtml(text, {
        allowedTags: ALLOWED_TAGS,
        allowedAttributes: { a: ['href', 'title', 'rel'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'], time: ['datetime'] },
        allowedSchemes: ['http', 'https'],
        allowProtocolRelative: false,
        disallowedTagsMode: 'discard',
        // The text of these is code or markup, not what the page says.
        nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title'],
        transformTags: {
          a: (tagName, attribs) => {
            const href = attribs.href ? absolute(attribs.href, page.url) : null;
            return { tagName, attribs: { ...(href ? { href } : {}), ...(attribs.title ? { title: attribs.title } : {}), rel: 'noopener noreferrer nofollow' } };
          },
        },
      });
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>佐证页面（已净化）</title></head>
<body>
<header><p>佐证页面（已净化，仅供查看）：原始地址 ${escapeHtml(page.url)}，抓取时间 ${escapeHtml(page.fetchedAt)}，sha256 ${escapeHtml(page.sha256)}，${page.size} 字节。原样页面请下载。</p></header>
<hr>
${body}
</body>
</html>
`;
}
