import Decimal from 'decimal.js';
import { CellValue, Workbook, Worksheet } from 'exceljs';
import { DomainError } from '@pl/domain';
import { moneyUnitOf } from './budget-input';
import type { BudgetFigureInput } from './budget-input';

/**
 * A budget on a spreadsheet (.xlsx), turned into the input shape that
 * parseBudgetInput checks. Layout (first visible sheet):
 *
 *   | 项目                     | 金额   | 年初预算 | 调整预算 | 说明           |
 *   | 单位                     | 万元   |          |          |                |
 *   | 合计                     | 150.36 |          |          |                |
 *   | 基本支出                 | 91.58  |          |          |                |
 *   | 人员经费                 | 37.38  |          |          | 基本工资、…    |
 *   | 公用经费                 | 26.69  |          |          | 办公费、…      |
 *   | 资本性支出               | 27.51  |          |          | 办公设备购置   |
 *   | 项目:融媒体能力建设      | 58.78  |          |          | 融媒体中心…    |
 *   | 区本级其他财政性资金     | 0      |          |          |                |
 *   | 政府性基金预算           | 0      |          |          |                |
 *   | 国有资本经营预算         | 0      |          |          |                |
 *   | 社会保险基金预算         | 0      |          |          |                |
 *   | 三公经费                 | 1.20   | 1.50     |          |                |
 *   | 结转结余                 | 0      |          |          |                |
 *
 * - The header row is the first row whose first cell is 项目 (or `line`);
 *   rows above it (a title) are ignored. Columns: 项目/line and 金额/amount
 *   are required; 年初预算/yearStart, 调整预算/adjusted and 说明/description
 *   are optional. Columns may come in any order.
 * - The unit is 元 unless a 单位/unit row says 万元 (or 元), or the amount
 *   header carries it: 金额（万元）.
 * - Line names, Chinese or English: 合计/total, 基本支出/basic.total,
 *   人员经费/personnel, 公用经费/public, 资本性支出/capital, 项目:<名称>
 *   (or 项目：<名称>, project:<name>) one row per project,
 *   区本级其他财政性资金/districtOther, 政府性基金预算/governmentFund,
 *   国有资本经营预算/stateCapital, 社会保险基金预算/socialInsurance (other
 *   fund rows may be left out: zero), 三公经费/threePublic and
 *   结转结余/carryover (optional). Blank rows are skipped.
 * - Amounts are numbers or decimal text; a number cell is read as Excel
 *   shows it (15 significant digits), so float noise from formulas goes.
 */
/** A layout problem of a budget sheet; the message is Chinese (it names the row and the column as a person sees them). */
export class BudgetSheetError extends DomainError<'BUDGET_BAD_SHEET'> {
  constructor(message: string) {
    super('BUDGET_BAD_SHEET', 'invalid', message, [{ field: 'file', message }], message);
  }
}

type Line =
  | 'total'
  | 'basic.total'
  | 'personnel'
  | 'public'
  | 'capital'
  | 'districtOther'
  | 'governmentFund'
  | 'stateCapital'
  | 'socialInsurance'
  | 'threePublic'
  | 'carryover';

/** Accepted names of each line (compared after trimming, case-insensitively). */
export const BUDGET_SHEET_LABELS: Record<Line, string[]> = {
  total: ['合计', '总计', '部门整体支出', 'total'],
  'basic.total': ['基本支出', 'basic', 'basic.total'],
  personnel: ['人员经费', 'personnel', 'basic.personnel'],
  public: ['公用经费', 'public', 'basic.public'],
  capital: ['资本性支出', 'capital', 'basic.capital'],
  districtOther: ['区本级其他财政性资金', 'districtOther', 'otherFunds.districtOther'],
  governmentFund: ['政府性基金预算', '政府性基金预算支出', 'governmentFund', 'otherFunds.governmentFund'],
  stateCapital: ['国有资本经营预算', '国有资本经营预算支出', 'stateCapital', 'otherFunds.stateCapital'],
  socialInsurance: ['社会保险基金预算', '社会保险基金预算支出', 'socialInsurance', 'otherFunds.socialInsurance'],
  threePublic: ['三公经费', 'threePublic'],
  carryover: ['结转结余', 'carryover'],
};

