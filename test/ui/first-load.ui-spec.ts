/// <reference lib="dom" />
import { expect, test } from './support/fixtures';

/**
 * The UI's first load on the demo data with a cold cache (each test gets a
 * fresh browser context): from navigation to the first page of 台账 shown.
 * Printed, not asserted: speed is measured, never asserted in tests (target < 1.5 s).
 */
test('first load of 台账 on the demo data, cold cache: measured and printed', async ({ page }) => {
  const started = Date.now();
  await page.goto('/ledger');
  await expect(page.getByTestId('ledger-table').locator('.el-table__body tr').first()).toBeVisible();
  const elapsed = Date.now() - started;
  const resources = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({ name: r.name, bytes: r.transferSize })),
  );
  const scripts = resources.filter((r) => /\.js$/.test(r.name));
  const bytes = resources.reduce((s, r) => s + r.bytes, 0);
  console.log(
    `UI first load (cold cache, demo data, /ledger until its rows show): ${elapsed} ms (target < 1500 ms); ` +
      `${resources.length} requests, ${(bytes / 1024).toFixed(0)} KiB transferred, ${scripts.length} scripts`,
  );
  expect(resources.length).toBeGreaterThan(0);
});
