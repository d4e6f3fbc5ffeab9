import { defineConfig } from '@playwright/test';
import { ADMIN_STATE } from './test/ui/support/auth-state';

/**
 * Browser tests of the web UI (npm run test:ui): Debian's Chromium driven by
 * Playwright against the real app (API, workers and crawler in one process,
 * as `npm start` runs it) on a database of its own with the demo data, the
 * real Redis, and the loopback crawl fixture server. test/ui/support/stack.ts
 * starts all of it once for the run.
 */
export default defineConfig({
  testDir: 'test/ui',
  testMatch: /\.ui-spec\.ts$/,
  outputDir: 'test-results/ui',
  globalSetup: './test/ui/support/global-setup.ts',
  // One browser at a time: the flows share one app and the machine is small.
  workers: 1,
  fullyParallel: false,
  // Generous: CI shares two cores with the app under test.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  forbidOnly: true,
  use: {
    // Signed in as the administrator (global-setup); a test that signs in itself starts from no state.
    storageState: ADMIN_STATE,
    browserName: 'chromium',
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Playwright's own browser download cannot work here: Debian's chromium package (.ci/run installs it).
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