type Column = 'line' | 'amount' | 'yearStart' | 'adjusted' | 'description';
const HEADERS: Record<Column, string[]> = {
  line: ['项目', 'line', 'item'],
  amount: ['金额', 'amount', '支出', '实际支出'],
  yearStart: ['年初预算', 'yearstart', 'year start'],
  adjusted: ['调整预算', 'adjusted'],
  description: ['说明', '备注', 'description'],
};
const COLUMN_LABELS: Record<Column, string> = { line: '项目', amount: '金额', yearStart: '年初预算', adjusted: '调整预算', description: '说明' };
const UNIT_LABELS = ['单位', 'unit'];
const PROJECT_PREFIX = /^(?:项目|project)\s*[:：]\s*/i;

const fold = (s: string) => s.trim().toLowerCase();
const LINE_OF = new Map<string, Line>(
  (Object.entries(BUDGET_SHEET_LABELS) as [Line, string[]][]).flatMap(([line, labels]) => labels.map((l) => [fold(l), line] as const)),
);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !(v instanceof Date);

/** A cell as text: rich text joined, a formula's cached result, numbers as Excel shows them. */
function cellText(value: CellValue, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return new Decimal(value.toPrecision(15)).toFixed();
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) throw new BudgetSheetError(`${where}是日期，应为金额或文字`);
  if (isObject(value)) {
    if ('error' in value) throw new BudgetSheetError(`${where}是错误值 ${String(value.error)}，请改正后再导入`);
    if (Array.isArray(value.richText)) return (value.richText as { text?: unknown }[]).map((r) => String(r.text ?? '')).join('').trim();
    if ('formula' in value || 'sharedFormula' in value) {
      if (value.result === undefined) throw new BudgetSheetError(`${where}的公式没有计算结果，请在 Excel 中打开并保存后再导入`);
      return cellText(value.result as CellValue, where);
    }
    if ('text' in value) return cellText(value.text as CellValue, where);
  }
  return String(value).trim();
}

function firstVisible(workbook: Workbook): Worksheet | undefined {
  return workbook.worksheets.find((s) => s.state === undefined || s.state === 'visible') ?? workbook.worksheets[0];
}

