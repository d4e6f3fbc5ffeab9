/** Small helpers for Chinese report text. */
import { percentOf } from '../money';

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const SECTION_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

/** 0–99 in Chinese numerals (四, 十二, 二十三). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

/** 一、二、… for level-1 headings. */
export function sectionNumeral(i: number): string {
  return SECTION_NUMERALS[i] ?? chineseNumber(i + 1);
}

/** 2021-12-22 → 2021年12月22日. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** A、B和C (two: A和B; one: A). */
export function joinWithHe(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('、')}和${items[items.length - 1]}`;
}

/** A、B、C */
export const joinDun = (items: string[]): string => items.join('、');

/** Change against a previous figure: 增加5篇（增长25.00%）, 减少…, 持平, 上期为0. */
export function changeText(now: number, before: number): string {
  if (now === before) return '持平';
  const diff = now - before;
  const word = diff > 0 ? '增加' : '减少';
  if (before === 0) return `${word}${Math.abs(diff)}篇`;
  const pct = percentOf(Math.abs(diff), before);
  return `${word}${Math.abs(diff)}篇（${diff > 0 ? '增长' : '下降'}${pct}%）`;
}

/** A signed change for tables: +5 / -3 / 0. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
