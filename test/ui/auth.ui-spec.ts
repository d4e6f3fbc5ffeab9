/// <reference lib="dom" />
import path from 'node:path';
import { DEMO_USERS_PASSWORD } from './support/stack';
import { choose, expect, ORG, test } from './support/fixtures';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'ui-screenshots');

// These flows sign in through the page: they start with no session.
test.use({ storageState: { cookies: [], origins: [] } });

async function signInThroughPage(page: import('@playwright/test').Page, username: string, password: string): Promise<void> {
  await page.goto('/ledger');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.page-title')).toHaveText('台账');
}

test('sign in: a wrong password is said in Chinese, the right one opens 台账 as the user; sign-out ends the session', async ({ page }) => {
  await page.goto('/ledger');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'login-1366x768.png') });
  await page.getByLabel('用户名').fill('daxiang-editor');
  await page.getByLabel('密码', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByText('用户名或密码不正确')).toBeVisible();

  await page.getByLabel('密码', { exact: true }).fill(DEMO_USERS_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.page-title')).toHaveText('台账');
  await expect(page.getByTestId('user-menu')).toContainText('daxiang-editor');
  await expect(page.locator('.nav').getByRole('link', { name: '录入' })).toBeVisible();

  await page.getByTestId('user-menu').click();
  await page.getByText('退出登录').click();
  await expect(page).toHaveURL(/\/login/);
  // The session is gone on the server: the API refuses the old cookie.
  expect((await page.request.get('/api/auth/me')).status()).toBe(401);
});

test('a viewer sees no write buttons, and 录入 opened by its address goes back to 台账', async ({ page }) => {
  await signInThroughPage(page, 'daxiang-viewer', DEMO_USERS_PASSWORD);
  await expect(page.getByTestId('user-menu')).toContainText('daxiang-viewer');
  const nav = page.locator('.nav');
  await expect(nav.getByRole('link', { name: '台账' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '录入' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: '导入' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: '管理' })).toHaveCount(0);

  // 录入 opened by its address: back to 台账.
  await page.goto('/entry');
  await expect(page.locator('.page-title')).toHaveText('台账');

  // 预算: read only, no save button.
  await page.goto('/budget');
  await expect(page.locator('.page-title')).toHaveText('预算');
  await expect(page.getByTestId('save-budget')).toHaveCount(0);
});

test('a user who became a viewer while 录入 was open gets the refusal in Chinese on saving, every field kept', async ({ page, api }) => {
  // An editor of the organization, signed in through the page, starts logging a placement…
  const username = `ui-demoted-${Date.now().toString(36)}`;
  const password = 'ui-demoted-password';
  expect((await api.post('/api/users', { data: { username, password, role: 'editor', org: ORG } })).status()).toBe(201);
  await signInThroughPage(page, username, password);
  await page.locator('.nav').getByRole('link', { name: '录入' }).click();
  await expect(page.locator('.page-title')).toHaveText('录入');
  await page.locator('input[name="title"]').fill('降为查看者后仍试图录入的稿件');
  await page.locator('input[name="publishedOn"]').fill('2021-12-21');
  await page.locator('input[name="publishedOn"]').press('Enter');
  await choose(page, page.getByTestId('channel-select'), '红网大祥站');
  await page.locator('textarea[name="note"]').fill('仍在页面上的表单');

  // …and meanwhile an administrator makes them a viewer. The page still offers 保存: they try anyway.
  const demoted = await api.patch(`/api/users/${username}`, { data: { role: 'viewer' } });
  expect(demoted.status()).toBe(200);
  expect((await demoted.json()).organizations[0].role).toBe('viewer');
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/orgs/${ORG}/placements`) && r.request().method() === 'POST');
  await page.getByTestId('submit').click();
  expect((await answer).status()).toBe(403);

  // A readable Chinese sentence (from the error's code), not the API's English nor "角色填写有误"; nothing typed is lost.
  await expect(page.getByTestId('form-error')).toContainText('没有权限执行此操作');
  await expect(page.getByTestId('form-error')).not.toContainText(/role|填写有误/);
  await expect(page.locator('input[name="title"]')).toHaveValue('降为查看者后仍试图录入的稿件');
  await expect(page.locator('input[name="publishedOn"]')).toHaveValue('2021-12-21');
  await expect(page.getByTestId('channel-select')).toContainText('红网大祥站');
  await expect(page.locator('textarea[name="note"]')).toHaveValue('仍在页面上的表单');
  await expect(page.getByTestId('saved')).toHaveCount(0);
  // Nothing was written.
  const list = await api.get(`/api/orgs/${ORG}/placements`, { params: { q: '降为查看者后仍试图录入的稿件' } });
  expect((await list.json()).total).toBe(0);

  // Opened again, the page knows the new role: no 录入 any more.
  await page.goto('/ledger');
  await expect(page.locator('.page-title')).toHaveText('台账');
  await expect(page.locator('.nav').getByRole('link', { name: '录入' })).toHaveCount(0);
});
