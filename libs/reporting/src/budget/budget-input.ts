import Decimal from 'decimal.js';
import { z } from 'zod';
import { aliasOf, type FieldError } from '@pl/domain';
import { inputErrorMap, isFiscalYear, optionalText, requiredText, safeParseInput, YEAR_MESSAGE } from '../input-errors';
import { Fen, MoneyFormatError, MoneyUnit, toFen } from '../money';
import { BudgetDocument, BudgetFigure, OTHER_FUNDS, OtherFund, ProjectFigure } from './budget';

/**
 * The budget as people write it (API body, YAML/JSON file, a sheet turned
 * into this shape):
 *
 *     {"unit":"万元","total":"150.36",
 *      "basic":{"total":"91.58","personnel":"37.38","public":"26.69","capital":"27.51"},
 *      "projects":[{"name":"融媒体能力建设","amount":"58.78"}],
 *      "otherFunds":{"districtOther":"0","governmentFund":"0","stateCapital":"0","socialInsurance":"0"}}
 *
 * - `unit`: 元 (default) or 万元; `yuan` and `wan` are accepted too.
 * - Every amount is a decimal string or a number in that unit, or an object
 *   `{amount, yearStart?, adjusted?, description?}` (actual spending, the
 *   year-start and adjusted budget, what the line covers).
 * - `projects`: `[{name, amount, yearStart?, adjusted?, description?}]`, may be empty or missing.
 * - `otherFunds`: optional; a missing fund type is 0.
 * - `threePublic` (三公经费: spent, with its budget as `adjusted` or
 *   `yearStart`) and `carryover` (结转结余): optional amounts, used by the
 *   self-evaluation table. The adjusted budget of the whole (调整后预算) is
 *   `total.adjusted`.
 * - `fiscalYear`: optional; when present it must be the year being written.
 * - Unknown fields are refused. Amounts are stored as integer fen; an amount
 *   finer than one fen is refused.
 * - The parts must add up: basic.total = personnel + public + capital and
 *   total = basic.total + Σ projects, for `amount` and, where the total and
 *   all its parts state them, for `yearStart` and `adjusted`.
 */
export interface BudgetFigureInput {
  amount: string | number;
  yearStart?: string | number;
  adjusted?: string | number;
  description?: string | null;
}
export type BudgetAmountInput = string | number | BudgetFigureInput;

export interface BudgetInput {
  unit?: MoneyUnit | 'yuan' | 'wan';
  fiscalYear?: number;
  total: BudgetAmountInput;
  basic: { total: BudgetAmountInput; personnel: BudgetAmountInput; public: BudgetAmountInput; capital: BudgetAmountInput };
  projects?: ({ name: string } & BudgetFigureInput)[];
  otherFunds?: Partial<Record<OtherFund, BudgetAmountInput>>;
  threePublic?: BudgetAmountInput;
  carryover?: BudgetAmountInput;
}

/** What {@link budgetToOutput} returns: the input shape with decimal strings in one unit. */
export type BudgetOutputAmount = string | { amount: string; yearStart?: string; adjusted?: string; description?: string };
export interface BudgetOutput {
  unit: MoneyUnit;
  fiscalYear: number;
  total: BudgetOutputAmount;
  basic: { total: BudgetOutputAmount; personnel: BudgetOutputAmount; public: BudgetOutputAmount; capital: BudgetOutputAmount };
  projects: ({ name: string; amount: string; yearStart?: string; adjusted?: string; description?: string })[];
  otherFunds: Record<OtherFund, BudgetOutputAmount>;
  threePublic?: BudgetOutputAmount;
  carryover?: BudgetOutputAmount;
}

export type ParsedBudget = { ok: true; value: BudgetDocument; unit: MoneyUnit } | { ok: false; errors: FieldError[] };

