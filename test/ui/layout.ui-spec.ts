/// <reference lib="dom" />
import path from 'node:path';
import { expect, horizontalOverflow, test } from './support/fixtures';

/** Screenshots of every page at 1366×768, written as test artifacts (git-ignored). */
const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'ui-screenshots');
const PAGES: [string, string, string][] = [
  ['/ledger', 'ledger', '台账'],
  ['/entry', 'entry', '录入'],
  ['/import', 'import', '导入'],
  ['/review', 'review', '审核'],
  ['/reports', 'reports', '报表'],
  ['/budget', 'budget', '预算'],
  ['/profile', 'profile', '概况'],
  ['/evaluation', 'evaluation', '绩效自评'],
  ['/manage', 'manage', '管理'],
];

test.describe('at 1366×768, with a screenshot of each page', () => {
  for (const [url, name, title] of PAGES) {
    test(`${title} fits the screen`, async ({ page }) => {
      await page.goto(url);
      await expect(page.locator('.page-title')).toHaveText(title);
      await page.waitForLoadState('networkidle');
      expect(await horizontalOverflow(page), `${url} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-1366x768.png`) });
    });
  }
});

test.describe('on a phone (390 px wide)', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  for (const [url, name, title] of PAGES.slice(0, 2)) {
    test(`${title} has no horizontal scroll`, async ({ page }) => {
      await page.goto(url);
      await expect(page.locator('.page-title')).toHaveText(title);
      await page.waitForLoadState('networkidle');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-390.png`), fullPage: true });
      // The navigation is behind the menu button there.
      await page.getByRole('button', { name: '菜单' }).click();
      await expect(page.locator('.drawer-nav').getByRole('link', { name: '导入' })).toBeVisible();
    });
  }
});
