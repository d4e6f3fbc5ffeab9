import { isIsoDate } from '@pl/domain';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function iso(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** An optional time after the date: 2021-03-05 10:30, 2021-03-05T10:30:00.000Z, 2021/3/5 9:05:00. */
const TIME = String.raw`(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?`;

/** 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日 (the separators may be mixed), each with an optional time. */
const SEPARATED = new RegExp(
  String.raw`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*(?:日|号)?` + TIME + '$',
  'u',
);
/** 20210305 */
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Normalises a date as editors write it to YYYY-MM-DD. Full-width digits are
 * folded first. A string that does not look like a date, or names a day the
 * calendar lacks (2021-02-30), comes back as written (trimmed) so the
 * placement schema rejects it with a message about the date.
 */
export function normaliseDateText(raw: string): string {
  const written = raw.trim();
  const s = written.normalize('NFKC').trim();
  const m = SEPARATED.exec(s) ?? COMPACT.exec(s);
  if (!m) return written;
  const date = iso(Number(m[1]), Number(m[2]), Number(m[3]));
  return isIsoDate(date) ? date : written;
}

/**
 * The calendar date of a JS Date as ExcelJS produces it: ExcelJS stores the
 * sheet's wall-clock date and time as if they were UTC, so the UTC fields are
 * what the spreadsheet showed.
 */
export function dateFromExcelDate(value: Date): string | null {
  if (Number.isNaN(value.getTime())) return null;
  return iso(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
}

/** Largest serial Excel accepts: 9999-12-31. */
const MAX_SERIAL = 2958465;

/**
 * The date of an Excel serial number (days since 1899-12-30 in the 1900 date
 * system, honouring Excel's phantom 1900-02-29; days since 1904-01-01 in the
 * 1904 system). The fraction (time of day) is dropped. Null when out of range.
 */
export function dateFromExcelSerial(serial: number, date1904 = false): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > MAX_SERIAL) return null;
  const days = Math.floor(serial);
  let epoch: number;
  if (date1904) epoch = Date.UTC(1904, 0, 1);
  else if (days >= 61) epoch = Date.UTC(1899, 11, 30);
  else if (days === 60) return null; // 1900-02-29 never existed
  else epoch = Date.UTC(1899, 11, 31);
  return dateFromExcelDate(new Date(epoch + days * 86_400_000));
}

/**
 * A number in a date cell: YYYYMMDD written as a number (20210305), else an
 * Excel serial (44260) of a plausible placement date (1950–2999), so that a
 * stray 12 in the date column is reported rather than read as 1900-01-12.
 * Null when it is neither.
 */
export function dateFromNumber(value: number, date1904 = false): string | null {
  if (Number.isInteger(value) && value >= 10000101 && value <= 99991231) {
    const d = normaliseDateText(String(value));
    return isIsoDate(d) ? d : null;
  }
  const d = dateFromExcelSerial(value, date1904);
  return d !== null && d >= '1950-01-01' && d <= '2999-12-31' ? d : null;
}
