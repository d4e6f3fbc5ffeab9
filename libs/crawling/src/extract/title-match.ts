import { Converter, Locale, type DictGroup } from 'opencc-js/t2cn';
import { normalisedSimilarity } from './similarity';
import { cleanItemTitle, isTruncated } from './text';
import { readNumbers } from './title-numbers';

/** The verdict on two titles: whether they name the same story, and a score in [0, 1] to rank candidates by. */
export interface TitleComparison {
  same: boolean;
  score: number;
}

/** The shorter title must share at least this many characters with the longer one (隆回春耕忙 is 5). */
export const MIN_SHARED_CHARS = 5;
/**
 * Each character inserted inside the shared text (not before or after it)
 * weighs as much as this many shared ones: 农村人居环境 for 人居环境 is fine,
 * 大祥区召开会议 inside 大祥区召开安全生产工作会议 is not.
 */
export const INSERTION_WEIGHT = 3;

/** Traditional to simplified characters and phrases: OpenCC's tables. */
const t2s = Converter({ from: 't', to: 'cn' });
let traditional: Set<string> | null = null;

/** The characters OpenCC's t2s tables change on their own (their single-character entries). */
function traditionalCharacters(): Set<string> {
  const found = new Set<string>();
  const config = Locale.configs.t2s as { conversionChain: readonly DictGroup[]; normalizationChain?: readonly DictGroup[] };
  for (const group of [...config.conversionChain, ...(config.normalizationChain ?? [])]) {
    for (const dict of group) {
      const entries: ReadonlyArray<readonly [string, string]> =
        typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ') as unknown as readonly [string, string]) : dict;
      for (const [from, to] of entries) if ([...from].length === 1 && from !== to) found.add(from);
    }
  }
  return found;
}

/**
 * The title in simplified characters. Most titles are simplified already and
 * the converter costs several µs a title, so it runs only on titles with a
 * character its tables change.
 */
function toSimplified(text: string): string {
  traditional ??= traditionalCharacters();
  for (const c of text) if (traditional.has(c)) return t2s(text);
  return text;
}

/** What a title says once outlets' noise is gone (titleKey); compared by compareTitleKeys. */
export interface TitleKey {
  /** Headline text: simplified, NFKC, lower case, numbers in one form, punctuation, spaces and format characters dropped. */
  readonly text: string;
  /** Numbers with their units ("3次", "2021年", "28000人"). */
  readonly numbers: readonly string[];
  /** Latin words ("gdp", "iv" for Ⅳ, "g" of G207). */
  readonly words: readonly string[];
  /** The title ended in an ellipsis: a list's cut. */
  readonly truncated: boolean;
}

const ELLIPSIS = /(?:\.{2,}|…+|。{3,})\s*$/u;
const DROPPED = /[\s\p{P}\p{S}]+/gu;
const TRAILING_DROPPED = /[\s\p{P}\p{S}]+$/u;

/**
 * A title read for comparison (see compareTitles). Reading is most of a
 * comparison's cost; compareTitles keeps the keys of the titles it read
 * lately, and a caller may read titles once itself and compare the keys with
 * compareTitleKeys.
 */
export function titleKey(raw: string): TitleKey {
  const cleaned = cleanItemTitle(raw);
  const truncated = isTruncated(cleaned);
  // Format characters (zero-width space, soft hyphen, bidi controls) are invisible: out before numbers are read.
  const folded = toSimplified(cleaned.replace(ELLIPSIS, '')).normalize('NFKC').toLowerCase().replace(/\p{Cf}+/gu, '');
  const read = readNumbers(folded);
  let numbers = read.numbers;
  // A list's cut may fall inside the last number (…工资12… for 120万元): then it says nothing.
  if (truncated && numbers.length > 0 && numbers[numbers.length - 1].end >= folded.replace(TRAILING_DROPPED, '').length) {
    numbers = numbers.slice(0, -1);
  }
  return {
    text: read.text.replace(DROPPED, ''),
    numbers: numbers.map((n) => n.token),
    words: folded.match(/[a-z]+/g) ?? [],
    truncated,
  };
}

/**
 * Whether both lists hold something the other lacks: 第3次 against 第4次,
 * not 第3次 against 第3次 plus a lead's 30亿元.
 */
function disagree(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  return a.some((x) => !b.includes(x)) && b.some((y) => !a.includes(y));
}

/** Where inserted characters may sit: in the outer title (引题 words, 的) or in the inner one (大祥区 for 湖南大祥). */
type InsertSide = 'inner' | 'outer';

const INF = 1 << 29;
let buffers = new Int32Array(0);

/**
 * The best fit of `inner` within `outer`: every character of `inner` is
 * shared with `outer` in order, or (side 'inner') inserted; `outer` may run on
 * before and after (a lead, a subtitle, a place prefix, the rest of a cut
 * title) and, side 'outer', have characters inserted inside. Insertions sit
 * on one side only, and each inserted run has at least two shared characters
 * on both sides of it: so no word is replaced by another (开工/竣工 would be
 * 开 inserted on one side and 竣 on the other, or 培训班[开班] fitted to
 * 培训班 with 结业 run on). With `innerTailFree` the inner title may also
 * stop where `outer` ends (outer is a list's cut). Returns the shared and
 * inserted character counts of the best fit (most shared characters less
 * INSERTION_WEIGHT per inserted one), or null when there is none.
 */
