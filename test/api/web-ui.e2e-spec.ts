import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApi, TestApi } from '../support/harness';

/**
 * The web UI is served by the API on its own port: the built files, and the
 * UI's page for every other GET that is not the API's, while /api, /docs and
 * /health answer as before.
 */
describe('the web UI on the API port', () => {
  describe('with a built UI', () => {
    let api: TestApi;
    let dir: string;
    const page = '<!doctype html><html lang="zh-CN"><title>上稿台账</title><div id="app"></div><script type="module" src="/assets/index-abc123.js"></script>';
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'pl-web-'));
      writeFileSync(path.join(dir, 'index.html'), page);
      mkdirSync(path.join(dir, 'assets'));
      writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("上稿台账")');
      api = await startApi({ withWorker: false, webUiDir: dir });
    });
    afterAll(async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves index.html at / and at the UI routes, never cached', async () => {
      for (const url of ['/', '/ledger', '/entry?id=5', '/manage/users', '/index.html']) {
        const res = await api.http().get(url).expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.text).toBe(page);
      }
    });

    it('serves the hashed assets with a year of caching; a missing asset is a 404', async () => {
      const res = await api.http().get('/assets/index-abc123.js').expect(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.text).toContain('上稿台账');
      await api.http().get('/assets/index-gone.js').expect(404);
    });

    it('leaves the API, the documents and the health check as they were', async () => {
      const unknown = await api.http().get('/api/no-such-route').expect(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      await api.http().get('/api/orgs').expect(200).expect('content-type', /json/);
      const docs = await api.http().get('/docs').expect(200);
      expect(docs.text).toContain('swagger');
      await api.http().get('/docs-json').expect(200).expect('content-type', /json/);
      await api.http().get('/health').expect(200);
      await api.http().post('/ledger').send({}).expect(404);
    });
  });

  it('without a build, / says how to build the UI', async () => {
    const api = await startApi({ withWorker: false, webUiDir: path.join(os.tmpdir(), 'pl-web-missing-folder') });
    try {
      const res = await api.http().get('/').expect(200);
      expect(res.text).toContain('npm run build');
      await api.http().get('/api/orgs').expect(200);
    } finally {
      await api.close();
    }
  });
});
