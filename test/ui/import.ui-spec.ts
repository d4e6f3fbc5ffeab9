import { expect, test } from './support/fixtures';

test('导入: a ledger with a bad row shows the row error (and the nearest medium) before anything is written, then imports the good row', async ({ page }) => {
  const csv = [
    '刊发日期,标题,媒体,作者',
    '2021-06-01,大祥区举办端午龙舟赛,红网大祥站,李明',
    '2021-06-31,六月没有三十一日,红网大祥站,王芳',
    '2021-06-02,媒体名称写错的一行,湖南日服,',
  ].join('\r\n');
  await page.goto('/import');
  await page.getByTestId('file-input').setInputFiles({ name: '六月台账.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('共读取 3 行，可导入 1 行，有错误 2 处');
  await expect(preview).toContainText('刊发日期 → 刊发日期');
  const errors = page.getByTestId('row-errors');
  await expect(errors.locator('tr', { hasText: '刊发日期不是有效日期' })).toContainText('3');
  await expect(errors.locator('tr', { hasText: '未知媒体「湖南日服」' })).toContainText('您是不是要找：湖南日报');

  await page.getByTestId('commit-import').click();
  const progress = page.getByTestId('import-progress');
  await expect(progress).toContainText('导入完成', { timeout: 30_000 });
  await expect(page.getByTestId('import-result')).toContainText('新增 1 条，重复 0 条，错误 2 行未导入');
});
