import { Controller, Get, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { OrganizationsService } from '@pl/placements';
import { BudgetOutput, BudgetsService, budgetInputSchema, budgetToOutput, fiscalYearText, moneyUnitOf, MoneyUnit } from '@pl/reporting';
import { orgSlug } from '../http/params';
import { storedDocument } from '../http/responses';
import { ZodBody, ZodParam, ZodQuery, ZodResponse } from '../http/zod-api';

const unitQuery = z.object({
  unit: z
    .string()
    .refine((u) => moneyUnitOf(u) !== null, 'unit must be 元 or 万元 (or yuan, wan)')
    .transform((u) => moneyUnitOf(u) as MoneyUnit)
    .optional()
    .transform((u) => u ?? '万元')
    .meta({ description: 'The unit of the amounts: 元 or 万元 (default; also yuan, wan)' }),
});

const budget = storedDocument('The budget as PUT takes it, amounts in the unit asked for');

const example = {
  unit: '万元',
  total: '150.36',
  basic: {
    total: '91.58',
    personnel: { amount: '37.38', description: '基本工资、津贴补贴、奖金…' },
    public: '26.69',
    capital: { amount: '27.51', description: '办公设备购置' },
  },
  projects: [{ name: '融媒体能力建设', amount: '58.78', description: '融媒体中心融媒体能力建设' }],
  otherFunds: { districtOther: '0', governmentFund: '0', stateCapital: '0', socialInsurance: '0' },
};

/**
 * An organization's budget per fiscal year. PUT takes amounts in 元 or 万元
 * (decimal strings), stores fen, and refuses parts that do not add up to
 * their totals; GET gives the same shape back in the unit asked for.
 */
@ApiTags('budgets')
@Controller('api/orgs/:org/budgets')
export class BudgetsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly budgets: BudgetsService,
  ) {}

  /** Creates (201) or replaces (200) the budget of a fiscal year; responds with it in the unit it was written in. */
  @Put(':year')
  @ZodResponse(201, budget, 'Created')
  @ZodResponse(200, budget, 'Replaced')
  async put(
    @ZodParam('org', orgSlug) slug: string,
    @ZodParam('year', fiscalYearText) year: number,
    // The budgets service validates it with this schema (its amounts in the body's unit).
    @ZodBody(budgetInputSchema, { validate: false, examples: { budget: { value: example } } }) body: unknown,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<BudgetOutput> {
    const org = await this.orgs.bySlug(slug);
    const saved = await this.budgets.put(org, year, body);
    res.status(saved.created ? 201 : 200);
    return budgetToOutput(saved.document, saved.unit);
  }

  @Get(':year')
  @ZodResponse(200, budget)
  async get(
    @ZodParam('org', orgSlug) slug: string,
    @ZodParam('year', fiscalYearText) year: number,
    @ZodQuery(unitQuery) { unit }: z.output<typeof unitQuery>,
  ): Promise<BudgetOutput> {
    const org = await this.orgs.bySlug(slug);
    return budgetToOutput(await this.budgets.get(org, year), unit);
  }
}
