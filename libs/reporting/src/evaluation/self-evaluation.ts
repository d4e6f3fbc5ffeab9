import Decimal from 'decimal.js';
import { TIERS, Tier } from '@pl/domain';
import type { BudgetDocument } from '../budget/budget';
import { percentOf } from '../money';
import type { ActualSource, Indicator, IndicatorTemplate, TargetSource } from './indicator-template';
import type { EvaluationEntry, IndicatorResult, SelfEvaluation } from './self-evaluation-view';

/**
 * Scores the self-evaluation table (自评表): each indicator's actual value
 * from the data or from an editor's entry, scored by its rule. Nothing is
 * guessed: an indicator without its actual value, its target or (for a
 * manual rule) its score is 未评, and the total says it is incomplete.
 * Scores are exact decimals, rounded half up to two places.
 */

/** What the data says for a year. */
export interface EvaluationFacts {
  placements: Record<Tier, number> & { total: number };
  /** The report template's highlight lines, summed. */
  highlights: number;
  /** The year's targets from the profile. */
  targets: Partial<Record<Tier | 'highlights', number>>;
  budget: BudgetDocument | null;
}

export type { EvaluationEntry, IndicatorResult, SelfEvaluation } from './self-evaluation-view';
export const NOT_EVALUATED = '未评';

const YES = new Set(['是', 'yes', 'true', 'y', '1', '有', '达到']);
const NO = new Set(['否', 'no', 'false', 'n', '0', '无', '未达到']);

/** 是/否 as written (是, 否, yes, no, true, false…), or null. */
export function yesNo(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return null;
}

/** A plain decimal number as written (98.5, 98.50%, 1,200), or null. */
export function decimalValue(value: string): Decimal | null {
  const text = value.trim().replace(/[,，]/g, '').replace(/[%％]$/, '');
  return /^-?\d+(\.\d+)?$/.test(text) ? new Decimal(text) : null;
}

const round2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const fmt2 = (d: Decimal) => round2(d).toFixed(2);

type Measured = { value: Decimal; text: string } | { missing: string };

/** A percentage computed from fen, rounded half up to two decimals. */
function percent(part: number, whole: number | null | undefined, missing: string): Measured {
  if (whole === null || whole === undefined) return { missing };
  if (whole <= 0) return { missing: `${missing.replace(/^未录入/, '')}为零，无法计算` };
  const p = percentOf(part, whole);
  return { value: new Decimal(p), text: `${p}%` };
}

/** The actual value of a data source. */
function measure(source: Exclude<ActualSource, 'manual'>, facts: EvaluationFacts, unit: string): Measured {
  const b = facts.budget;
  switch (source) {
    case 'placements.central':
    case 'placements.provincial':
    case 'placements.municipal':
    case 'placements.district':
    case 'placements.total': {
      const n = facts.placements[source.slice('placements.'.length) as Tier | 'total'];
      return { value: new Decimal(n), text: `${n}${unit}` };
    }
    case 'highlights':
      return { value: new Decimal(facts.highlights), text: `${facts.highlights}${unit}` };
    case 'budget.executionRate':
      if (!b) return { missing: '未录入本年度预算' };
      return percent(b.total.amount, b.total.adjusted, '未录入调整后预算');
    case 'budget.adjustmentRate': {
      if (!b) return { missing: '未录入本年度预算' };
      if (b.total.yearStart === null) return { missing: '未录入年初预算' };
      if (b.total.adjusted === null) return { missing: '未录入调整后预算' };
      return percent(Math.abs(b.total.adjusted - b.total.yearStart), b.total.yearStart, '未录入年初预算');
    }
    case 'budget.carryoverRate':
      if (!b) return { missing: '未录入本年度预算' };
      if (!b.carryover) return { missing: '未录入结转结余' };
      return percent(b.carryover.amount, b.total.adjusted, '未录入调整后预算');
    case 'budget.threePublicRate':
      if (!b) return { missing: '未录入本年度预算' };
      if (!b.threePublic) return { missing: '未录入三公经费' };
      return percent(b.threePublic.amount, b.threePublic.adjusted ?? b.threePublic.yearStart, '未录入三公经费预算');
  }
}

