import { INestApplicationContext } from '@nestjs/common';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ParseArgsConfig, parseArgs } from 'node:util';
import YAML from 'yaml';
import { OrganizationsService } from '@pl/placements';
import { Organization } from '@pl/persistence';
import {
  BudgetDocument,
  BudgetFigure,
  BudgetSheetError,
  BudgetsService,
  fiscalYearText,
  formatMoneyIn,
  formatWan,
  moneyUnitOf,
  MoneyUnit,
  OTHER_FUND_LABELS,
  OTHER_FUNDS,
  percentShares,
  readBudgetSheet,
  YEAR_MESSAGE,
} from '@pl/reporting';
import { CliError } from '../cli-error';
import { say, table } from '../output';

/** Runs `fn` with an application context (the database and services). */
export type WithApp = <T>(fn: (app: INestApplicationContext) => Promise<T>) => Promise<T>;

export const BUDGET_USAGE = `  budget import <file.yaml|file.json|file.xlsx> --org <slug> --year <y>
                                   create or replace a fiscal year's budget (amounts in 元 or 万元)
  budget show --org <slug> --year <y> [--unit 万元|元]
                                   print a fiscal year's budget`;

export function parseCommand(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export function yearOption(value: unknown): number {
  if (value === undefined) throw new CliError('--year <y> is required');
  const r = fiscalYearText.safeParse(String(value));
  if (!r.success) throw new CliError(`--year: ${YEAR_MESSAGE}`);
  return r.data;
}

export async function orgOrCliError(app: INestApplicationContext, slug: unknown): Promise<Organization> {
  if (typeof slug !== 'string' || !slug) throw new CliError('--org <slug> is required');
  return app
    .get(OrganizationsService)
    .bySlug(slug)
    .catch(() => {
      throw new CliError(`unknown organization "${slug}" (--org): create it first or run \`npm run cli -- seed\``);
    });
}


export function readInputFile(file: string, what: string): Buffer {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    return readFileSync(file);
  } catch {
    throw new CliError(`cannot read ${what} file "${file}"`);
  }
}

