import type { FullConfig } from '@playwright/test';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startStack } from './stack';
import { ADMIN_STATE } from './auth-state';

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
  process.env.PL_UI_TOKEN = stack.admin.token;
  // The pages are opened signed in as the administrator (one session for the run), unless a test signs in itself.
  const login = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: stack.admin.username, password: stack.admin.password }),
  });
  if (!login.ok) throw new Error(`signing in the browser tests' administrator failed: ${login.status} ${await login.text()}`);
  const value = /pl_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!value) throw new Error('no session cookie in the sign-in answer');
  mkdirSync(path.dirname(ADMIN_STATE), { recursive: true });
  writeFileSync(
    ADMIN_STATE,
    JSON.stringify({
      cookies: [{ name: 'pl_session', value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }],
      origins: [],
    }),
  );
  return stack.stop;
}
