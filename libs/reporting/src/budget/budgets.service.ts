import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@pl/domain';
import { Budget, Organization, isUniqueViolation, writeTransaction } from '@pl/persistence';
import { assertFiscalYear } from '../input-errors';
import type { MoneyUnit } from '../money';
import type { BudgetDocument } from './budget';
import { parseBudgetInput } from './budget-input';

export type OrgRef = Pick<Organization, 'id' | 'slug'>;

export interface SavedBudget {
  document: BudgetDocument;
  /** The unit the input was written in. */
  unit: MoneyUnit;
  /** True when the year had no budget before. */
  created: boolean;
}

const assertYear = (year: number) => assertFiscalYear(year, 'BUDGET_BAD_YEAR');

/**
 * Budgets per organization and fiscal year. A write is validated in full
 * (structure, amounts to fen, parts adding up) before anything touches the
 * database, then replaces the year's budget in one transaction.
 */
@Injectable()
export class BudgetsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates or replaces the budget of `year`; invalid input is a 400 naming the lines, and nothing is written. */
  async put(org: OrgRef, year: number, raw: unknown): Promise<SavedBudget> {
    assertYear(year);
    const parsed = parseBudgetInput(raw, year);
    if (!parsed.ok) {
      const detail = parsed.errors.map((e) => e.message);
      throw DomainError.invalid('BUDGET_INVALID', parsed.errors, `Budget ${year} not saved: ${detail.join('; ')}`, `${year} 年度预算未保存：${detail.join('；')}`);
    }
    const document = parsed.value;
    const write = () =>
      writeTransaction(this.dataSource, async (m) => {
        const repo = m.getRepository(Budget);
        const existing = await repo.findOneBy({ organizationId: org.id, fiscalYear: year });
        const stored = document as unknown as Record<string, unknown>;
        if (existing) {
          existing.totalFen = document.total.amount;
          existing.document = stored;
          await repo.save(existing);
          return false;
        }
        await repo.save(repo.create({ organizationId: org.id, fiscalYear: year, totalFen: document.total.amount, document: stored }));
        return true;
      });
    let created: boolean;
    try {
      created = await write();
    } catch (err) {
      // A concurrent PUT created the year first: replace it.
      if (!isUniqueViolation(err)) throw err;
      created = await write();
    }
    return { document, unit: parsed.unit, created };
  }

  /** The budget of `year`, or null. */
  async find(org: OrgRef, year: number): Promise<BudgetDocument | null> {
    const row = await this.dataSource.getRepository(Budget).findOneBy({ organizationId: org.id, fiscalYear: year });
    return row ? (row.document as unknown as BudgetDocument) : null;
  }

  /** The budget of `year`, or a 404 naming `year`. */
  async get(org: OrgRef, year: number): Promise<BudgetDocument> {
    assertYear(year);
    const doc = await this.find(org, year);
    if (!doc) {
      throw new DomainError(
        'BUDGET_NOT_FOUND',
        'not-found',
        `organization "${org.slug}" has no budget for ${year}`,
        [{ field: 'year', message: `no budget for fiscal year ${year}` }],
        `机构「${org.slug}」没有 ${year} 年度预算`,
      );
    }
    return doc;
  }
}
