import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { DomainError, TIERS, type FieldError } from '@pl/domain';
import { EvaluationEntryRow, Organization, writeTransaction, write } from '@pl/persistence';
import { HighlightCount, ReportFacts, TierCounts, sumTiers } from '../aggregate/report-facts';
import type { BudgetDocument } from '../budget/budget';
import type { AnnualProfileDocument } from '../profile/profile';
import { assertFiscalYear, optionalText, safeParseInput } from '../input-errors';
import type { ReportTemplate } from '../template/report-template';
import { Indicator, IndicatorTemplate } from './indicator-template';
import { EvaluationEntry, EvaluationFacts, SelfEvaluation, decimalValue, evaluate, yesNo } from './self-evaluation';
import { entryFields } from './self-evaluation-view';

/** The period a year's figures cover: from the year's start (or the founding) to the as-of date (or the year's end). */
export function yearPeriod(org: Organization, year: number, asOf: string): { from: string; to: string } {
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  return { from: start > org.foundedOn ? start : org.foundedOn, to: asOf < end ? asOf : end };
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).nullish();

/** PUT …/self-evaluation/:year/entries: the entries to create or replace, all or nothing. */
export const evaluationEntriesInputSchema = z
  .object(
    {
      entries: z
        .array(
          z
            .object(
              {
                indicator: z.string().min(1).max(64),
                value: scalar,
                score: z.union([z.number(), z.string()]).nullish(),
                reason: optionalText(2000, true),
              },
              { error: 'must be an object {indicator, value?, score?, reason?}' },
            )
            .strict(),
        )
        .min(1)
        .max(200),
    },
    { error: 'must be an object {entries: [{indicator, value?, score?, reason?}]}' },
  )
  .strict();

type EntryInput = z.output<typeof evaluationEntriesInputSchema>['entries'][number];

/** One entry checked against its indicator: the value and score as stored, or the errors. */
function checkEntry(e: EntryInput, ind: Indicator | undefined, at: string): { value: string | null; score: string | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const out = { value: null as string | null, score: null as string | null, errors };
  if (!ind) {
    errors.push({ field: `${at}.indicator`, message: `${at}.indicator "${e.indicator}" is not an indicator of the template` });
    return out;
  }
  const value = e.value === null || e.value === undefined || e.value === '' ? null : String(e.value);
  const score = e.score === null || e.score === undefined || e.score === '' ? null : String(e.score);
  if (value === null && score === null && e.reason === null) {
    errors.push({ field: at, message: `${at} gives nothing: enter value, score or reason` });
  }
  const takes = entryFields(ind);
  if (value !== null) {
    if (!takes.value) {
      errors.push({ field: `${at}.value`, message: `${at}.value: ${ind.id} (${ind.level3}) is computed from ${ind.actual}; only a reason can be entered` });
    } else if (takes.yesNo) {
      const yes = yesNo(value);
      if (yes === null) errors.push({ field: `${at}.value`, message: `${at}.value must be 是 or 否 (yes/no) for ${ind.id}` });
      else out.value = yes ? '是' : '否';
    } else if (ind.rule.kind === 'manual') {
      if (value.length > 200) errors.push({ field: `${at}.value`, message: `${at}.value must be at most 200 characters` });
      else out.value = value.trim();
    } else {
      const d = decimalValue(value);
      if (d === null) errors.push({ field: `${at}.value`, message: `${at}.value must be a number for ${ind.id} (e.g. 92.5)` });
      else out.value = d.toString();
    }
  }
  if (score !== null) {
    const d = decimalValue(score);
    if (!takes.score) {
      errors.push({ field: `${at}.score`, message: `${at}.score: ${ind.id} is scored by its ${ind.rule.kind} rule; enter its value instead` });
    } else if (d === null || d.isNegative() || d.greaterThan(ind.weight) || d.decimalPlaces() > 2) {
      errors.push({ field: `${at}.score`, message: `${at}.score must be a number from 0 to ${ind.weight} (the weight) with at most two decimals` });
    } else {
      out.score = d.toFixed(2);
    }
  }
  return out;
}

/**
 * The self-evaluation table of an organization and year: editors' entries
 * (who entered what), and the table scored from them and the data.
 */
