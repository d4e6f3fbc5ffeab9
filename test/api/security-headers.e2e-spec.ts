import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Response } from 'supertest';
import { startApi, TestApi } from '../support/harness';

/**
 * Security headers (@fastify/helmet) on every kind of answer: the UI's page,
 * the API's JSON (a refusal included), /health, the documents and the queue
 * dashboard, each with the Content-Security-Policy it works under.
 * Strict-Transport-Security only when the request came over HTTPS (through a
 * proxy trusted by TRUST_PROXY), as the session cookie's Secure flag.
 */

/** The policy's directives by name. */
function csp(res: Response): Record<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(typeof header).toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name, values]),
  );
}

function expectCommonHeaders(res: Response): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  // same-origin, not no-referrer: under no-referrer the UI's own POSTs would carry `Origin: null`.
  expect(res.headers['referrer-policy']).toBe('same-origin');
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(res.headers['x-powered-by']).toBeUndefined();
  // How long the API took, on every answer (the browser's network panel, the UI's first-load test).
  expect(res.headers['server-timing']).toMatch(/^app;dur=\d+\.\d$/);
}

describe('security headers', () => {
  describe('over plain HTTP', () => {
    let api: TestApi;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'pl-web-'));
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>上稿台账</title><div id="app"></div><script type="module" src="/assets/a.js"></script>');
      api = await startApi({ withWorker: false, webUiDir: dir });
    });
    afterAll(async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sends the UI’s page with a policy that allows its own scripts only, and inline styles', async () => {
      for (const url of ['/', '/ledger']) {
        const res = await api.anonymous().get(url).expect(200);
        expectCommonHeaders(res);
        const policy = csp(res);
        expect(policy['default-src']).toEqual(["'self'"]);
        expect(policy['script-src']).toEqual(["'self'"]);
        expect(policy['script-src-attr']).toEqual(["'none'"]);
        expect(policy['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
        expect(policy['connect-src']).toEqual(["'self'"]);
        expect(policy['object-src']).toEqual(["'none'"]);
        expect(policy['frame-ancestors']).toEqual(["'self'"]);
        expect(policy['img-src']).toEqual(["'self'", 'data:', 'blob:']);
        // Not on plain HTTP: it would send the page's requests to an HTTPS port that is not there.
        expect(policy['upgrade-insecure-requests']).toBeUndefined();
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('sends them with the API’s JSON, its refusals and /health', async () => {
      const answers = [
        await api.http().get('/api/orgs').expect(200),
        await api.anonymous().get('/api/orgs').expect(401),
        await api.anonymous().post('/api/orgs/daxiang/imports').set('Content-Type', 'text/plain').send('x').expect(401),
        await api.http().get('/api/orgs/nowhere/placements').expect(404),
        await api.anonymous().get('/health').expect(200),
      ];
      for (const res of answers) {
        expectCommonHeaders(res);
        expect(csp(res)['default-src']).toEqual(["'self'"]);
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('gives the documents and the queue dashboard policies of their own, scripts still from files only', async () => {
      const docs = await api.anonymous().get('/docs').expect(200);
      expectCommonHeaders(docs);
      expect(csp(docs)['script-src']).toEqual(["'self'"]);
      expect(csp(docs)['style-src']).toContain("'unsafe-inline'");
      const board = await api.http().get('/admin/queues').expect(200);
      expectCommonHeaders(board);
      expect(csp(board)['script-src']).toEqual(["'self'"]);
      expect(csp(board)['style-src']).toContain('https://fonts.googleapis.com');
      // The UI's policy does not take the dashboard's allowances.
      const ui = await api.anonymous().get('/').expect(200);
      expect(csp(ui)['style-src']).not.toContain('https://fonts.googleapis.com');
    });

    it('ignores X-Forwarded-Proto from a proxy it does not trust', async () => {
      const res = await api.anonymous().get('/health').set('X-Forwarded-Proto', 'https').expect(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      const login = await api.anonymous().post('/api/auth/login').set('X-Forwarded-Proto', 'https').send(api.admin).expect(200);
      expect(String(login.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    });
  });

  describe('behind a trusted TLS proxy (TRUST_PROXY)', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startApi({ withWorker: false, env: { TRUST_PROXY: '127.0.0.1' } });
    });
    afterAll(async () => {
      await api.close();
    });

    it('sends Strict-Transport-Security on the answers to HTTPS requests, as it marks the session cookie Secure', async () => {
      for (const res of [
        await api.anonymous().get('/health').set('X-Forwarded-Proto', 'https').expect(200),
        await api.anonymous().get('/api/orgs').set('X-Forwarded-Proto', 'https').expect(401),
        await api.http().get('/api/orgs').set('X-Forwarded-Proto', 'https').expect(200),
      ]) {
        expect(res.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
        expectCommonHeaders(res);
      }
      const login = await api.anonymous().post('/api/auth/login').set('X-Forwarded-Proto', 'https').send(api.admin).expect(200);
      expect(String(login.headers['set-cookie'])).toMatch(/;\s*Secure/i);
      expect(login.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    });

    it('sends none over the proxy’s plain HTTP', async () => {
      const res = await api.anonymous().get('/health').set('X-Forwarded-Proto', 'http').expect(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      const login = await api.anonymous().post('/api/auth/login').send(api.admin).expect(200);
      expect(String(login.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    });
  });
});