function fitWithin(inner: string, outer: string, side: InsertSide, innerTailFree = false): { shared: number; inserted: number } | null {
  const n = inner.length;
  const m = outer.length;
  if (outer.includes(inner)) return { shared: n, inserted: 0 };
  const cols = m + 1;
  const size = (n + 1) * cols;
  if (buffers.length < size * 3) buffers = new Int32Array(size * 3);
  // Fewest insertions so far, ending on a shared run of one character (R1), of two or more (R2), or inside an insertion (G).
  const R1 = buffers.subarray(0, size).fill(INF);
  const R2 = buffers.subarray(size, 2 * size).fill(INF);
  const G = buffers.subarray(2 * size, 3 * size).fill(INF);
  let best: { shared: number; inserted: number } | null = null;
  const consider = (shared: number, inserted: number) => {
    if (best === null || shared - INSERTION_WEIGHT * inserted > best.shared - INSERTION_WEIGHT * best.inserted) best = { shared, inserted };
  };
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      const k = i * cols + j;
      if (i > 0 && j > 0 && inner.charCodeAt(i - 1) === outer.charCodeAt(j - 1)) {
        const p = k - cols - 1;
        // The first shared character may sit anywhere in outer: what comes before it is a lead.
        const r1 = Math.min(i === 1 ? 0 : INF, G[p]);
        const r2 = Math.min(R1[p], R2[p]);
        if (r1 < R1[k]) R1[k] = r1;
        if (r2 < R2[k]) R2[k] = r2;
      }
      if (side === 'inner' && i > 0) {
        const p = k - cols;
        const g = Math.min(R2[p], G[p]) + 1;
        if (g < G[k]) G[k] = g;
      }
      if (side === 'outer' && j > 0) {
        const p = k - 1;
        const g = Math.min(R2[p], G[p]) + 1;
        if (g < G[k]) G[k] = g;
      }
      if (R2[k] < INF && (i === n || (innerTailFree && j === m))) {
        const inserted = R2[k];
        consider(side === 'inner' ? i - inserted : i, inserted);
      }
    }
  }
  return best;
}

/**
 * Whether two titles (a placement's and a page's or item's) name the same
 * story, and a score in [0, 1] to rank candidates by (the similarity of the
 * two headlines, 1 when they read the same). Decide on `same` only: 第3次 and
 * 第4次 score high and are different stories.
 *
 * Both titles are reduced to their headline (cleanItemTitle: site names,
 * columns, media tags), traditional characters are read as simplified,
 * width and case are folded, numbers written one way (第三次 = 第3次,
 * 2.8万人 = 28000人, 二〇二一年 = 2021年) and punctuation and spaces dropped.
 * Then they are the same story when:
 * - their numbers agree: it is not the case that each has a number (with
 *   its unit) the other lacks — so a lead's extra figure is fine, 第3次
 *   against 第4次 is not; likewise Latin words (Ⅳ级 / Ⅲ级, G207 / G320);
 * - and one headline lies within the other: the other may add text before
 *   and after it (引题, 副题, a place prefix, the rest of a title a list cut
 *   with … or ...), and either may add a few characters inside (农村, 的),
 *   but no word may be replaced by another (开工/竣工, 冬季/夏季, 送法/送医:
 *   different stories); they share at least MIN_SHARED_CHARS characters and
 *   each inserted character inside costs INSERTION_WEIGHT shared ones.
 * Titles that read the same once reduced are the same story.
 */
export function compareTitles(a: string, b: string): TitleComparison {
  return compareTitleKeys(recentKey(a), recentKey(b));
}

/** How many titles' keys compareTitles keeps: a crawl compares each title with many (~1.5 MB). */
const RECENT_KEYS = 4096;
const recentKeys = new Map<string, TitleKey>();

/** titleKey, from the keys of the titles read lately when it is one of them (the oldest is forgotten first). */
function recentKey(title: string): TitleKey {
  let key = recentKeys.get(title);
  if (key === undefined) {
    key = titleKey(title);
    if (recentKeys.size >= RECENT_KEYS) recentKeys.delete(recentKeys.keys().next().value!);
    recentKeys.set(title, key);
  }
  return key;
}

/** compareTitles of two titles already read by titleKey. */
export function compareTitleKeys(ka: TitleKey, kb: TitleKey): TitleComparison {
  const score = normalisedSimilarity(ka.text, kb.text);
  if (ka.text === '' || kb.text === '') return { same: false, score };
  if (ka.text === kb.text) return { same: true, score };
  if (disagree(ka.numbers, kb.numbers) || disagree(ka.words, kb.words)) {
    return { same: false, score };
  }
  // A cut title lies within the other, or the other's start within it (a lead before the cut); otherwise try both ways.
  const fits: Array<[TitleKey, TitleKey, boolean]> =
    ka.truncated === kb.truncated
      ? [
          [ka, kb, false],
          [kb, ka, false],
        ]
      : ka.truncated
        ? [
            [ka, kb, false],
            [kb, ka, true],
          ]
        : [
            [kb, ka, false],
            [ka, kb, true],
          ];
  for (const [inner, outer, innerTailFree] of fits) {
    for (const side of ['outer', 'inner'] as const) {
      const fit = fitWithin(inner.text, outer.text, side, innerTailFree);
      if (fit !== null && fit.shared >= MIN_SHARED_CHARS && fit.shared - INSERTION_WEIGHT * fit.inserted >= 0) return { same: true, score };
    }
  }
  return { same: false, score };
}
