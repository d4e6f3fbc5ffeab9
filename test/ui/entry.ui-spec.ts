import { choose, expect, test } from './support/fixtures';

const ARTICLE_TITLE = '大祥区:"一件事一次办" 跑出加速度!';

test.describe('录入', () => {
  test.beforeAll(async ({ api, fixtureUrl }) => {
    // A channel whose URL pattern claims the loopback fixture server's articles.
    const res = await api.post('/api/channels', {
      data: { name: '测试新闻网', outlet: '测试新闻网', tier: 'municipal', kind: 'website', urlPatterns: [`^${fixtureUrl.replace(/\./g, '\\.')}/news/`] },
    });
    expect([201, 409]).toContain(res.status());
  });

  test('logs a placement from a pasted link and shows it in 台账 once the worker wrote it; the same link again is a likely duplicate', async ({ page, fixtureUrl }) => {
    const link = `${fixtureUrl}/news/2021/12/15/article_1002.html`;
    await page.goto('/entry');
    await page.locator('input[name="url"]').fill(link);
    await page.getByTestId('read-link').click();
    await expect(page.getByTestId('preview-note')).toContainText('已从页面读取');
    await expect(page.locator('input[name="title"]')).toHaveValue(ARTICLE_TITLE);
    await expect(page.locator('input[name="publishedOn"]')).toHaveValue('2021-12-15');
    await expect(page.getByTestId('channel-select')).toContainText('测试新闻网');
    await page.getByTestId('submit').click();
    await expect(page.getByTestId('saved')).toContainText(`已保存：「${ARTICLE_TITLE}」`);

    await page.getByRole('link', { name: '台账' }).first().click();
    await page.getByLabel('搜索标题').fill('一件事一次办');
    await page.getByRole('button', { name: '查询' }).click();
    const row = page.getByTestId('ledger-table').locator('.el-table__body tr', { hasText: ARTICLE_TITLE });
    await expect(row).toContainText('测试新闻网');
    await expect(row).toContainText('录入');

    await page.goto('/entry');
    await page.locator('input[name="url"]').fill(link);
    await page.getByTestId('read-link').click();
    await expect(page.getByTestId('duplicate-warning')).toContainText(ARTICLE_TITLE);
  });

  test('a submission the server refuses keeps every field as typed and says what is wrong next to the field', async ({ page }) => {
    await page.goto('/entry');
    const longName = '欧阳'.repeat(51); // 102 characters: the API takes names of at most 100
    await page.locator('input[name="url"]').fill('https://dx.rednet.cn/content/2021/12/20/10001.html');
    await page.locator('input[name="title"]').fill('大祥区开展冬季消防安全大检查');
    await page.locator('input[name="publishedOn"]').fill('2021-12-20');
    await page.locator('input[name="publishedOn"]').press('Enter');
    await choose(page, page.getByTestId('channel-select'), '红网大祥站');
    await page.locator('input[name="section"]').fill('要闻');
    await page.getByTestId('authors').click();
    await page.getByTestId('authors').locator('input').pressSequentially(longName);
    await page.getByTestId('authors').locator('input').press('Enter');
    await expect(page.getByTestId('authors').locator('.el-tag')).toContainText(longName);
    await page.locator('textarea[name="note"]').fill('消防大队供稿');
    await page.getByTestId('submit').click();

    await expect(page.locator('.el-form-item', { hasText: '作者' }).locator('.el-form-item__error')).toHaveText('作者最多 100 个字');
    await expect(page.getByTestId('form-error')).toBeVisible();
    await expect(page.locator('input[name="url"]')).toHaveValue('https://dx.rednet.cn/content/2021/12/20/10001.html');
    await expect(page.locator('input[name="title"]')).toHaveValue('大祥区开展冬季消防安全大检查');
    await expect(page.locator('input[name="publishedOn"]')).toHaveValue('2021-12-20');
    await expect(page.getByTestId('channel-select')).toContainText('红网大祥站');
    await expect(page.locator('input[name="section"]')).toHaveValue('要闻');
    await expect(page.getByTestId('authors')).toContainText(longName);
    await expect(page.locator('textarea[name="note"]')).toHaveValue('消防大队供稿');
    await expect(page.getByTestId('saved')).toHaveCount(0);
  });
});
