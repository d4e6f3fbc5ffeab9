/**
 * Numbers in headlines, read as values: 第3次 and 第三次, 2021年 and 二〇二一年,
 * 2.8万人 and 28000人, 10亿元 and 十亿元 are the same token. Two titles whose
 * numbers disagree (第3次 / 第4次, 5月3日 / 5月4日, 3.2亿元 / 3.5亿元) name
 * different stories however alike the rest reads.
 *
 * Own code rather than a numerals library: the one kept on npm (nzh) reads
 * 二〇二一 as 221, 两 as 0 and 一点二亿 as 1.2, which are all common in titles.
 */

const DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const SMALL_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const BIG_UNITS: Readonly<Record<string, number>> = { 万: 1e4, 亿: 1e8 };

/**
 * The value of a Chinese numeral: positional (三十五, 三千二百, 一万二千, 十亿,
 * a lone 亿 = 1亿 as in 超亿元), digit by digit when it has no units (二〇二一,
 * 四八), with 点 for decimals (一点二亿). Null when it is neither (十四五).
 */
export function parseChineseNumeral(text: string): number | null {
  if (text === '') return null;
  const point = text.indexOf('点');
  if (point >= 0) {
    const m = /^(.+)点([零〇一二三四五六七八九]+)([万亿]*)$/u.exec(text);
    if (!m) return null;
    const whole = parseChineseNumeral(m[1]);
    if (whole === null) return null;
    let value = whole + Number(`0.${[...m[2]].map((c) => DIGITS[c]).join('')}`);
    for (const c of m[3]) value *= BIG_UNITS[c];
    return roundValue(value);
  }
  const chars = [...text];
  if (chars.every((c) => c in DIGITS)) {
    return chars.length === 1 ? DIGITS[chars[0]] : Number(chars.map((c) => DIGITS[c]).join(''));
  }
  let total = 0; // what a 亿 closed
  let wan = 0; // what a 万 closed since
  let section = 0; // below 万
  let digit: number | null = null;
  let afterZero = false;
  for (const c of chars) {
    if (c in DIGITS) {
      if (digit !== null && !afterZero) return null; // 四五: not positional
      afterZero = DIGITS[c] === 0;
      digit = afterZero ? null : DIGITS[c];
    } else if (c in SMALL_UNITS) {
      // 十 alone or first stands for 一十.
      if (digit === null && !(c === '十' && section === 0)) return null;
      section += (digit ?? 1) * SMALL_UNITS[c];
      digit = null;
      afterZero = false;
    } else if (c in BIG_UNITS) {
      const below = section + (digit ?? 0);
      if (c === '万') {
        wan = (below === 0 ? 1 : below) * 1e4;
      } else {
        total = (total + wan + below || 1) * 1e8;
        wan = 0;
      }
      section = 0;
      digit = null;
      afterZero = false;
    } else {
      return null;
    }
  }
  return total + wan + section + (digit ?? 0);
}

function roundValue(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/**
 * Measure words and units a number in a title is read with (longest first
 * where they overlap): 第3次 → 3次, 2021年度 → 2021年度, 一等奖 → 1等奖.
 */
const UNITS = [
  '中全会',
  '季度',
  '年度',
  '月份',
  '等奖',
  '公里',
  '千米',
  '平方米',
  '公顷',
  '小时',
  '人次',
  '星级',
  '个',
  '名',
  '人',
  '次',
  '届',
  '期',
  '批',
  '号',
  '年',
  '月',
  '日',
  '周',
  '天',
  '岁',
  '项',
  '家',
  '户',
  '所',
  '座',
  '台',
  '辆',
  '件',
  '起',
  '例',
  '元',
  '亩',
  '吨',
  '米',
  '站',
  '轮',
  '场',
  '篇',
  '条',
  '部',
  '类',
  '强',
  '星',
  '级',
  '倍',
  '%',
  '路',
  '中',
  '版',
  '章',
  '册',
  '季',
  '种',
  '份',
  '班',
  '组',
  '位',
  '处',
  '张',
];
const UNIT_PATTERN = UNITS.join('|');

/**
 * A number in a title: Arabic digits (decimals, thousands commas) with an
 * optional 万/亿 multiplier, or a run of Chinese numerals; then an optional
 * unit. Chinese numerals include 万 and 亿 (十亿, 超亿元).
 */
const NUMBER = new RegExp(
  `(?:(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d+))?([万亿]*)|([零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+[万亿]?)?))(${UNIT_PATTERN})?`,
  'gu',
);

export interface NumberToken {
  /** Value and unit, e.g. "3次", "28000人", "100000000元"; a Chinese run that is no number stays as written ("十四五"). */
  token: string;
  /** Where the number's text ends in the scanned text (unit included). */
  end: number;
}

/** How a value is written in the canonical text: 28000 → 2.8万, 1000000000 → 10亿, 3200 → 3200. */
export function renderValue(value: number): string {
  for (const [unit, size] of [
    ['亿', 1e8],
    ['万', 1e4],
  ] as const) {
    if (value >= size) {
      const scaled = value / size;
      if (Number.isInteger(scaled * 100)) return `${roundValue(scaled)}${unit}`;
    }
  }
  return String(roundValue(value));
}

/**
 * The numbers of a text (already NFKC-folded and lower-cased) and the text
 * with each number written in one canonical form (renderValue), so that the
 * same value reads the same whichever way a title wrote it.
 */
export function readNumbers(text: string): { text: string; numbers: NumberToken[] } {
  const numbers: NumberToken[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(NUMBER)) {
    const start = m.index!;
    const unit = m[5] ?? '';
    let value: number | null;
    let written: string;
    if (m[4] === undefined) {
      value = Number(`${m[1].replace(/,/g, '')}${m[2] !== undefined ? `.${m[2]}` : ''}`);
      for (const c of m[3]) value *= BIG_UNITS[c];
      value = roundValue(value);
      written = renderValue(value);
    } else {
      value = parseChineseNumeral(m[4]);
      written = value === null ? m[4] : renderValue(value);
    }
    numbers.push({ token: `${value === null ? m[4] : String(value)}${unit}`, end: start + m[0].length });
    out += text.slice(last, start) + written + unit;
    last = start + m[0].length;
  }
  out += text.slice(last);
  return { text: out, numbers };
}
