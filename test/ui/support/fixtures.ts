/// <reference lib="dom" />
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

/**
 * What every browser test gets: the app's address as baseURL (so
 * page.goto('/ledger') works), and `api`, a request context for setting up
 * fixtures through the API. Flows themselves act only through the page.
 */
export const test = base.extend<{ api: APIRequestContext; fixtureUrl: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies destructured; this one has none
  baseURL: async ({}, use) => {
    const url = process.env.PL_UI_BASE_URL;
    if (!url) throw new Error('PL_UI_BASE_URL is not set: run the browser tests with `npm run test:ui`');
    await use(url);
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  fixtureUrl: async ({}, use) => use(process.env.PL_UI_FIXTURE_URL!),
  api: async ({ playwright, baseURL }, use) => {
    // Fixtures are set up as the administrator, with its API token.
    const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${process.env.PL_UI_TOKEN}` } });
    await use(ctx);
    await ctx.dispose();
  },
});

export { expect };

export const ORG = 'daxiang';

/** The number of placements the API lists for a query (what the page should show). */
export async function totalOf(api: APIRequestContext, query: Record<string, string>): Promise<number> {
  const res = await api.get(`/api/orgs/${ORG}/placements`, { params: { pageSize: '1', ...query } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).total as number;
}

/** Waits until an ingestion the API accepted has been written by the worker. */
export async function waitForIngestion(api: APIRequestContext, id: string): Promise<void> {
  await expect
    .poll(async () => (await (await api.get(`/api/ingestions/${id}`)).json()).state, { timeout: 30_000 })
    .toBe('completed');
}

/** The page is no wider than the screen: nothing scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Picks an option of an Element Plus select by its visible text. */
export async function choose(page: Page, select: ReturnType<Page['locator']>, option: string): Promise<void> {
  // An empty select's placeholder lies over its input: the click is meant for the select as a whole.
  await select.click({ force: true });
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: option }).first().click();
}
