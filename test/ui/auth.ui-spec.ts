/// <reference lib="dom" />
import path from 'node:path';
import { DEMO_USERS_PASSWORD } from './support/stack';
import { expect, ORG, test } from './support/fixtures';

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

test('a viewer sees no write buttons, and the API answers 403 when it tries anyway', async ({ page }) => {
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

  // Trying anyway, from the signed-in page with its CSRF token: 403 naming the role.
  const refused = await page.evaluate(async (org) => {
    const me = await (await fetch('/api/auth/me')).json();
    const res = await fetch(`/api/orgs/${org}/placements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      body: JSON.stringify({ channel: '央视', title: '查看者试图录入', publishedOn: '2021-03-02' }),
    });
    return { status: res.status, body: await res.json() };
  }, ORG);
  expect(refused.status).toBe(403);
  expect(refused.body.errors[0].field).toBe('role');
});
