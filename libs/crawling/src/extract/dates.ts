import { addDays, daysBetween, isIsoDate } from '@pl/domain';

/**
 * Options of parseChineseDate, which reads dates as Chinese outlets write
 * them to a local (Asia/Shanghai) calendar date YYYY-MM-DD.
 *
 * Understood forms (full-width digits and punctuation are folded first):
 * - 2021年12月15日, 2021年12月15日 10:05, 2021 年 12 月 15 日 星期三
 * - 2021-12-15, 2021-12-15 10:05(:00), 2021/12/15, 2021.12.15 (one separator throughout)
 * - 二〇二一年十二月十五日 (e-paper mastheads)
 * - 12月15日, which takes its year from `reference` (see below) and is null
 *   without one; a bare 12-15 is not read in free text (too ambiguous), only
 *   as a list's whole date cell (parseListDate)
 * - ISO timestamps with a zone (2021-12-14T20:00:00Z, 2021-12-15T04:00:00+08:00):
 *   the instant's date in Asia/Shanghai; without a zone the date as written
 * - RFC 822 dates of feeds (Wed, 15 Dec 2021 02:05:00 GMT, … +0800): the
 *   instant's date in Asia/Shanghai. `CST` is read as China Standard Time
 *   (+08:00), which is what Chinese feeds mean by it, not US Central.
 * - 20211215 when it is the whole text (in free text eight digits are more
 *   often an id); in URLs see {@link dateFromUrl}
 *
 * Impossible dates (2021-02-30, 2021-13-01) are not dates. In a longer text
 * the first date that is one wins.
 */
