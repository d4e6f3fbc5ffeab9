import { choose, expect, test, totalOf } from './support/fixtures';

test.describe('台账', () => {
  test('lists the demo ledger, narrows it by title and tier, and opens a placement with its history', async ({ page, api }) => {
    const all = await totalOf(api, {});
    await page.goto('/ledger');
    await expect(page.getByTestId('ledger-total')).toHaveText(`共 ${all} 条`);

    await page.getByLabel('搜索标题').fill('街道');
    await page.getByRole('button', { name: '查询' }).click();
    await expect(page.getByTestId('ledger-total')).toHaveText(`共 ${await totalOf(api, { q: '街道' })} 条`);
    await choose(page, page.getByRole('combobox', { name: '级别' }), '省级');
    await page.getByRole('button', { name: '查询' }).click();
    const provincial = await totalOf(api, { q: '街道', tier: 'provincial' });
    await expect(page.getByTestId('ledger-total')).toHaveText(`共 ${provincial} 条`);
    // The filters are in the address: a reload shows the same list.
    await page.reload();
    await expect(page.getByTestId('ledger-total')).toHaveText(`共 ${provincial} 条`);

    const first = page.getByTestId('ledger-table').locator('.el-table__body tr').first();
    const title = (await first.locator('td').nth(1).innerText()).trim();
    expect(title).toContain('街道');
    await first.click();
    const drawer = page.locator('.placement-drawer');
    await expect(drawer.getByRole('heading', { name: title })).toBeVisible();
    await expect(drawer.getByText('历史记录')).toBeVisible();
    // The demo ledger was imported by the CLI: its creation event names it (命令行, the CLI's user) as the actor.
    await expect(drawer.locator('.el-timeline-item').first()).toContainText('导入');
    await expect(drawer.locator('.el-timeline-item').first()).toContainText('命令行');
  });
});