function targetOf(from: TargetSource, facts: EvaluationFacts): number | null {
  const key = from.slice('targets.'.length) as Tier | 'total' | 'highlights';
  if (key === 'total') {
    const all = TIERS.map((t) => facts.targets[t]);
    return all.some((t) => t === undefined) ? null : all.reduce((s, t) => s! + t!, 0)!;
  }
  return facts.targets[key] ?? null;
}

function evaluateOne(ind: Indicator, facts: EvaluationFacts, entry: EvaluationEntry | undefined): IndicatorResult {
  const unit = ind.unit ?? '';
  const rule = ind.rule;
  const base = {
    id: ind.id,
    level1: ind.level1,
    level2: ind.level2,
    level3: ind.level3,
    weight: ind.weight,
    enteredBy: entry?.enteredBy ?? null,
  };
  const weight = new Decimal(ind.weight);
  const reason = entry?.reason ?? null;
  let target = ind.target ?? '';
  const unscored = (actual: string | null, why: string, source: IndicatorResult['source'] = 'none'): IndicatorResult => ({
    ...base,
    target: target || '未设定',
    actual,
    score: null,
    deviation: reason ?? why,
    source,
  });
  const scored = (actual: string, score: Decimal, source: IndicatorResult['source'], shortfall: string): IndicatorResult => {
    const s = round2(Decimal.min(score, weight));
    return { ...base, target, actual, score: s.toFixed(2), deviation: reason ?? (s.lessThan(weight) ? shortfall : null), source };
  };

  if (rule.kind === 'manual') {
    if (entry?.score === null || entry?.score === undefined) return unscored(entry?.value ?? null, '待评价人员评分');
    return scored(entry.value ?? '—', new Decimal(entry.score), 'entry', '未得满分');
  }

  // The actual value: from the data, or entered.
  let actual: Measured;
  let source: IndicatorResult['source'];
  if (ind.actual === 'manual') {
    source = 'entry';
    if (entry?.value === null || entry?.value === undefined) actual = { missing: '实际完成值未录入' };
    else if (rule.kind === 'yesno') {
      const yes = yesNo(entry.value);
      actual = yes === null ? { missing: `录入值“${entry.value}”不是是/否` } : { value: new Decimal(yes ? 1 : 0), text: yes ? '是' : '否' };
    } else {
      const v = decimalValue(entry.value);
      actual = v === null ? { missing: `录入值“${entry.value}”不是数值` } : { value: v, text: `${v.toString()}${unit}` };
    }
  } else {
    source = 'data';
    actual = measure(ind.actual, facts, unit);
  }

  if (rule.kind === 'ratio') {
    const t = rule.target ?? (rule.targetFrom ? targetOf(rule.targetFrom, facts) : null);
    if (t !== null) target ||= `${t}${unit}`;
    if ('missing' in actual) return unscored(null, actual.missing, source === 'data' ? 'data' : 'none');
    if (t === null || t <= 0) return unscored(actual.text, '未设定年度目标', source);
    const ratio = actual.value.dividedBy(t);
    return scored(actual.text, weight.times(ratio), source, `完成指标值的${fmt2(ratio.times(100))}%，未达指标值`);
  }
  if ('missing' in actual) return unscored(null, actual.missing, source === 'data' ? 'data' : 'none');
  if (rule.kind === 'yesno') {
    return scored(actual.text, actual.value.equals(1) ? weight : new Decimal(0), source, '未达到指标要求');
  }
  const band = rule.bands.find((b) => (b.atLeast !== undefined ? actual.value.gte(b.atLeast) : actual.value.lte(b.atMost!)));
  return scored(actual.text, new Decimal(band?.score ?? 0), source, '实际完成值未达满分档');
}

/** Scores every indicator of `template` for a year. */
export function evaluate(template: IndicatorTemplate, facts: EvaluationFacts, entries: EvaluationEntry[]): SelfEvaluation {
  const byId = new Map(entries.map((e) => [e.indicator, e]));
  const indicators = template.indicators.map((ind) => evaluateOne(ind, facts, byId.get(ind.id)));
  const total = indicators.reduce((s, r) => (r.score === null ? s : s.plus(r.score)), new Decimal(0));
  const unscored = indicators.filter((r) => r.score === null).length;
  const complete = unscored === 0;
  const grade = complete ? (template.grades.find((g) => total.gte(g.min))?.grade ?? null) : null;
  return { indicators, total: fmt2(total), grade, complete, unscored, template: template.name };
}
