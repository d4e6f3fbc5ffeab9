import type { FullConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startStack } from './stack';

/**
 * Starts the app once for the whole run (see stack.ts) and tells the tests
 * where it is through the environment, which Playwright's workers inherit.
 * `npm run test:ui` builds dist/ (the API and the UI) first.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const root = path.resolve(__dirname, '..', '..', '..');
  for (const built of ['dist/apps/api/src/main.js', 'dist/web/index.html']) {
    if (!existsSync(path.join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` (npm run test:ui does)`);
  }
  const stack = await startStack();
  process.env.PL_UI_BASE_URL = stack.baseUrl;
  process.env.PL_UI_FIXTURE_URL = stack.fixtureUrl;
  return stack.stop;
}