export const MONEY_UNITS: readonly MoneyUnit[] = ['元', '万元'];
const UNIT_ALIASES: Record<string, MoneyUnit> = { 元: '元', 万元: '万元', yuan: '元', wan: '万元' };
const FEN_PER: Record<MoneyUnit, number> = { 元: 100, 万元: 1_000_000 };
export const PROJECTS_MAX = 500;
const DESCRIPTION_MAX = 2000;
const PROJECT_NAME_MAX = 200;

/** A unit as written (元, 万元, yuan, wan) → the unit, or null. */
export function moneyUnitOf(value: unknown): MoneyUnit | null {
  return typeof value === 'string' ? (aliasOf(UNIT_ALIASES, value.trim()) ?? null) : null;
}

/** Fen in a unit, exactly, with at least two decimals: 150360000 → "150.36" (万元), "1503600.00" (元). */
export function formatMoneyIn(fen: Fen, unit: MoneyUnit): string {
  const d = new Decimal(fen).dividedBy(FEN_PER[unit]);
  return d.toFixed(Math.max(2, d.decimalPlaces()));
}

const unitSchema = z
  .string({ error: 'must be 元 or 万元 (or yuan, wan)' })
  .refine((u) => moneyUnitOf(u) !== null, 'must be 元 or 万元 (or yuan, wan)')
  .transform((u) => moneyUnitOf(u) as MoneyUnit)
  .optional()
  .transform((u) => u ?? '元');

type Ctx = z.RefinementCtx;

/** One amount in `unit` → fen; problems are added to ctx at `path`. */
function money(value: unknown, unit: MoneyUnit, ctx: Ctx, path: (string | number)[]): Fen | null {
  if (typeof value !== 'string' && typeof value !== 'number') {
    ctx.addIssue({
      code: 'custom',
      path,
      input: value,
      message: value === undefined || value === null ? 'is required' : `must be a decimal amount in ${unit}, e.g. "91.58"`,
    });
    return null;
  }
  try {
    return toFen(value, unit);
  } catch (err) {
    if (!(err instanceof MoneyFormatError)) throw err;
    ctx.addIssue({ code: 'custom', path, input: value, message: err.message });
    return null;
  }
}

const FIGURE_KEYS = ['amount', 'yearStart', 'adjusted', 'description'];
const descriptionSchema = optionalText(DESCRIPTION_MAX, true);

/**
 * The object form of an amount, its own keys plus `extra` (a project's
 * name) already taken out; `extraKeys` are the keys the caller handles.
 */
function figureObject(value: Record<string, unknown>, unit: MoneyUnit, ctx: Ctx, extraKeys: string[] = []): BudgetFigure | null {
  const unknown = Object.keys(value).filter((k) => !FIGURE_KEYS.includes(k) && !extraKeys.includes(k));
  if (unknown.length > 0) ctx.addIssue({ code: 'unrecognized_keys', keys: unknown, input: value });
  const amount = money(value.amount, unit, ctx, ['amount']);
  const optional = (key: 'yearStart' | 'adjusted') =>
    value[key] === undefined || value[key] === null ? null : money(value[key], unit, ctx, [key]);
  const yearStart = optional('yearStart');
  const adjusted = optional('adjusted');
  const d = descriptionSchema.safeParse(value.description, { error: inputErrorMap });
  if (!d.success) {
    for (const issue of d.error.issues) ctx.addIssue({ code: 'custom', path: ['description'], input: value.description, message: issue.message });
  }
  if (amount === null || unknown.length > 0 || !d.success) return null;
  if ((value.yearStart != null && yearStart === null) || (value.adjusted != null && adjusted === null)) return null;
  return { amount, yearStart, adjusted, description: d.success ? d.data : null };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An amount: a decimal string or number, or `{amount, yearStart?, adjusted?, description?}`. */
function figure(unit: MoneyUnit) {
  return z.unknown().transform((value, ctx): BudgetFigure => {
    if (isPlainObject(value)) return figureObject(value, unit, ctx) ?? (z.NEVER as BudgetFigure);
    if (typeof value === 'string' || typeof value === 'number') {
      const amount = money(value, unit, ctx, []);
      return amount === null ? z.NEVER : { amount, yearStart: null, adjusted: null, description: null };
    }
    ctx.addIssue({
      code: 'custom',
      input: value,
      message:
        value === undefined || value === null
          ? 'is required'
          : `must be a decimal amount in ${unit} (e.g. "91.58") or an object {amount, yearStart?, adjusted?, description?}`,
    });
    return z.NEVER;
  });
}

function project(unit: MoneyUnit) {
  return z.unknown().transform((value, ctx): ProjectFigure => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: 'custom', input: value, message: 'must be an object {name, amount, yearStart?, adjusted?, description?}' });
      return z.NEVER;
    }
    const name = requiredText(PROJECT_NAME_MAX).safeParse(value.name, { error: inputErrorMap });
    if (!name.success) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        input: value.name,
        message: value.name === undefined || value.name === null ? 'is required' : name.error.issues[0].message,
      });
    }
    const fig = figureObject(value, unit, ctx, ['name']);
    if (!name.success || !fig) return z.NEVER;
    return { name: name.data, ...fig };
  });
}