@Injectable()
export class SelfEvaluationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly facts: ReportFacts,
  ) {}

  async entries(org: Organization, year: number): Promise<EvaluationEntry[]> {
    assertYear(year);
    const rows = await this.dataSource.getRepository(EvaluationEntryRow).find({ where: { organizationId: org.id, year }, order: { indicator: 'ASC' } });
    return rows.map((r) => ({
      indicator: r.indicator,
      value: r.value,
      score: r.score,
      reason: r.reason,
      enteredBy: r.enteredBy,
      enteredAt: new Date(r.enteredAt).toISOString(),
    }));
  }

  /** Creates or replaces the given entries (all or nothing), recording `actor` as who entered them. */
  async putEntries(org: Organization, year: number, template: IndicatorTemplate, raw: unknown, actor: string): Promise<EvaluationEntry[]> {
    assertYear(year);
    const parsed = safeParseInput(evaluationEntriesInputSchema, raw);
    if (!parsed.ok) throw DomainError.invalid('EVALUATION_INVALID', parsed.errors);
    const byId = new Map(template.indicators.map((i) => [i.id, i]));
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    const checked = parsed.value.entries.map((e, i) => {
      const at = `entries.${i}`;
      if (seen.has(e.indicator)) errors.push({ field: `${at}.indicator`, message: `${at}.indicator "${e.indicator}" appears twice` });
      seen.add(e.indicator);
      const c = checkEntry(e, byId.get(e.indicator), at);
      errors.push(...c.errors);
      return { indicator: e.indicator, value: c.value, score: c.score, reason: e.reason };
    });
    if (errors.length > 0) throw DomainError.invalid('EVALUATION_INVALID', errors);
    await writeTransaction(this.dataSource, async (m) => {
      const repo = m.getRepository(EvaluationEntryRow);
      for (const e of checked) {
        const existing = await repo.findOneBy({ organizationId: org.id, year, indicator: e.indicator });
        await repo.save(Object.assign(existing ?? repo.create({ organizationId: org.id, year, indicator: e.indicator }), { ...e, enteredBy: actor }));
      }
    });
    return this.entries(org, year);
  }

  /** Removes one indicator's entry; false when there was none. */
  async deleteEntry(org: Organization, year: number, indicator: string): Promise<boolean> {
    assertYear(year);
    const r = await write(this.dataSource, (em) => em.getRepository(EvaluationEntryRow).delete({ organizationId: org.id, year, indicator }));
    return (r.affected ?? 0) > 0;
  }

  /** What the data says for the year, up to `asOf`. */
  async yearFacts(org: Organization, year: number, asOf: string, reportTemplate: ReportTemplate): Promise<EvaluationFacts> {
    const { from, to } = yearPeriod(org, year, asOf);
    const [tiers, highlights, annual, budget] = await Promise.all([
      this.facts.tierCounts([org.id], from, to),
      this.facts.highlights(org.id, reportTemplate, from, to),
      this.facts.annualProfile(org.id, year),
      this.facts.budget(org.id, year),
    ]);
    return evaluationFacts(tiers, highlights, annual, budget);
  }

  /** The scored table of a year as of a date. */
  async evaluate(org: Organization, year: number, asOf: string, template: IndicatorTemplate, reportTemplate: ReportTemplate): Promise<SelfEvaluation> {
    const [facts, entries] = await Promise.all([this.yearFacts(org, year, asOf, reportTemplate), this.entries(org, year)]);
    return evaluate(template, facts, entries);
  }

  /**
   * The scored table from figures the caller has already read for the same
   * period (see {@link evaluationFacts}): the annual report counts them for its
   * own text, and reading them twice doubled its queries.
   */
  async evaluateWith(org: Organization, year: number, template: IndicatorTemplate, facts: EvaluationFacts): Promise<SelfEvaluation> {
    return evaluate(template, facts, await this.entries(org, year));
  }
}

/**
 * What the data says for a year, from the year's counts by tier and the
 * report template's highlight lines over {@link yearPeriod}, and the year's
 * profile and budget.
 */
export function evaluationFacts(
  tiers: TierCounts,
  highlights: HighlightCount[],
  annual: AnnualProfileDocument | null,
  budget: BudgetDocument | null,
): EvaluationFacts {
  const targets: EvaluationFacts['targets'] = {};
  for (const k of [...TIERS, 'highlights'] as const) if (annual?.targets?.[k] !== undefined) targets[k] = annual.targets[k];
  return {
    placements: { ...tiers, total: sumTiers(tiers) },
    highlights: highlights.reduce((s, h) => s + h.count, 0),
    targets,
    budget,
  };
}

const assertYear = (year: number) => assertFiscalYear(year, 'EVALUATION_BAD_YEAR');

/** The weight as printed: 5, 2.5. */
export const weightText = (w: number): string => new Decimal(w).toString();