export interface ChineseDateOptions {
  /**
   * The date a year-less date (12月15日) is read against, YYYY-MM-DD or a
   * Date (its Shanghai date): its year, or the year before when that would put
   * the date more than 31 days after the reference (a list read on 2022-01-02
   * showing 12月30日 means 2021-12-30).
   */
  reference?: string | Date;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const pad2 = (n: number) => String(n).padStart(2, '0');

function isoOf(y: number, m: number, d: number): string | null {
  const s = `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
  return isIsoDate(s) ? s : null;
}

/**
 * The Asia/Shanghai calendar date of an instant. China has kept UTC+8 without
 * daylight saving since 1991, so a fixed offset is exact for news dates.
 */
export function shanghaiDateOf(instant: Date | number): string | null {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return isoOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** An offset like Z, +08:00, +0800, -05 in minutes east of UTC; null when unknown. */
function zoneOffsetMinutes(zone: string): number | null {
  const z = zone.trim().toUpperCase();
  if (z === 'Z' || z === 'GMT' || z === 'UT' || z === 'UTC') return 0;
  const named: Record<string, number> = {
    CST: 8 * 60, // China Standard Time, as Chinese feeds use it
    HKT: 8 * 60,
    BJT: 8 * 60,
    JST: 9 * 60,
    EST: -5 * 60,
    EDT: -4 * 60,
    CDT: -5 * 60,
    MST: -7 * 60,
    MDT: -6 * 60,
    PST: -8 * 60,
    PDT: -7 * 60,
  };
  if (z in named) return named[z];
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (Number(m[2]) > 14 || Number(m[3] ?? 0) > 59) return null;
  return m[1] === '-' ? -minutes : minutes;
}

/** The Shanghai date of a wall-clock time in a zone; null when any part is out of range. */
function shanghaiDateOfZoned(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): string | null {
  if (isoOf(y, mo, d) === null || h > 23 || mi > 59 || s > 60) return null;
  const offset = zoneOffsetMinutes(zone);
  if (offset === null) return null;
  return shanghaiDateOf(Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000);
}

const TIME = String.raw`(?:\s*T?\s*(\d{1,2})[:时](\d{2})(?:[:分](\d{2})(?:\.\d+)?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?)(?![\d:]))?)?`;

/** 2021-12-15 / 2021/12/15 / 2021.12.15 / 2021年12月15日, with an optional time and zone. */
const YMD = new RegExp(
  String.raw`(?<!\d)(\d{4})\s*(?:(年)\s*(\d{1,2})\s*月\s*(\d{1,2})(?!\d)\s*[日号]?|([-/.])(\d{1,2})\5(\d{1,2})(?!\d))` + TIME,
  'gu',
);

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** 15 Dec 2021 02:05:00 GMT, as in "Wed, 15 Dec 2021 …" (the weekday is not needed; seconds and zone optional). */
const RFC822 =
  /(?<!\d)(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(gmt|ut|utc|z|[a-z]{3}|[+-]\d{4})(?![a-z]))?)?/gi;

/**
 * 二〇二一年十二月十五日: matched from 年 (a leading character class makes the
 * scan slow), the four year digits read just before it.
 */
const HAN_MD = /年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*[日号]/g;
const HAN_YEAR_BEFORE = /([〇零○一二三四五六七八九]{4})\s*$/u;

/** 12月15日 (no year before it). */
const MD = /(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/gu;

const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/** Full-width forms that matter to dates: ＋ －．／ digits ： and Latin letters. */
const FULL_WIDTH = /[\uFF0B\uFF0D-\uFF1A\uFF21-\uFF3A\uFF41-\uFF5A]/g;

/** Full-width digits, letters and date punctuation to ASCII (what NFKC does to them, for less). */
function foldWidth(text: string): string {
  FULL_WIDTH.lastIndex = 0;
  if (!FULL_WIDTH.test(text)) return text;
  return text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

const HAN_DIGITS: Record<string, number> = {
  〇: 0, 零: 0, '○': 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** 十二 → 12, 十五 → 15, 二十 → 20, 三十一 → 31, 五 → 5. */
function hanNumber(s: string): number {
  if (!s.includes('十')) return HAN_DIGITS[s] ?? NaN;
  const [tens, units] = s.split('十');
  return (tens === '' ? 1 : (HAN_DIGITS[tens] ?? NaN)) * 10 + (units === '' ? 0 : (HAN_DIGITS[units] ?? NaN));
}

function referenceDate(reference: string | Date | undefined): string | null {
  if (reference === undefined) return null;
  if (reference instanceof Date) return shanghaiDateOf(reference);
  return isIsoDate(reference) ? reference : parseChineseDate(reference);
}

/** The year-less month and day against the reference (see {@link ChineseDateOptions.reference}). */
function withReferenceYear(month: number, day: number, reference: string | Date | undefined): string | null {
  const ref = referenceDate(reference);
  if (ref === null || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const refYear = Number(ref.slice(0, 4));
  // Which year is decided on the calendar position alone (Date.UTC rolls 2-29 over); then the date must exist in it.
  const daysAfter = daysBetween(ref, `${refYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  return isoOf(daysAfter <= 31 ? refYear : refYear - 1, month, day);
}

interface Found {
  index: number;
  date: string;
}

function firstValid(re: RegExp, text: string, read: (m: RegExpExecArray) => string | null): Found | null {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const date = read(m);
    if (date !== null) return { index: m.index, date };
  }
  return null;
}

function readYmd(m: RegExpExecArray): string | null {
  const y = Number(m[1]);
  const mo = Number(m[2] ? m[3] : m[6]);
  const d = Number(m[2] ? m[4] : m[7]);
  const zone = m[11];
  if (zone !== undefined) {
    return shanghaiDateOfZoned(y, mo, d, Number(m[8]), Number(m[9]), Number(m[10] ?? 0), zone);
  }
  return isoOf(y, mo, d);
}

function readRfc822(m: RegExpExecArray): string | null {
  const y = Number(m[3]);
  const mo = MONTHS[m[2].toLowerCase()];
  const d = Number(m[1]);
  if (m[4] === undefined || m[7] === undefined || zoneOffsetMinutes(m[7]) === null) return isoOf(y, mo, d);
  return shanghaiDateOfZoned(y, mo, d, Number(m[4]), Number(m[5]), Number(m[6] ?? 0), m[7]);
}

/**
 * The first date in a text as YYYY-MM-DD (Asia/Shanghai), or null. See
 * {@link ChineseDateOptions} for the forms understood.
 */
