import { Workbook } from 'exceljs';
import { parseBudgetInput } from './budget-input';
import { readBudgetSheet } from './budget-sheet';

async function sheet(rows: unknown[][]): Promise<Buffer> {
  const wb = new Workbook();
  const ws = wb.addWorksheet('预算');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('readBudgetSheet', () => {
  it('reads English labels, the unit from the amount header, extra columns in any order', async () => {
    const input = await readBudgetSheet(
      await sheet([
        ['line', 'description', 'amount (wan)', 'yearStart'],
        ['total', '', '150.36', ''],
        ['basic.total', '', 91.58, 90],
        ['personnel', '', 37.38, 37],
        ['public', '', 26.69, 26],
        ['capital', 'office equipment', 27.51, 27],
        ['project: 融媒体能力建设', '', 58.78, ''],
        ['stateCapital', '', 0, ''],
      ]),
    );
    expect(input).toEqual({
      unit: 'wan',
      total: '150.36',
      basic: {
        total: { amount: '91.58', yearStart: '90' },
        personnel: { amount: '37.38', yearStart: '37' },
        public: { amount: '26.69', yearStart: '26' },
        capital: { amount: '27.51', yearStart: '27', description: 'office equipment' },
      },
      projects: [{ name: '融媒体能力建设', amount: '58.78' }],
      otherFunds: { stateCapital: '0' },
    });
    const parsed = parseBudgetInput(input, 2021);
    expect(parsed.ok && parsed.value.basic.total.yearStart).toBe(90_000_000);
  });

  it('names the row of each layout problem, in Chinese', async () => {
    const header = ['项目', '金额'];
    const fails = async (rows: unknown[][]) => {
      try {
        await readBudgetSheet(await sheet(rows));
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('read');
    };
    expect(await fails([['合计', 1]])).toBe('找不到表头行：第一列应为「项目」，并有「金额」列');
    expect(await fails([['项目', '说明']])).toBe('第1行：表头缺少「金额」列');
    expect(await fails([header, ['合计', 1], ['总计', 2]])).toBe('第3行：「总计」重复出现（第2行已有）');
    expect(await fails([header, ['人员经费', '']])).toBe('第2行：「人员经费」没有金额');
    expect(await fails([header, ['单位', '美元']])).toBe('第2行：单位「美元」无法识别（应为 元 或 万元）');
    expect(await fails([header, ['项目：', 1]])).toBe('第2行：项目缺少名称（应写成「项目:名称」）');
    expect(await fails([['项目', '金额（万元）'], ['单位', '元']])).toBe('单位行写的是「元」，金额列表头写的是「万元」，请统一');
    expect(await fails([header, ['合计', { formula: 'B3*2' }]])).toBe('第2行「金额」的公式没有计算结果，请在 Excel 中打开并保存后再导入');
    expect(await readBudgetSheet(Buffer.from('not a zip')).catch((e: Error) => e.message)).toBe('无法读取文件：不是有效的 .xlsx 文件');
  });
});
