import { isIsoDate } from '@pl/domain';
import type { ListSelectors } from '../types';

/**
 * E-paper (电子报) editions are addressed by date and page: a source stores a
 * URL template such as
 *
 *   https://epaper.example.cn/html/{yyyy}-{MM}/{dd}/node_{page}.htm
 *   https://epaper.example.cn/{yyyy}{MM}{dd}/page_{page:2}.html
 *
 * Placeholders: {yyyy} year, {yy} two-digit year, {MM} / {dd} zero-padded
 * month / day, {M} / {d} unpadded, {page} page number, {page:N} page number
 * zero-padded to N digits ({page:2} → 01). Anything else in braces is an error.
 *
 * Each page URL is then read with extractList (list.ts). Founder-style (方正)
 * editions, the most common system, list a page's articles like
 *
 *   <div id="titleList"><ul><li><a href="content_1121.htm">标题</a></li>…</ul></div>
 *   <map name="PagePicMap"><area coords="…" href="content_1121.htm" title="标题"></map>
 *
 * so typical selectors are EPAPER_TITLE_LIST_SELECTORS (the title list) or
 * EPAPER_IMAGE_MAP_SELECTORS (the page picture's hot areas, titles in the
 * `title` attribute). Articles carry no date on the page: it comes from the
 * page URL (extractList reads year-less dates against it) or the link's path
 * (/2021-12/15/content_1121.htm).
 */
export const EPAPER_TITLE_LIST_SELECTORS: ListSelectors = { item: '#titleList li, .title-list li', link: 'a' };
export const EPAPER_IMAGE_MAP_SELECTORS: ListSelectors = { item: 'map area[href]' };

export type EpaperPages = readonly number[] | { from: number; to: number };

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN = /^(?:yyyy|yy|MM|M|dd|d|page|page:[1-9])$/;

/** Null when the template's placeholders are all known, else a message naming the bad one (English, for the API). */
export function validateEpaperTemplate(template: string): string | null {
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN.test(m[1])) return `unknown placeholder {${m[1]}} in e-paper URL template`;
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) return 'unbalanced braces in e-paper URL template';
  return null;
}

function pageList(pages: EpaperPages): number[] {
  if (Array.isArray(pages)) return [...(pages as readonly number[])];
  const { from, to } = pages as { from: number; to: number };
  const out: number[] = [];
  for (let p = from; p <= to; p++) out.push(p);
  return out;
}

/**
 * The URLs of an edition's pages: the template with the date's and each
 * page's placeholders filled in, in page order, repeats dropped (a template
 * without {page} gives one URL). Throws a RangeError for a date that is not a
 * real YYYY-MM-DD date, a page that is not a positive integer, or a template
 * validateEpaperTemplate rejects.
 */
export function epaperPageUrls(template: string, date: string, pages: EpaperPages): string[] {
  const problem = validateEpaperTemplate(template);
  if (problem !== null) throw new RangeError(problem);
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
  const [yyyy, MM, dd] = date.split('-');
  const out: string[] = [];
  for (const page of pageList(pages)) {
    if (!Number.isInteger(page) || page < 1) throw new RangeError(`not a page number: ${page}`);
    const url = template.replace(PLACEHOLDER, (_, name: string) => {
      switch (name) {
        case 'yyyy':
          return yyyy;
        case 'yy':
          return yyyy.slice(2);
        case 'MM':
          return MM;
        case 'M':
          return String(Number(MM));
        case 'dd':
          return dd;
        case 'd':
          return String(Number(dd));
        case 'page':
          return String(page);
        default:
          return String(page).padStart(Number(name.slice('page:'.length)), '0');
      }
    });
    if (!out.includes(url)) out.push(url);
  }
  return out;
}
