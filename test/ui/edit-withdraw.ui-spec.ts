import { ORG, expect, test, waitForIngestion } from './support/fixtures';

const TITLE = '大祥区开展“护苗”行动守护少年成长';
const EDITED = '大祥区开展“护苗2021”专项行动守护少年成长';

test.describe('编辑与撤回', () => {
  test.beforeAll(async ({ api }) => {
    // Fixture: one claimed placement, logged through the API.
    const res = await api.post(`/api/orgs/${ORG}/placements`, {
      data: { channel: '邵阳日报', title: TITLE, publishedOn: '2021-11-18', section: '三版', authors: ['刘洋'] },
    });
    expect(res.status()).toBe(202);
    await waitForIngestion(api, (await res.json()).ingestionId);
  });

  test('edit it and withdraw it: from 台账’s history drawer, through 录入’s edit mode, then withdrawn and restored', async ({ page }) => {
    await page.goto('/ledger');
    await page.getByLabel('搜索标题').fill('护苗');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByTestId('ledger-table').locator('.el-table__body tr', { hasText: TITLE }).click();
    const drawer = page.locator('.placement-drawer');
    await expect(drawer.getByRole('heading', { name: TITLE })).toBeVisible();

    // Edit: the drawer's 编辑 opens 录入 in edit mode with the placement's fields.
    await drawer.getByTestId('edit').click();
    await expect(page.getByRole('heading', { name: '编辑稿件' })).toBeVisible();
    await expect(page.locator('input[name="title"]')).toHaveValue(TITLE);
    await page.locator('input[name="title"]').fill(EDITED);
    await page.locator('input[name="section"]').fill('一版');
    await page.getByTestId('submit').click();

    // Back in 台账 with the drawer open on the edited placement, its history naming both values.
    await expect(drawer.getByRole('heading', { name: EDITED })).toBeVisible();
    await expect(drawer.getByTestId('detail-status')).toHaveText('已登记');
    const edited = drawer.locator('.el-timeline-item', { hasText: '修改' });
    await expect(edited).toContainText(TITLE);
    await expect(edited).toContainText(EDITED);
    await expect(edited).toContainText('三版');
    await expect(edited).toContainText('一版');

    // Withdraw, with a reason: the status says so and the history keeps it.
    await drawer.getByTestId('withdraw').click();
    const prompt = page.locator('.el-message-box');
    await prompt.locator('input').fill('与另一条重复');
    await prompt.getByRole('button', { name: '撤回' }).click();
    await expect(drawer.getByTestId('detail-status')).toHaveText('已撤回');
    await expect(drawer.locator('.el-timeline-item', { hasText: '与另一条重复' })).toContainText('撤回');
    await expect(drawer.getByTestId('edit')).toHaveCount(0);

    // The ledger's status filter finds it among the withdrawn.
    await page.goto('/ledger?status=withdrawn');
    await expect(page.getByTestId('ledger-table').locator('.el-table__body tr', { hasText: EDITED })).toContainText('已撤回');

    // Restore: it is claimed again.
    await page.getByTestId('ledger-table').locator('.el-table__body tr', { hasText: EDITED }).click();
    await drawer.getByTestId('restore').click();
    await expect(drawer.getByTestId('detail-status')).toHaveText('已登记');
    await expect(drawer.locator('.el-timeline-item').last()).toContainText('恢复');
  });
});
