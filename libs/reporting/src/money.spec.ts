import fc from 'fast-check';
import { formatWan, formatYuan, MoneyFormatError, percentOf, percentShares, toFen } from './money';

/**
 * Money is integer fen; the reports print 万元 with two decimals and shares of
 * a whole as percentages with two decimals that add up to exactly 100.00.
 * The expected values here are computed with BigInt, independently of
 * decimal.js.
 */

const SEED = { numRuns: 500, seed: 20211222 };
const big = (n: number) => BigInt(n);

/** Hundredths of a percent as "12.34". */
const hundredths = (h: bigint) => `${h / 100n}.${String(h % 100n).padStart(2, '0')}`;

/** Fen as a plain decimal string in 元: 12345 → "123.45". */
const yuanText = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Fen in 万元 rounded half up to two decimals, by integer arithmetic. */
const wanText = (fen: number) => hundredths((big(fen) + 5000n) / 10000n);

/** Exact 万元 (no rounding): 1234567 fen → "1.234567". */
const exactWanText = (fen: number) => {
  const whole = big(fen) / 1_000_000n;
  const frac = String(big(fen) % 1_000_000n).padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
};

const fen = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

describe('toFen', () => {
  it('reads the seed figures', () => {
    expect(toFen('150.36', '万元')).toBe(150_360_000);
    expect(toFen('37.38', '万元')).toBe(37_380_000);
    expect(toFen('1,503,600.00', '元')).toBe(150_360_000);
    expect(toFen(0, '元')).toBe(0);
    expect(toFen(' 0.1 ', '元')).toBe(10);
  });

  it('round-trips any fen through yuan and exact 万元 text', () => {
    fc.assert(
      fc.property(fen, (f) => {
        expect(toFen(yuanText(f), '元')).toBe(f);
        expect(toFen(formatYuan(f), '元')).toBe(f);
        expect(formatYuan(f)).toBe(yuanText(f));
        expect(toFen(exactWanText(f), '万元')).toBe(f);
      }),
      SEED,
    );
  });

  it('formatWan rounds half up to 0.01 万元, and round-trips exactly when the fen are whole hundreds of yuan', () => {
    fc.assert(
      fc.property(fen, (f) => {
        const text = formatWan(f);
        expect(text).toBe(wanText(f));
        const back = toFen(text, '万元');
        expect(Math.abs(back - f)).toBeLessThanOrEqual(5000);
        if (f % 10_000 === 0) expect(back).toBe(f);
      }),
      SEED,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Math.floor(Number.MAX_SAFE_INTEGER / 10_000) }), (hundredYuan) => {
        const f = hundredYuan * 10_000;
        expect(toFen(formatWan(f), '万元')).toBe(f);
      }),
      SEED,
    );
    expect(formatWan(150_360_000)).toBe('150.36');
    expect(formatWan(4_999)).toBe('0.00');
    expect(formatWan(5_000)).toBe('0.01');
    expect(formatWan(14_999)).toBe('0.01');
    expect(formatWan(15_000)).toBe('0.02');
  });

  it('refuses amounts finer than one fen', () => {
    fc.assert(
      fc.property(fen, fc.integer({ min: 1, max: 9 }), fc.nat({ max: 3 }), (f, digit, zeros) => {
        const yuan = `${yuanText(f)}${'0'.repeat(zeros)}${digit}`;
        expect(() => toFen(yuan, '元')).toThrow(MoneyFormatError);
        const wan = `${Math.floor(f / 1_000_000)}.${String(f % 1_000_000).padStart(6, '0')}${'0'.repeat(zeros)}${digit}`;
        expect(() => toFen(wan, '万元')).toThrow(MoneyFormatError);
      }),
      SEED,
    );
    expect(() => toFen('0.001', '元')).toThrow(/finer than one fen/);
    expect(() => toFen('0.0000001', '万元')).toThrow(/finer than one fen/);
    expect(() => toFen(0.125, '元')).toThrow(MoneyFormatError);
    // Trailing zeros are not extra precision.
    expect(toFen('12.3400', '元')).toBe(1234);
  });

  it('refuses negatives and anything that is not a plain decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (f) => {
        expect(() => toFen(`-${yuanText(f)}`, '元')).toThrow(MoneyFormatError);
        expect(() => toFen(-f / 100, '元')).toThrow(MoneyFormatError);
        expect(() => toFen(`-${exactWanText(f)}`, '万元')).toThrow(MoneyFormatError);
      }),
      SEED,
    );
    for (const bad of ['', ' ', 'abc', '1e3', '1.2.3', '.5', '5.', '+5', '１２', 'NaN', 'Infinity', '0x10']) {
      expect(() => toFen(bad, '元')).toThrow(MoneyFormatError);
    }
    expect(() => toFen(Number.NaN, '元')).toThrow(MoneyFormatError);
    expect(() => toFen('99999999999999999999', '元')).toThrow(/too large/);
  });
});

