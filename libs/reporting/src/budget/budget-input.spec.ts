import Decimal from 'decimal.js';
import fc from 'fast-check';
import type { MoneyUnit } from '../money';
import { BudgetDocument } from './budget';
import { budgetToOutput, formatMoneyIn, parseBudgetInput } from './budget-input';

const SEED = {
  unit: '万元',
  total: '150.36',
  basic: { total: '91.58', personnel: '37.38', public: '26.69', capital: '27.51' },
  projects: [{ name: '融媒体能力建设', amount: '58.78' }],
  otherFunds: { districtOther: '0', governmentFund: '0', stateCapital: '0', socialInsurance: '0' },
};

const accepted = (raw: unknown, year = 2021): BudgetDocument => {
  const r = parseBudgetInput(raw, year);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r.value;
};
const refused = (raw: unknown, year = 2021) => {
  const r = parseBudgetInput(raw, year);
  if (r.ok) throw new Error('accepted');
  return r.errors;
};
const bare = (amount: number) => ({ amount, yearStart: null, adjusted: null, description: null });

describe('parseBudgetInput', () => {
  it('takes 三公经费 and 结转结余 (optional) and gives them back', () => {
    const doc = accepted({ ...SEED, total: { amount: '150.36', adjusted: '152.00' }, threePublic: { amount: '1.20', yearStart: '1.50' }, carryover: '0.35' });
    expect(doc.total).toEqual({ ...bare(150_360_000), adjusted: 152_000_000 });
    expect(doc.threePublic).toEqual({ ...bare(1_200_000), yearStart: 1_500_000 });
    expect(doc.carryover).toEqual(bare(350_000));
    expect(budgetToOutput(doc, '万元')).toMatchObject({ threePublic: { amount: '1.20', yearStart: '1.50' }, carryover: '0.35', total: { amount: '150.36', adjusted: '152.00' } });
    expect(refused({ ...SEED, carryover: '-1' })[0]?.field).toBe('carryover');
  });

  it('reads the seed budget in 万元 as fen', () => {
    const doc = accepted(SEED);
    expect(doc).toEqual({
      fiscalYear: 2021,
      total: bare(150_360_000),
      basic: { total: bare(91_580_000), personnel: bare(37_380_000), public: bare(26_690_000), capital: bare(27_510_000) },
      projects: [{ name: '融媒体能力建设', ...bare(58_780_000) }],
      otherFunds: { districtOther: bare(0), governmentFund: bare(0), stateCapital: bare(0), socialInsurance: bare(0) },
      threePublic: null,
      carryover: null,
    });
    expect(budgetToOutput(doc, '万元')).toEqual({ ...SEED, fiscalYear: 2021, otherFunds: { districtOther: '0.00', governmentFund: '0.00', stateCapital: '0.00', socialInsurance: '0.00' } });
    expect(budgetToOutput(doc, '元')).toMatchObject({ unit: '元', total: '1503600.00', basic: { personnel: '373800.00' } });
  });

  it('takes yuan by default, the unit aliases, numbers, and leaves missing other funds at zero', () => {
    const yuan = accepted({ total: '1503600', basic: { total: 915800, personnel: '373800.00', public: '266900', capital: '275100' }, projects: [{ name: '融媒体能力建设', amount: 587800 }] });
    expect(yuan).toEqual(accepted(SEED));
    expect(accepted({ ...SEED, unit: 'wan' })).toEqual(yuan);
    expect(accepted({ unit: 'yuan', total: 0, basic: { total: 0, personnel: 0, public: 0, capital: 0 } }).otherFunds.stateCapital).toEqual(bare(0));
    // 1.234 万元 = 12340 元: fine; 0.001 元 is finer than a fen.
    expect(accepted({ unit: '万元', total: '1.234', basic: { total: '1.234', personnel: '1.234', public: '0', capital: '0' } }).total.amount).toBe(1_234_000);
  });

  it('keeps descriptions, year-start and adjusted figures', () => {
    const doc = accepted({
      ...SEED,
      basic: { ...SEED.basic, capital: { amount: '27.51', yearStart: '20', adjusted: '27.51', description: ' 办公设备购置 ' } },
    });
    expect(doc.basic.capital).toEqual({ amount: 27_510_000, yearStart: 20_000_000, adjusted: 27_510_000, description: '办公设备购置' });
    expect(budgetToOutput(doc, '万元').basic.capital).toEqual({ amount: '27.51', yearStart: '20.00', adjusted: '27.51', description: '办公设备购置' });
  });

  it('refuses parts that do not add up, naming the line and both numbers in the input unit', () => {
    expect(refused({ ...SEED, basic: { ...SEED.basic, capital: '27.50' } })).toEqual([
      { field: 'basic.total', message: 'basic.total 91.58 万元 does not equal personnel + public + capital = 91.57 万元' },
    ]);
    expect(refused({ ...SEED, total: '150.37' })).toEqual([
      { field: 'total', message: 'total 150.37 万元 does not equal basic.total + projects = 150.36 万元' },
    ]);
    expect(refused({ total: '10', basic: { total: '10.01', personnel: '10.01', public: '0', capital: '0' } })).toEqual([
      { field: 'total', message: 'total 10.00 元 does not equal basic.total (no projects) = 10.01 元' },
    ]);
  });

  it('checks year-start and adjusted totals only where the total and all its parts state them', () => {
    const withYearStart = (capital: string) => ({
      ...SEED,
      basic: {
        total: { amount: '91.58', yearStart: '90' },
        personnel: { amount: '37.38', yearStart: '37' },
        public: { amount: '26.69', yearStart: '26' },
        capital: { amount: '27.51', yearStart: capital },
      },
    });
    expect(accepted(withYearStart('27')).basic.total.yearStart).toBe(90_000_000);
    expect(refused(withYearStart('26'))).toEqual([
      { field: 'basic.total.yearStart', message: 'basic.total.yearStart 90.00 万元 does not equal personnel + public + capital = 89.00 万元' },
    ]);
    const partial = withYearStart('27');
    partial.basic.capital = { amount: '27.51' } as never;
    expect(accepted(partial).basic.total.yearStart).toBe(90_000_000);
  });

  it('refuses bad amounts, naming the field', () => {
    const errs = refused({
      ...SEED,
      unit: '元',
      total: '-1',
      basic: { total: 'abc', personnel: '0.001', public: true, capital: { amount: '1', yearStart: '1e3' } },
    });
    expect(errs).toEqual([
      { field: 'total', message: 'total "-1" is not a non-negative decimal amount' },
      { field: 'basic.total', message: 'basic.total "abc" is not a non-negative decimal amount' },
      { field: 'basic.personnel', message: 'basic.personnel "0.001" 元 is finer than one fen' },
      {
        field: 'basic.public',
        message: 'basic.public must be a decimal amount in 元 (e.g. "91.58") or an object {amount, yearStart?, adjusted?, description?}',
      },
      { field: 'basic.capital.yearStart', message: 'basic.capital.yearStart "1e3" is not a non-negative decimal amount' },
    ]);
    expect(refused({ ...SEED, unit: 'euro' })).toEqual([{ field: 'unit', message: 'unit must be 元 or 万元 (or yuan, wan)' }]);
    expect(refused({ ...SEED, total: '0.0000001' })).toEqual([{ field: 'total', message: 'total "0.0000001" 万元 is finer than one fen' }]);
  });

  it('refuses unknown fields wherever they are, and missing ones', () => {
    const errs = refused({
      ...SEED,
      currency: 'CNY',
      basic: { total: '91.58', personnel: { amount: '37.38', note: 'x' }, public: '26.69', capital: '27.51', other: '1' },
      projects: [{ name: '融媒体能力建设', amount: '58.78', owner: '张三' }],
      otherFunds: { districtOther: '0', lottery: '0' },
    });
    expect(errs.map((e) => e.field).sort()).toEqual(
      ['basic.other', 'basic.personnel.note', 'currency', 'otherFunds.lottery', 'projects.0.owner'].sort(),
    );
    expect(errs.find((e) => e.field === 'currency')!.message).toBe('unknown field currency');
    expect(refused({ unit: '万元', total: '1', basic: { total: '1', personnel: '1', public: '0' } })).toEqual([
      { field: 'basic.capital', message: 'basic.capital is required' },
    ]);
    expect(refused({ ...SEED, projects: [{ amount: '58.78' }] })).toEqual([{ field: 'projects.0.name', message: 'projects.0.name is required' }]);
    expect(refused([])).toEqual([{ field: 'body', message: 'body must be an object {unit, total, basic, projects, otherFunds, threePublic, carryover}' }]);
    expect(refused({ ...SEED, basic: '91.58' })).toEqual([
      { field: 'basic', message: 'basic must be an object {total, personnel, public, capital}' },
    ]);
  });

  it('refuses a project listed twice, a fiscalYear that is not the year written, and years out of range', () => {
    const twice = { ...SEED, total: '209.14', projects: [SEED.projects[0], SEED.projects[0]] };
    expect(refused(twice)).toEqual([{ field: 'projects.1.name', message: 'projects.1.name "融媒体能力建设" appears twice; each project is one line' }]);
    expect(refused({ ...SEED, fiscalYear: 2020 })).toEqual([
      { field: 'fiscalYear', message: 'fiscalYear 2020 does not match the year being written, 2021' },
    ]);
    expect(accepted({ ...SEED, fiscalYear: 2021 }).fiscalYear).toBe(2021);
    expect(refused(SEED, 1989)).toEqual([{ field: 'year', message: 'year must be a fiscal year between 1990 and 2999' }]);
    expect(refused(SEED, 3000)[0].field).toBe('year');
  });
});

