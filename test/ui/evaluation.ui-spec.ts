/// <reference lib="dom" />
import type { APIRequestContext, Page } from '@playwright/test';
import { choose, expect, ORG, test } from './support/fixtures';

interface Row {
  id: string;
  level3: string;
  actual: string | null;
  score: string | null;
}

/** The 2021 self-evaluation table as the API scores it: what the page must show. */
async function apiTable(api: APIRequestContext): Promise<{ indicators: Row[]; total: string; unscored: number }> {
  const res = await api.get(`/api/orgs/${ORG}/reports/self-evaluation`, { params: { year: '2021', format: 'json' } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).data.selfEvaluation;
}

/** An Element Plus input by the test id it passes on (to the <input>, or a wrapper around it). */
const field = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).locator('xpath=descendant-or-self::input | descendant-or-self::textarea').first();

async function pickYear(page: Page, label: string): Promise<void> {
  // The page's loading mask lies over the year select until the first load is done.
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0);
  const select = page.locator('.el-select', { has: page.getByRole('combobox', { name: '年度' }) });
  await choose(page, select, label);
  await expect(select).toContainText(label);
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0);
}

const tableRow = (page: Page, level3: string) => page.getByTestId('evaluation-table').locator('.el-table__body tr', { hasText: level3 }).first();

test.describe('绩效自评 and the budget lines it reads', () => {
  test('the 2021 table as the API scores it; an editor enters a value, the score follows, who entered it is shown; a refused score is named next to its field', async ({
    page,
    api,
  }) => {
    const before = await apiTable(api);
    await page.goto('/evaluation');
    await expect(page.locator('.page-title')).toHaveText('绩效自评');
    await pickYear(page, '2021年');
    const inEffect = await (await api.get(`/api/orgs/${ORG}/templates/indicators`)).json();
    await expect(page.getByTestId('indicator-template')).toHaveText(`指标模板：${inEffect.template.name}；来源：系统默认`);
    await expect(page.getByTestId('evaluation-summary')).toHaveText(`已评指标合计 ${before.total} 分；${before.unscored} 项未评，自评结果不完整，暂不评定等级`);
    const central = before.indicators.find((i) => i.id === 'placements-central')!;
    await expect(tableRow(page, central.level3)).toContainText(central.actual!);
    await expect(tableRow(page, '服务对象满意度')).toContainText('未评');

    try {
      await page.getByTestId('enter-satisfaction').click();
      await field(page, 'entry-value').fill('92.5');
      await field(page, 'entry-reason').fill('问卷调查样本偏少');
      await page.getByTestId('save-entry').click();
      await expect(page.locator('.el-message')).toContainText('已录入：服务对象满意度');

      const after = await apiTable(api);
      const satisfaction = after.indicators.find((i) => i.id === 'satisfaction')!;
      expect(satisfaction.score).not.toBeNull();
      const entries = (await (await api.get(`/api/orgs/${ORG}/self-evaluation/2021`)).json()).entries as { indicator: string; enteredBy: string }[];
      const enteredBy = entries.find((e) => e.indicator === 'satisfaction')!.enteredBy;
      const row = tableRow(page, '服务对象满意度');
      await expect(row).toContainText(satisfaction.actual!);
      await expect(row).toContainText(satisfaction.score!);
      await expect(row).toContainText('问卷调查样本偏少');
      await expect(row).toContainText(enteredBy.split(':').slice(1).join(':'));
      await expect(page.getByTestId('evaluation-summary')).toContainText(`已评指标合计 ${after.total} 分`);

      // A manual score above the weight: refused by the API, said at the score, nothing stored.
      await page.getByTestId('enter-goal-setting').click();
      await field(page, 'entry-score').fill('9');
      await page.getByTestId('save-entry').click();
      await expect(page.locator('.el-dialog .el-form-item', { hasText: '得分' }).locator('.el-form-item__error')).toBeVisible();
      expect((await apiTable(api)).indicators.find((i) => i.id === 'goal-setting')!.score).toBeNull();
      await page.locator('.el-dialog').getByRole('button', { name: '取消' }).click();
    } finally {
      await api.delete(`/api/orgs/${ORG}/self-evaluation/2021/entries/satisfaction`);
    }
  });

  test('预算: the adjusted budget, 三公经费 and 结转结余 entered in the form; 绩效自评 then scores 预算执行率 from them', async ({ page, api }) => {
    const original = await (await api.get(`/api/orgs/${ORG}/budgets/2021`, { params: { unit: '万元' } })).json();
    try {
      await page.goto('/budget');
      await pickYear(page, '2021年');
      await expect(field(page, 'budget-total')).toHaveValue('150.36');
      const details = page.getByRole('checkbox', { name: '填写年初预算、调整预算和说明' });
      if (!(await details.isChecked())) await page.getByText('填写年初预算、调整预算和说明').click();
      await field(page, 'budget-total-adjusted').fill('155.00');
      await field(page, 'budget-three-public').fill('3.2');
      await field(page, 'budget-three-public-adjusted').fill('4');
      await field(page, 'budget-carryover').fill('1.5');
      await page.getByTestId('save-budget').click();
      await expect(page.locator('.el-message')).toContainText('2021年预算已保存');

      const stored = await (await api.get(`/api/orgs/${ORG}/budgets/2021`, { params: { unit: '万元' } })).json();
      expect(stored.total).toMatchObject({ amount: '150.36', adjusted: '155.00' });
      expect(stored.threePublic).toMatchObject({ amount: '3.20', adjusted: '4.00' });
      expect(stored.carryover).toBe('1.50');

      const table = await apiTable(api);
      // 150.36 ÷ 155.00 = 97.0064…% → 97.01%; 3.20 ÷ 4.00 = 80.00%; 1.50 ÷ 155.00 = 0.9677…% → 0.97%.
      const actual = (id: string) => table.indicators.find((i) => i.id === id)!.actual;
      expect([actual('budget-execution'), actual('three-public'), actual('carryover')]).toEqual(['97.01%', '80.00%', '0.97%']);
      await page.goto('/evaluation');
      await pickYear(page, '2021年');
      await expect(tableRow(page, '预算执行率')).toContainText('97.01%');
      await expect(tableRow(page, '预算执行率')).toContainText(table.indicators.find((i) => i.id === 'budget-execution')!.score!);
    } finally {
      const res = await api.put(`/api/orgs/${ORG}/budgets/2021`, { data: original });
      expect(res.ok()).toBeTruthy();
    }
  });
});