function budgetSchema(unit: MoneyUnit) {
  // Optional: a fund type left out is zero.
  const otherFunds = Object.fromEntries(OTHER_FUNDS.map((k) => [k, figure(unit).optional()])) as Record<
    OtherFund,
    z.ZodOptional<ReturnType<typeof figure>>
  >;
  return z
    .object(
      {
        unit: unitSchema,
        fiscalYear: z.number().int().optional(),
        total: figure(unit),
        basic: z
          .object(
            { total: figure(unit), personnel: figure(unit), public: figure(unit), capital: figure(unit) },
            { error: 'must be an object {total, personnel, public, capital}' },
          )
          .strict(),
        projects: z
          .array(project(unit))
          .max(PROJECTS_MAX)
          .optional()
          .transform((p) => p ?? [])
          .superRefine((projects, ctx) => {
            const seen = new Set<string>();
            projects.forEach((p, i) => {
              if (seen.has(p.name)) {
                ctx.addIssue({ code: 'custom', path: [i, 'name'], input: p.name, message: `"${p.name}" appears twice; each project is one line` });
              }
              seen.add(p.name);
            });
          }),
        otherFunds: z
          .object(otherFunds, { error: `must be an object {${OTHER_FUNDS.join(', ')}}` })
          .strict()
          .optional(),
        threePublic: figure(unit).optional(),
        carryover: figure(unit).optional(),
      },
      { error: 'must be an object {unit, total, basic, projects, otherFunds, threePublic, carryover}' },
    )
    .strict();
}

const sum = (values: Fen[]) => values.reduce((s, v) => s.plus(v), new Decimal(0));

/**
 * The invariants of a budget: each total equals the sum of its parts, for
 * `amount` and, where the total and every part state them, for yearStart and
 * adjusted. A failure names the total's line and states both numbers.
 */
export function checkBudgetTotals(doc: BudgetDocument, unit: MoneyUnit): FieldError[] {
  const errors: FieldError[] = [];
  const fmt = (v: Decimal | Fen) => `${formatMoneyIn(new Decimal(v).toNumber(), unit)} ${unit}`;
  const check = (field: string, whole: BudgetFigure, parts: BudgetFigure[], partsLabel: string) => {
    for (const key of ['amount', 'yearStart', 'adjusted'] as const) {
      const stated = whole[key];
      const values = parts.map((p) => p[key]);
      if (stated === null || values.some((v) => v === null)) continue;
      const computed = sum(values as Fen[]);
      if (!computed.equals(stated)) {
        const name = key === 'amount' ? field : `${field}.${key}`;
        errors.push({ field: name, message: `${name} ${fmt(stated)} does not equal ${partsLabel} = ${fmt(computed)}` });
      }
    }
  };
  check('basic.total', doc.basic.total, [doc.basic.personnel, doc.basic.public, doc.basic.capital], 'personnel + public + capital');
  check(
    'total',
    doc.total,
    [doc.basic.total, ...doc.projects],
    doc.projects.length === 0 ? 'basic.total (no projects)' : 'basic.total + projects',
  );
  return errors;
}