describe('formatMoneyIn', () => {
  it('is exact, with at least two decimals', () => {
    expect(formatMoneyIn(150_360_000, '万元')).toBe('150.36');
    expect(formatMoneyIn(1, '万元')).toBe('0.000001');
    expect(formatMoneyIn(0, '万元')).toBe('0.00');
    expect(formatMoneyIn(1, '元')).toBe('0.01');
    expect(formatMoneyIn(Number.MAX_SAFE_INTEGER, '元')).toBe('90071992547409.91');
  });
});

// Random budgets whose totals are computed with decimal.js from random fen parts.
const PER: Record<MoneyUnit, number> = { 元: 100, 万元: 1_000_000 };
const inUnit = (fen: number, unit: MoneyUnit) => new Decimal(fen).dividedBy(PER[unit]).toFixed();
const fen = fc.integer({ min: 0, max: 5_000_000_000_000 });
const figureArb = fc.record({ amount: fen, yearStart: fc.option(fen), adjusted: fc.option(fen) });
const budgetArb = fc.record({
  unit: fc.constantFrom<MoneyUnit>('元', '万元'),
  personnel: figureArb,
  public: figureArb,
  capital: figureArb,
  projects: fc.array(figureArb, { maxLength: 6 }),
  otherFunds: fc.array(fen, { minLength: 4, maxLength: 4 }),
});
type Generated = typeof budgetArb extends fc.Arbitrary<infer T> ? T : never;
type FigureFen = { amount: number; yearStart: number | null; adjusted: number | null };