describe('percentShares', () => {
  const parts = fc.array(fc.integer({ min: 0, max: Math.floor(Number.MAX_SAFE_INTEGER / 8) }), { minLength: 1, maxLength: 8 });

  it('gives the seed shares of basic expenditure', () => {
    expect(percentShares([37_380_000, 26_690_000, 27_510_000])).toEqual(['40.82', '29.14', '30.04']);
  });

  it('always sums to exactly 100.00, each share within 0.01 of the exact value', () => {
    fc.assert(
      fc.property(parts, (ps) => {
        const shares = percentShares(ps);
        expect(shares).toHaveLength(ps.length);
        const total = ps.reduce((s, p) => s + big(p), 0n);
        const units = shares.map((s) => {
          expect(s).toMatch(/^\d{1,3}\.\d{2}$/);
          return BigInt(s.replace('.', ''));
        });
        if (total === 0n) {
          expect(shares.every((s) => s === '0.00')).toBe(true);
          return;
        }
        expect(units.reduce((s, u) => s + u, 0n)).toBe(10_000n);
        ps.forEach((p, i) => {
          // |share − exact| ≤ 0.01 percentage points ⇔ |units·total − p·10000| ≤ total.
          const diff = units[i] * total - big(p) * 10_000n;
          expect(diff <= total && -diff <= total).toBe(true);
        });
      }),
      SEED,
    );
  });

  it('gives a zero part a zero share and a part that is everything 100.00', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), fc.nat({ max: 7 }), fc.nat({ max: 7 }), (p, before, after) => {
        const ps = [...Array(before).fill(0), p, ...Array(after).fill(0)];
        const shares = percentShares(ps);
        expect(shares[before]).toBe('100.00');
        expect(shares.filter((s) => s === '0.00')).toHaveLength(before + after);
      }),
      SEED,
    );
  });

  it('breaks exact ties by order and still sums to 100.00', () => {
    expect(percentShares([1, 1, 1])).toEqual(['33.34', '33.33', '33.33']);
    expect(percentShares([1, 1, 1, 1, 1, 1, 1])).toEqual(['14.29', '14.29', '14.29', '14.29', '14.28', '14.28', '14.28']);
  });
});

describe('percentOf', () => {
  it('rounds half up to two decimals, as the reports round money', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), (part, whole) => {
        const num = big(part) * 10_000n;
        const q = num / big(whole);
        const r = num % big(whole);
        expect(percentOf(part, whole)).toBe(hundredths(2n * r >= big(whole) ? q + 1n : q));
      }),
      SEED,
    );
    // Binary floating point gets these wrong: (23 / 160 * 100).toFixed(2) is "14.37".
    expect(percentOf(23, 160)).toBe('14.38');
    expect(percentOf(41, 160)).toBe('25.63');
    expect(percentOf(5, 5)).toBe('100.00');
    expect(() => percentOf(1, 0)).toThrow(RangeError);
  });
});