/** Reads an .xlsx budget sheet into the budget input shape; layout problems are a BudgetSheetError in Chinese. */
export async function readBudgetSheet(data: Buffer): Promise<Record<string, unknown>> {
  const workbook = new Workbook();
  try {
    // ExcelJS declares its own Buffer type (an ArrayBuffer); at run time it takes Node's Buffer.
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new BudgetSheetError('无法读取文件：不是有效的 .xlsx 文件');
  }
  const sheet = firstVisible(workbook);
  if (!sheet) throw new BudgetSheetError('文件中没有工作表');

  const rows: { n: number; cells: Map<number, CellValue> }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells = new Map<number, CellValue>();
    row.eachCell({ includeEmpty: false }, (cell, col) => cells.set(col, cell.value));
    rows.push({ n: row.number, cells });
  });

  // The header row: the first whose first filled cell is 项目 / line.
  const headerIndex = rows.findIndex((r) => {
    const first = [...r.cells.entries()].sort((a, b) => a[0] - b[0])[0];
    return first !== undefined && HEADERS.line.includes(fold(cellText(first[1], '')));
  });
  if (headerIndex < 0) throw new BudgetSheetError('找不到表头行：第一列应为「项目」，并有「金额」列');
  const header = rows[headerIndex];
  const columns = new Map<Column, number>();
  let headerUnit: string | null = null;
  for (const [col, value] of header.cells) {
    const text = cellText(value, `表头第${col}列`);
    const m = /^(.*?)\s*[(（]\s*(.+?)\s*[)）]\s*$/.exec(text);
    const base = fold(m ? m[1] : text);
    const column = (Object.keys(HEADERS) as Column[]).find((c) => HEADERS[c].includes(base));
    if (!column) continue;
    if (columns.has(column)) throw new BudgetSheetError(`第${header.n}行：「${COLUMN_LABELS[column]}」列出现了两次`);
    columns.set(column, col);
    if (column === 'amount' && m) {
      if (!moneyUnitOf(m[2])) throw new BudgetSheetError(`第${header.n}行：金额单位「${m[2]}」无法识别（应为 元 或 万元）`);
      headerUnit = m[2];
    }
  }
  if (!columns.has('amount')) throw new BudgetSheetError(`第${header.n}行：表头缺少「金额」列`);

  const text = (r: (typeof rows)[number], c: Column) => {
    const col = columns.get(c);
    return col === undefined ? '' : cellText(r.cells.get(col) ?? null, `第${r.n}行「${COLUMN_LABELS[c]}」`);
  };

  let unit: string | null = null;
  const lines = new Map<Line, BudgetFigureInput | string>();
  const seenAt = new Map<string, number>();
  const projects: ({ name: string } & BudgetFigureInput)[] = [];
  for (const r of rows.slice(headerIndex + 1)) {
    const label = text(r, 'line');
    const amount = text(r, 'amount');
    const yearStart = text(r, 'yearStart');
    const adjusted = text(r, 'adjusted');
    const description = text(r, 'description');
    if (!label && !amount && !yearStart && !adjusted && !description) continue;
    if (!label) throw new BudgetSheetError(`第${r.n}行：缺少项目名称`);
    const project = PROJECT_PREFIX.exec(label);
    const key = project ? `project:${label.slice(project[0].length).trim()}` : (LINE_OF.get(fold(label)) ?? fold(label));
    if (seenAt.has(key)) throw new BudgetSheetError(`第${r.n}行：「${label}」重复出现（第${seenAt.get(key)}行已有）`);
    seenAt.set(key, r.n);

    if (UNIT_LABELS.includes(fold(label))) {
      if (!moneyUnitOf(amount)) throw new BudgetSheetError(`第${r.n}行：单位「${amount}」无法识别（应为 元 或 万元）`);
      unit = amount;
      continue;
    }
    if (!amount) throw new BudgetSheetError(`第${r.n}行：「${label}」没有金额`);
    const figure: BudgetFigureInput | string =
      yearStart || adjusted || description
        ? { amount, ...(yearStart ? { yearStart } : {}), ...(adjusted ? { adjusted } : {}), ...(description ? { description } : {}) }
        : amount;
    if (project) {
      const name = label.slice(project[0].length).trim();
      if (!name) throw new BudgetSheetError(`第${r.n}行：项目缺少名称（应写成「项目:名称」）`);
      projects.push({ name, ...(typeof figure === 'string' ? { amount: figure } : figure) });
      continue;
    }
    const line = LINE_OF.get(fold(label));
    if (!line) {
      throw new BudgetSheetError(
        `第${r.n}行：无法识别的项目「${label}」（可填 ${Object.values(BUDGET_SHEET_LABELS)
          .map((l) => l[0])
          .join('、')}、项目:名称、单位）`,
      );
    }
    lines.set(line, figure);
  }

  if (unit && headerUnit && moneyUnitOf(unit) !== moneyUnitOf(headerUnit)) {
    throw new BudgetSheetError(`单位行写的是「${unit}」，金额列表头写的是「${headerUnit}」，请统一`);
  }
  const input: Record<string, unknown> = { unit: unit ?? headerUnit ?? '元' };
  if (lines.has('total')) input.total = lines.get('total');
  const basic: Record<string, unknown> = {};
  for (const [line, key] of [['basic.total', 'total'], ['personnel', 'personnel'], ['public', 'public'], ['capital', 'capital']] as const) {
    if (lines.has(line)) basic[key] = lines.get(line);
  }
  input.basic = basic;
  input.projects = projects;
  const otherFunds: Record<string, unknown> = {};
  for (const line of ['districtOther', 'governmentFund', 'stateCapital', 'socialInsurance'] as const) {
    if (lines.has(line)) otherFunds[line] = lines.get(line);
  }
  input.otherFunds = otherFunds;
  if (lines.has('threePublic')) input.threePublic = lines.get('threePublic');
  if (lines.has('carryover')) input.carryover = lines.get('carryover');
  return input;
}
