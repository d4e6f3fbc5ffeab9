const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (2021-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function todayInShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Year and month of a YYYY-MM-DD date, for the indexed report columns. */
export function yearMonthOf(isoDate: string): { year: number; month: number } {
  return { year: Number(isoDate.slice(0, 4)), month: Number(isoDate.slice(5, 7)) };
}

/*
 * Calendar arithmetic on local dates (YYYY-MM-DD) and months (YYYY-MM). The
 * dates carry no time zone: each is computed as midnight UTC, where every day
 * has 24 hours, and written back the same way.
 */
const DAY_MS = 86_400_000;
const pad2 = (n: number) => String(n).padStart(2, '0');
const utcOf = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const isoOfUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The YYYY-MM-DD date `days` days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return isoOfUtc(utcOf(date) + days * DAY_MS);
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcOf(to) - utcOf(from)) / DAY_MS);
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The YYYY-MM month `by` months after `month` (before it when negative). */
export function addMonths(month: string, by: number): string {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + by, 1));
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}`;
}

/** A YYYY-MM month's first and last days. */
export function monthBounds(month: string): { from: string; to: string } {
  return { from: `${month}-01`, to: `${month}-${pad2(daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7))))}` };
}

/** The share of the year gone by at the end of `date` (2021-07-02 → 183 / 365). */
export function elapsedShareOfYear(date: string): number {
  const y = date.slice(0, 4);
  return (daysBetween(`${y}-01-01`, date) + 1) / daysBetween(`${y}-01-01`, `${Number(y) + 1}-01-01`);
}

/** A date (YYYY-MM-DD) or month (YYYY-MM, its first day) as a Date at midnight UTC, e.g. for a spreadsheet cell; null if it is neither. */
export function utcMidnightOf(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(value);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1)) : null;
}
