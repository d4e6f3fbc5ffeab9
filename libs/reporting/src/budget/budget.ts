import type { Fen } from '../money';

/** One amount of a budget: what was spent (`amount`), and where known the year-start and adjusted budget. */
export interface BudgetFigure {
  amount: Fen;
  yearStart: Fen | null;
  adjusted: Fen | null;
  /** What the line covers (主要包括…), as the report states it. */
  description: string | null;
}

export interface ProjectFigure extends BudgetFigure {
  name: string;
}

export const OTHER_FUNDS = ['districtOther', 'governmentFund', 'stateCapital', 'socialInsurance'] as const;
export type OtherFund = (typeof OTHER_FUNDS)[number];

/** How the report names each other fund type (2021年没有…). */
export const OTHER_FUND_LABELS: Record<OtherFund, string> = {
  districtOther: '区本级其他财政性资金',
  governmentFund: '政府性基金预算支出',
  stateCapital: '国有资本经营预算支出',
  socialInsurance: '社会保险基金预算支出',
};

/**
 * A fiscal year's budget, normalised to fen. Invariants (checked on every
 * write): basic.total = personnel + public + capital; total = basic.total +
 * Σ projects — for `amount`, and for yearStart / adjusted where every part
 * states them.
 */
export interface BudgetDocument {
  fiscalYear: number;
  total: BudgetFigure;
  basic: {
    total: BudgetFigure;
    personnel: BudgetFigure;
    public: BudgetFigure;
    capital: BudgetFigure;
  };
  projects: ProjectFigure[];
  otherFunds: Record<OtherFund, BudgetFigure>;
  /**
   * 三公经费 (official receptions, vehicles, trips abroad): spent (`amount`)
   * and its budget (`adjusted`, else `yearStart`). Absent: not stated.
   * Budgets stored before it existed have no such key.
   */
  threePublic?: BudgetFigure | null;
  /** 结转结余 at the year's end (`amount`). Absent: not stated. */
  carryover?: BudgetFigure | null;
}