/**
 * Parses and checks a budget for `fiscalYear`: structure, amounts (to fen),
 * then the totals. Never throws for bad input.
 */
export function parseBudgetInput(raw: unknown, fiscalYear: number): ParsedBudget {
  if (!isFiscalYear(fiscalYear)) return { ok: false, errors: [{ field: 'year', message: YEAR_MESSAGE }] };
  // Amounts are checked in the stated unit; with a bad unit, in the finest one (the unit's own error is reported).
  const unit = isPlainObject(raw) ? (raw.unit === undefined ? '元' : (moneyUnitOf(raw.unit) ?? '万元')) : '元';
  const parsed = safeParseInput(budgetSchema(unit), raw);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (v.fiscalYear !== undefined && v.fiscalYear !== fiscalYear) {
    return {
      ok: false,
      errors: [{ field: 'fiscalYear', message: `fiscalYear ${v.fiscalYear} does not match the year being written, ${fiscalYear}` }],
    };
  }
  const zero = (): BudgetFigure => ({ amount: 0, yearStart: null, adjusted: null, description: null });
  const doc: BudgetDocument = {
    fiscalYear,
    total: v.total,
    basic: v.basic,
    projects: v.projects,
    otherFunds: Object.fromEntries(OTHER_FUNDS.map((k) => [k, v.otherFunds?.[k] ?? zero()])) as Record<OtherFund, BudgetFigure>,
    threePublic: v.threePublic ?? null,
    carryover: v.carryover ?? null,
  };
  const errors = checkBudgetTotals(doc, v.unit);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: doc, unit: v.unit };
}

function figureOut(f: BudgetFigure, unit: MoneyUnit): BudgetOutputAmount {
  const amount = formatMoneyIn(f.amount, unit);
  if (f.yearStart === null && f.adjusted === null && !f.description) return amount;
  return {
    amount,
    ...(f.yearStart !== null ? { yearStart: formatMoneyIn(f.yearStart, unit) } : {}),
    ...(f.adjusted !== null ? { adjusted: formatMoneyIn(f.adjusted, unit) } : {}),
    ...(f.description ? { description: f.description } : {}),
  };
}

/**
 * A stored budget back in the input shape, amounts as exact decimal strings
 * in `unit`: what GET returns, and what {@link parseBudgetInput} takes back
 * unchanged.
 */
export function budgetToOutput(doc: BudgetDocument, unit: MoneyUnit = '万元'): BudgetOutput {
  return {
    unit,
    fiscalYear: doc.fiscalYear,
    total: figureOut(doc.total, unit),
    basic: {
      total: figureOut(doc.basic.total, unit),
      personnel: figureOut(doc.basic.personnel, unit),
      public: figureOut(doc.basic.public, unit),
      capital: figureOut(doc.basic.capital, unit),
    },
    projects: doc.projects.map((p) => {
      const f = figureOut(p, unit);
      return { name: p.name, ...(typeof f === 'string' ? { amount: f } : f) };
    }),
    otherFunds: Object.fromEntries(OTHER_FUNDS.map((k) => [k, figureOut(doc.otherFunds[k], unit)])) as Record<OtherFund, BudgetOutputAmount>,
    ...(doc.threePublic ? { threePublic: figureOut(doc.threePublic, unit) } : {}),
    ...(doc.carryover ? { carryover: figureOut(doc.carryover, unit) } : {}),
  };
}

/** What PUT …/budgets/:year takes, as documented (amounts are checked in the body's own unit: see parseBudgetInput). */
export const budgetInputSchema = budgetSchema('元');