export function parseChineseDate(text: string | null | undefined, options: ChineseDateOptions = {}): string | null {
  if (text === null || text === undefined) return null;
  const s = foldWidth(text);
  if (s.trim() === '') return null;
  const compact = COMPACT.exec(s.trim());
  if (compact) {
    const y = Number(compact[1]);
    return y >= 1990 && y <= 2099 ? isoOf(y, Number(compact[2]), Number(compact[3])) : null;
  }
  let best: Found | null = null;
  const consider = (found: Found | null) => {
    if (found !== null && (best === null || found.index < best.index)) best = found;
  };
  const hasDigit = /\d/.test(s);
  if (hasDigit) consider(firstValid(YMD, s, readYmd));
  if (hasDigit) consider(firstValid(RFC822, s, readRfc822));
  HAN_MD.lastIndex = 0;
  for (let m = HAN_MD.exec(s); m !== null; m = HAN_MD.exec(s)) {
    const year = HAN_YEAR_BEFORE.exec(s.slice(Math.max(0, m.index - 8), m.index));
    if (year === null) continue;
    const date = isoOf(Number([...year[1]].map((c) => HAN_DIGITS[c]).join('')), hanNumber(m[1]), hanNumber(m[2]));
    if (date !== null) {
      consider({ index: m.index - year[0].length, date });
      break;
    }
  }
  if (options.reference !== undefined && hasDigit) {
    consider(firstValid(MD, s, (m) => withReferenceYear(Number(m[1]), Number(m[2]), options.reference)));
  }
  return (best as Found | null)?.date ?? null;
}

/** A list's date cell that is only a month and day: 12-15, [12-15], (12/15), 12.15 10:05. */
const MONTH_DAY_CELL = /^[[(（【]?\s*(\d{1,2})[-/.](\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\])）】]?$/u;

/**
 * A date in a list's date cell: what parseChineseDate reads, and also a bare
 * month and day (12-15, [12-15], (12/15), 12-15 10:05), which lists often show
 * and which is only safe to read when it is the cell's whole text. Year-less
 * forms need `reference` (see ChineseDateOptions) and are null without one.
 */
export function parseListDate(text: string | null | undefined, options: ChineseDateOptions = {}): string | null {
  const date = parseChineseDate(text, options);
  if (date !== null || text === null || text === undefined || options.reference === undefined) return date;
  const m = MONTH_DAY_CELL.exec(foldWidth(text).trim());
  return m ? withReferenceYear(Number(m[1]), Number(m[2]), options.reference) : null;
}

/** Date-shaped path pieces, most specific first. */
const URL_DATE_PATTERNS: RegExp[] = [
  // /2021/12/15/, /2021-12/15/, /202112/15/, /2021-12-15/, /2021/12/15.html
  /(?:^|\/)(\d{4})[-/]?(\d{2})[-/](\d{2})(?=[/_.-]|$)/,
  // /2021/1215/
  /(?:^|\/)(\d{4})\/(\d{2})(\d{2})(?=\/)/,
  // /20211215/ and /20211215.html
  /(?:^|\/)(\d{4})(\d{2})(\d{2})(?=[/_.]|$)/,
  // t20211215_123.html (government sites), content_20211215_1.htm, doc-20211215…
  /(?:^|[/_-]|[a-z])(\d{4})(\d{2})(\d{2})(?=[_.-]|$)/i,
];

/**
 * The date a URL's path carries: /2021/12/15/, /2021-12/15/, /202112/15/,
 * /20211215/, /2021/1215/, t20211215_1.html. Only years 1990–2099 and real
 * dates count; the query string is not read. Null when there is none.
 */
export function dateFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let path: string;
  try {
    path = new URL(url, 'http://x.invalid/').pathname;
  } catch {
    return null;
  }
  for (const re of URL_DATE_PATTERNS) {
    const m = re.exec(path);
    if (!m) continue;
    const y = Number(m[1]);
    if (y < 1990 || y > 2099) continue;
    const date = isoOf(y, Number(m[2]), Number(m[3]));
    if (date !== null) return date;
  }
  return null;
}

/** The dates from `radius` days before to `radius` days after a YYYY-MM-DD date, in order. */
export function datesAround(date: string, radius: number): string[] {
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
  const out: string[] = [];
  for (let i = -radius; i <= radius; i++) out.push(addDays(date, i));
  return out;
}
