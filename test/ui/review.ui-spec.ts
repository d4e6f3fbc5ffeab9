import { expect, ORG, test } from './support/fixtures';

test('审核: a discovered item is dismissed from the page and leaves the review queue', async ({ page, api, fixtureUrl }) => {
  // Fixture: the crawler discovers placements in an e-paper edition served by the loopback fixture server.
  const channels = (await (await api.get('/api/channels')).json()) as { id: number; name: string }[];
  const paper = channels.find((c) => c.name === '邵阳日报')!.id;
  const source = await api.post(`/api/channels/${paper}/sources`, {
    data: { type: 'epaper', url: `${fixtureUrl}/epaper/shaoyang/{yyyy}-{MM}/{dd}/node_{page}.html`, selectors: { item: '#titleList li', link: 'a', pages: [1, 2] } },
  });
  expect(source.status()).toBe(201);
  const { runId } = await (await api.post(`/api/crawl/sources/${(await source.json()).id}/run`, { data: { date: '2021-12-15' } })).json();
  await expect.poll(async () => (await (await api.get(`/api/crawl/runs/${runId}`)).json()).state, { timeout: 30_000 }).toBe('completed');
  const discovered = async () =>
    (await (await api.get(`/api/orgs/${ORG}/placements`, { params: { status: 'discovered', pageSize: '100' } })).json()).items as { title: string }[];
  await expect.poll(async () => (await discovered()).length, { timeout: 30_000 }).toBeGreaterThan(0);
  const target = (await discovered())[0].title;

  await page.goto('/review');
  const row = page.getByTestId('review-table').locator('.el-table__body tr', { hasText: target });
  await expect(row).toBeVisible();
  await expect(row).toContainText('发现于');

  // Its history shows what the crawler found it on, and the stored page opens.
  await row.locator('.title-link').click();
  const drawer = page.locator('.placement-drawer');
  await expect(drawer.getByTestId('evidence')).toContainText(target);
  await expect(drawer.locator('.el-timeline-item').first()).toContainText('抓取发现');
  const [stored] = await Promise.all([page.waitForEvent('popup'), drawer.getByTestId('stored-page').click()]);
  await expect(stored.locator('body')).toContainText(target.slice(0, 6));
  await stored.close();
  await drawer.getByRole('button', { name: 'Close' }).or(drawer.locator('.el-drawer__close-btn')).first().click();

  await row.getByTestId('dismiss').click();
  await expect(page.getByText('已忽略 1 条')).toBeVisible();
  await expect(row).toHaveCount(0);

  // In 台账 it is listed as 已忽略.
  await page.goto('/ledger');
  await page.getByLabel('搜索标题').fill(target);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.getByTestId('ledger-table').locator('.el-table__body tr', { hasText: target })).toContainText('已忽略');
});
