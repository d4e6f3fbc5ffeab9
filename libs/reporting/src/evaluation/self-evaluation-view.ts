/**
 * The self-evaluation table as the API answers it, and what an editor may
 * enter for an indicator. No imports: the web UI shares this file (through
 * apps/web/src/lib/shared-input.ts), so the browser and the API read the
 * rule kinds and the entry rules from one place.
 */

/** How an indicator is scored (its rule's kind). */
export const RULE_KINDS = ['ratio', 'bands', 'yesno', 'manual'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * What an editor may enter for an indicator: an actual value only where the
 * data has none (actual: manual), as 是/否 under a yesno rule; a score only
 * under a manual rule. A reason may always be entered.
 */
export function entryFields(ind: { actual: string; rule: { kind: RuleKind } }): { value: boolean; yesNo: boolean; score: boolean } {
  return { value: ind.actual === 'manual', yesNo: ind.rule.kind === 'yesno', score: ind.rule.kind === 'manual' };
}

/** What an editor entered for one indicator of one year. */
export interface EvaluationEntry {
  indicator: string;
  /** The actual value for indicators whose value is entered (a number, or 是/否). */
  value: string | null;
  /** The score, for manual rules. */
  score: string | null;
  /** 偏差原因, or any remark on the indicator. */
  reason: string | null;
  enteredBy: string;
  enteredAt: string;
}

export interface IndicatorResult {
  id: string;
  level1: string;
  level2: string;
  level3: string;
  weight: number;
  /** 指标值 as printed. */
  target: string;
  /** 实际完成值 as printed, or null (未评). */
  actual: string | null;
  /** 得分 with two decimals, or null (未评). */
  score: string | null;
  /** 偏差原因: the entered reason, else why it falls short or why it is not scored. */
  deviation: string | null;
  /** Where the actual value comes from: the data (even when it lacks the figure), an entry, or nowhere yet. */
  source: 'data' | 'entry' | 'none';
  enteredBy: string | null;
}

export interface SelfEvaluation {
  indicators: IndicatorResult[];
  /** The sum of the scores given, two decimals. */
  total: string;
  /** The grade of the total; null while the table is incomplete. */
  grade: string | null;
  complete: boolean;
  /** How many indicators are 未评. */
  unscored: number;
  /** The template's name. */
  template: string;
}