/** The input for generated parts, totals summed with decimal.js; `tweak` may change a computed total before writing it. */
function inputOf(g: Generated, tweak: (line: string, key: keyof FigureFen, value: number) => number = (_l, _k, v) => v) {
  const total = (line: string, parts: FigureFen[]): FigureFen => {
    const out: Record<string, number | null> = {};
    for (const key of ['amount', 'yearStart', 'adjusted'] as const) {
      const values = parts.map((p) => p[key]);
      out[key] = values.some((v) => v === null)
        ? null
        : tweak(line, key, values.reduce((s: Decimal, v) => s.plus(v as number), new Decimal(0)).toNumber());
    }
    return out as FigureFen;
  };
  const basicTotal = total('basic.total', [g.personnel, g.public, g.capital]);
  const grand = total('total', [basicTotal, ...g.projects]);
  const fig = (f: FigureFen) => ({
    amount: inUnit(f.amount, g.unit),
    ...(f.yearStart !== null ? { yearStart: inUnit(f.yearStart, g.unit) } : {}),
    ...(f.adjusted !== null ? { adjusted: inUnit(f.adjusted, g.unit) } : {}),
  });
  return {
    unit: g.unit,
    total: fig(grand),
    basic: { total: fig(basicTotal), personnel: fig(g.personnel), public: fig(g.public), capital: fig(g.capital) },
    projects: g.projects.map((p, i) => ({ name: `项目${i + 1}`, ...fig(p) })),
    otherFunds: {
      districtOther: inUnit(g.otherFunds[0], g.unit),
      governmentFund: inUnit(g.otherFunds[1], g.unit),
      stateCapital: inUnit(g.otherFunds[2], g.unit),
      socialInsurance: inUnit(g.otherFunds[3], g.unit),
    },
  };
}

describe('parseBudgetInput (properties)', () => {
  it('accepts every budget whose totals are the sums of its parts, and round-trips it exactly in both units', () => {
    fc.assert(
      fc.property(budgetArb, (g) => {
        const doc = accepted(inputOf(g), 2021);
        expect(doc.basic.personnel.amount).toBe(g.personnel.amount);
        expect(doc.projects.map((p) => p.amount)).toEqual(g.projects.map((p) => p.amount));
        for (const unit of ['元', '万元'] as const) {
          const wire = JSON.parse(JSON.stringify(budgetToOutput(doc, unit)));
          expect(accepted(wire, 2021)).toEqual(doc);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a budget with any total off by one fen, naming that line', () => {
    const lines = ['basic.total', 'total'] as const;
    const keys = ['amount', 'yearStart', 'adjusted'] as const;
    fc.assert(
      fc.property(budgetArb, fc.constantFrom(...lines), fc.constantFrom(...keys), fc.boolean(), (g, line, key, up) => {
        const stated = inputOf(g);
        const whole = line === 'total' ? stated.total : stated.basic.total;
        fc.pre(key in whole);
        const input = inputOf(g, (l, k, v) => (l === line && k === key ? (up || v === 0 ? v + 1 : v - 1) : v));
        const field = key === 'amount' ? line : `${line}.${key}`;
        const errs = refused(input, 2021);
        expect(errs.map((e) => e.field)).toEqual([field]);
        expect(errs[0].message).toMatch(new RegExp(`^${field.replace('.', '\\.')} [\\d.]+ ${g.unit} does not equal `));
      }),
      { numRuns: 300 },
    );
  });
});
