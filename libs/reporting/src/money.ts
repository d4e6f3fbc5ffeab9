import Decimal from 'decimal.js';

/** Money is integer fen everywhere; decimal.js does the arithmetic of conversions and shares. */
export type Fen = number;
export type MoneyUnit = '元' | '万元';

const FEN_PER: Record<MoneyUnit, number> = { 元: 100, 万元: 1_000_000 };

export class MoneyFormatError extends Error {}

/**
 * Parses a decimal string in yuan or 万元 into fen. Refuses anything that is
 * not a plain non-negative decimal or that has finer precision than a fen.
 */
export function toFen(value: string | number, unit: MoneyUnit): Fen {
  const text = typeof value === 'number' ? String(value) : value.trim().replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(text)) throw new MoneyFormatError(`"${value}" is not a non-negative decimal amount`);
  const fen = new Decimal(text).times(FEN_PER[unit]);
  if (!fen.isInteger()) {
    throw new MoneyFormatError(`"${value}" ${unit} is finer than one fen`);
  }
  if (fen.greaterThan(Number.MAX_SAFE_INTEGER)) throw new MoneyFormatError(`"${value}" ${unit} is too large`);
  return fen.toNumber();
}

/** Fen as 万元 with two decimals (the reports' unit), e.g. 150360000 → "150.36". */
export function formatWan(fen: Fen): string {
  return new Decimal(fen).dividedBy(FEN_PER['万元']).toFixed(2, Decimal.ROUND_HALF_UP);
}

/** Fen as yuan with two decimals. */
export function formatYuan(fen: Fen): string {
  return new Decimal(fen).dividedBy(100).toFixed(2);
}

/**
 * Percentage shares with two decimals that add up to exactly 100.00
 * (largest remainder), each within 0.01 of its true value. All zero → zeros.
 */
export function percentShares(parts: Fen[]): string[] {
  const total = parts.reduce((s, p) => s + p, 0);
  if (total === 0) return parts.map(() => '0.00');
  // Work in hundredths of a percent: 10000 units in all.
  const exact = parts.map((p) => new Decimal(p).times(10000).dividedBy(total));
  const floors = exact.map((e) => e.floor());
  let left = 10000 - floors.reduce((s, f) => s + f.toNumber(), 0);
  const order = exact
    .map((e, i) => ({ i, rem: e.minus(floors[i]) }))
    .sort((a, b) => b.rem.comparedTo(a.rem) || a.i - b.i);
  const units = floors.map((f) => f.toNumber());
  for (const { i } of order) {
    if (left <= 0) break;
    units[i] += 1;
    left -= 1;
  }
  return units.map((u) => new Decimal(u).dividedBy(100).toFixed(2));
}

/**
 * part / whole as a percentage with two decimals, rounded half up like every
 * other figure of the reports (23 of 160 → "14.38"; binary floating point
 * would print 14.37). `whole` must be positive.
 */
export function percentOf(part: number, whole: number): string {
  if (!(whole > 0)) throw new RangeError(`percentOf: whole must be positive, got ${whole}`);
  return new Decimal(part).times(100).dividedBy(whole).toFixed(2, Decimal.ROUND_HALF_UP);
}
