import JSZip from 'jszip';
import { readFile } from 'node:fs/promises';
import { expect, test } from './support/fixtures';

test('报表: the annual report downloads as a Word file of the demo year, and the dashboard draws its charts', async ({ page }) => {
  await page.goto('/reports');
  // The dashboard opens on the latest year with placements (the demo's 2021).
  await expect(page.locator('.el-select', { has: page.getByRole('combobox', { name: '年度' }) })).toContainText('2021年');
  await expect(page.locator('canvas')).toHaveCount(3);

  await page.getByRole('tab', { name: '年度绩效评价报告' }).click();
  const annual = page.getByRole('tabpanel', { name: '年度绩效评价报告' });
  const [download] = await Promise.all([page.waitForEvent('download'), annual.getByTestId('report-docx').click()]);
  expect(download.suggestedFilename()).toBe('daxiang-annual-2021.docx');
  const zip = await JSZip.loadAsync(await readFile((await download.path())!));
  const text = (await zip.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
  expect(text).toContain('部门整体支出绩效评价报告');
  expect(text).toContain('邵阳市大祥区融媒体中心');

  await annual.getByTestId('report-preview').click();
  await expect(annual.frameLocator('[data-testid="report-frame"]').getByText('部门整体支出绩效评价报告').first()).toBeVisible();
});
