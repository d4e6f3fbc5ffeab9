/**
 * The API's own input parsers, run in the browser before a form is sent, so
 * the budget and profile forms refuse exactly what the API refuses (same
 * schema, same totals check) and say it next to the field at once. Their
 * English messages are put into Chinese by api/errors.ts like the API's.
 * The self-evaluation table's types and entry rules (which fields an
 * indicator takes) come from the same library.
 *
 * Zod runs jitless here (first import): no eval under the page's CSP.
 */
import './zod-jitless';
export { parseBudgetInput, type BudgetOutput, type BudgetOutputAmount } from '../../../../libs/reporting/src/budget/budget-input';
export { OTHER_FUNDS, OTHER_FUND_LABELS, type OtherFund } from '../../../../libs/reporting/src/budget/budget';
export { parseAnnualProfileInput, parseProfileInput } from '../../../../libs/reporting/src/profile/profile-input';
export {
  entryFields,
  RULE_KINDS,
  type EvaluationEntry,
  type IndicatorResult,
  type RuleKind,
  type SelfEvaluation,
} from '../../../../libs/reporting/src/evaluation/self-evaluation-view';
