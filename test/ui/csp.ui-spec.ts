/// <reference lib="dom" />
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { DEMO_USERS_PASSWORD } from './support/stack';

/**
 * The UI works under the Content-Security-Policy the API sends (helmet, see
 * apps/api/src/http/security-headers.ts): every page, the placement drawer,
 * an Element Plus dropdown, the charts, the API documents and the queue
 * dashboard load without a single violation, reported either way Chromium
 * reports one (a `securitypolicyviolation` event, a console message). The
 * check itself is checked: an inline script is blocked and noticed, and the
 * same pages under a stricter policy (no inline styles) are noticed too.
 */

interface Violation {
  where: string;
  what: string;
}

/** Collects the page's CSP violations from here on, across navigations. */
async function watchViolations(page: Page): Promise<Violation[]> {
  const seen: Violation[] = [];
  page.on('console', (msg) => {
    if (/Content[- ]Security[- ]Policy/i.test(msg.text())) seen.push({ where: page.url(), what: `console: ${msg.text()}` });
  });
  await page.exposeFunction('__reportCspViolation', (v: { directive: string; blocked: string; sample: string; source: string }) => {
    seen.push({ where: page.url(), what: `event: ${v.directive} blocked ${v.blocked || '(inline)'} ${v.sample} at ${v.source}` });
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation: (v: unknown) => void }).__reportCspViolation({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        source: `${e.sourceFile}:${e.lineNumber}`,
      });
    });
  });
  return seen;
}

/** Lets late work (lazy chunks, charts, events) finish before the violations are read. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

const PAGES: [string, string][] = [
  ['/ledger', '台账'],
  ['/entry', '录入'],
  ['/import', '导入'],
  ['/review', '审核'],
  ['/reports', '报表'],
  ['/budget', '预算'],
  ['/profile', '概况'],
  ['/evaluation', '绩效自评'],
  ['/manage', '管理'],
];

/** Every page as the administrator, with the interactions that make Element Plus and ECharts draw. */
async function visitEverything(page: Page): Promise<void> {
  for (const [url, title] of PAGES) {
    await page.goto(url);
    await expect(page.locator('.page-title')).toHaveText(title);
    await settle(page);
  }
  // A row's history in the drawer, and a select's dropdown (popper positioning, transitions).
  await page.goto('/ledger');
  await page.locator('.el-table__body tr').first().click();
  await expect(page.getByRole('dialog', { name: '稿件详情' })).toBeVisible();
  await settle(page);
  await page.keyboard.press('Escape');
  await page.goto('/entry');
  await page.locator('.el-select').first().click({ force: true });
  await expect(page.locator('.el-select-dropdown:visible').first()).toBeVisible();
  await settle(page);
  // The dashboard's charts (ECharts on a canvas), and a chart's tooltip (HTML with style attributes, written as innerHTML).
  await page.goto('/reports');
  const chart = page.locator('canvas').first();
  await expect(chart).toBeVisible();
  await settle(page);
  const box = (await chart.boundingBox())!;
  for (const x of [0.3, 0.5, 0.7]) await page.mouse.move(box.x + box.width * x, box.y + box.height * 0.6, { steps: 3 });
  await settle(page);
}

test.describe('under the API’s Content-Security-Policy', () => {
  test('the sign-in page loads and signs in without a violation', async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    const violations = await watchViolations(page);
    await page.goto('/ledger');
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel('用户名').fill('csp-nobody');
    await page.getByLabel('密码', { exact: true }).fill('not-a-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByText('用户名或密码不正确')).toBeVisible();
    await page.getByLabel('用户名').fill('daxiang-viewer');
    await page.getByLabel('密码', { exact: true }).fill(DEMO_USERS_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.locator('.page-title')).toHaveText('台账');
    await settle(page);
    expect(violations).toEqual([]);
    await context.close();
  });

  test('every page, the drawer, a dropdown and the charts run without a violation', async ({ page }) => {
    const violations = await watchViolations(page);
    const res = await page.goto('/ledger');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await visitEverything(page);
    expect(violations).toEqual([]);
  });

  test('the API documents and the queue dashboard load without a violation', async ({ page }) => {
    const violations = await watchViolations(page);
    await page.goto('/docs');
    await expect(page.locator('.swagger-ui .info .title')).toContainText('Placement Ledger');
    await page.locator('.opblock-summary').first().click();
    await settle(page);
    await page.goto('/admin/queues');
    await expect(page.getByText('上稿台账 · 任务队列').first()).toBeVisible();
    await settle(page);
    expect(violations).toEqual([]);
  });

  test('an injected inline script is blocked, and the check notices it', async ({ page }) => {
    const violations = await watchViolations(page);
    await page.goto('/ledger');
    await expect(page.locator('.page-title')).toHaveText('台账');
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.filter((v) => /script-src/.test(v.what)).length).toBeGreaterThan(0);
  });

  test('the check notices a policy too strict for the UI (no inline styles: the charts’ tooltips break)', async ({ page }) => {
    // The UI's documents answered with the API's policy minus 'unsafe-inline' for styles.
    await page.route(
      (url) => !/^\/(api|assets|docs|admin|health)/.test(url.pathname),
      async (route) => {
        if (route.request().resourceType() !== 'document') return route.fallback();
        const response = await route.fetch();
        const policy = response.headers()['content-security-policy'].replace("style-src 'self' 'unsafe-inline'", "style-src 'self'");
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
      },
    );
    const violations = await watchViolations(page);
    await visitEverything(page);
    expect(violations.filter((v) => /style-src/.test(v.what)).length).toBeGreaterThan(0);
  });
});