/** YAML with every number kept as written ("150.360" stays exact), for money. */
function yamlKeepingNumbers(text: string, file: string): unknown {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new CliError(`${path.basename(file)} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && typeof node.source === 'string') node.value = node.source;
    },
  });
  return doc.toJS();
}

export function parseJsonOrYaml(data: Buffer, file: string, keepNumbers: boolean): unknown {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new CliError(`${path.basename(file)} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (keepNumbers) return yamlKeepingNumbers(text, file);
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new CliError(`${path.basename(file)} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return doc.toJS();
}

/** The budget input in a .yaml/.yml, .json or .xlsx file (see libs/reporting budget-sheet.ts for the sheet layout). */
export async function readBudgetFile(file: string): Promise<unknown> {
  const ext = path.extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json', '.xlsx'].includes(ext)) {
    throw new CliError(`budget file must be .yaml, .yml, .json or .xlsx, not "${path.basename(file)}"`);
  }
  const data = readInputFile(file, 'budget');
  if (ext !== '.xlsx') return parseJsonOrYaml(data, file, true);
  try {
    return await readBudgetSheet(data);
  } catch (err) {
    if (err instanceof BudgetSheetError) throw new CliError(`${path.basename(file)}：${err.message}`);
    throw err;
  }
}

/** Imports a budget file for an organization and year; prints one line. */
export async function importBudget(app: INestApplicationContext, file: string, orgSlug: string, year: number): Promise<BudgetDocument> {
  const raw = await readBudgetFile(file);
  const org = await orgOrCliError(app, orgSlug);
  const saved = await app
    .get(BudgetsService)
    .put(org, year, raw);
  const doc = saved.document;
  const projects = doc.projects.reduce((s, p) => s + p.amount, 0);
  say(
    `预算已${saved.created ? '导入' : '更新'}：${org.name} ${year} 年，合计 ${formatWan(doc.total.amount)} 万元` +
      `（基本支出 ${formatWan(doc.basic.total.amount)} 万元，项目支出 ${formatWan(projects)} 万元，${doc.projects.length} 个项目）`,
  );
  return doc;
}

/** Prints a budget as a table in `unit`, with the shares of basic expenditure. */
export function printBudget(orgName: string, doc: BudgetDocument, unit: MoneyUnit): void {
  const all: BudgetFigure[] = [doc.total, doc.basic.total, doc.basic.personnel, doc.basic.public, doc.basic.capital, ...doc.projects, ...OTHER_FUNDS.map((k) => doc.otherFunds[k])];
  const withYearStart = all.some((f) => f.yearStart !== null);
  const withAdjusted = all.some((f) => f.adjusted !== null);
  const money = (v: number | null) => (v === null ? '' : formatMoneyIn(v, unit));
  const row = (label: string, f: BudgetFigure, share = '') => [
    label,
    money(f.amount),
    ...(withYearStart ? [money(f.yearStart)] : []),
    ...(withAdjusted ? [money(f.adjusted)] : []),
    share,
    f.description ?? '',
  ];
  const shares = percentShares([doc.basic.personnel.amount, doc.basic.public.amount, doc.basic.capital.amount]);
  const projectsTotal = doc.projects.reduce((s, p) => s + p.amount, 0);
  say(`${orgName} ${doc.fiscalYear} 年预算（${unit}）`);
  say(
    table([
      ['项目', '金额', ...(withYearStart ? ['年初预算'] : []), ...(withAdjusted ? ['调整预算'] : []), '占基本支出', '说明'],
      row('合计', doc.total),
      row('  基本支出', doc.basic.total),
      row('    人员经费', doc.basic.personnel, `${shares[0]}%`),
      row('    公用经费', doc.basic.public, `${shares[1]}%`),
      row('    资本性支出', doc.basic.capital, `${shares[2]}%`),
      row('  项目支出', { amount: projectsTotal, yearStart: null, adjusted: null, description: null }),
      ...doc.projects.map((p) => row(`    ${p.name}`, p)),
      ...OTHER_FUNDS.map((k) => row(OTHER_FUND_LABELS[k], doc.otherFunds[k])),
    ]),
  );
}

/** `budget import|show …` */
export async function runBudgetCommand(args: string[], withApp: WithApp): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import': {
      const { values, positionals } = parseCommand(rest, { org: { type: 'string' }, year: { type: 'string' } });
      if (positionals.length !== 1) throw new CliError('budget import takes exactly one file: npm run cli -- budget import <file.yaml|file.json|file.xlsx> --org <slug> --year <y>');
      if (!values.org) throw new CliError('--org <slug> is required');
      const year = yearOption(values.year);
      const file = path.resolve(positionals[0]);
      await readBudgetFile(file); // file problems before connecting anywhere
      await withApp((app) => importBudget(app, file, String(values.org), year));
      return;
    }
    case 'show': {
      const { values, positionals } = parseCommand(rest, { org: { type: 'string' }, year: { type: 'string' }, unit: { type: 'string' } });
      if (positionals.length > 0) throw new CliError(`budget show takes no file (got "${positionals[0]}")`);
      if (!values.org) throw new CliError('--org <slug> is required');
      const year = yearOption(values.year);
      const unit = values.unit === undefined ? '万元' : moneyUnitOf(values.unit);
      if (!unit) throw new CliError('--unit must be 元 or 万元');
      await withApp(async (app) => {
        const org = await orgOrCliError(app, values.org);
        const doc = await app
          .get(BudgetsService)
          .get(org, year);
        printBudget(org.name, doc, unit);
      });
      return;
    }
    default:
      throw new CliError(`budget takes import or show${sub ? `, not "${sub}"` : ''}\n${BUDGET_USAGE}`);
  }
}
