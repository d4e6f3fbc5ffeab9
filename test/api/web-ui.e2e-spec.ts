import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
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
    const bigScript = `console.log(${JSON.stringify('上稿台账 '.repeat(2000))});`;
    const page = '<!doctype html><html lang="zh-CN"><title>上稿台账</title><div id="app"></div><script type="module" src="/assets/index-abc123.js"></script>';
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'pl-web-'));
      writeFileSync(path.join(dir, 'index.html'), page);
      mkdirSync(path.join(dir, 'assets'));
      writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("上稿台账")');
      // As the build writes them (apps/web/vite.config.mts): a brotli and a gzip copy next to a script.
      writeFileSync(path.join(dir, 'assets', 'big-abc123.js'), bigScript);
      writeFileSync(path.join(dir, 'assets', 'big-abc123.js.br'), brotliCompressSync(bigScript));
      writeFileSync(path.join(dir, 'assets', 'big-abc123.js.gz'), gzipSync(bigScript));
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

    it('sends the build\'s brotli or gzip copy to a browser that accepts it, the plain file to the rest', async () => {
      // supertest decodes the body by its Content-Encoding; the length on the wire is the copy's.
      const br = await api.http().get('/assets/big-abc123.js').set('accept-encoding', 'gzip, deflate, br').expect(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(/javascript/);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(Number(br.headers['content-length'])).toBe(brotliCompressSync(bigScript).length);
      expect(br.text).toBe(bigScript);
      const gz = await api.http().get('/assets/big-abc123.js').set('accept-encoding', 'gzip').expect(200);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(Number(gz.headers['content-length'])).toBe(gzipSync(bigScript).length);
      expect(gz.text).toBe(bigScript);
      const plain = await api.http().get('/assets/big-abc123.js').set('accept-encoding', 'identity').expect(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.text).toBe(bigScript);
      // The copies are encodings of the script, not files of their own.
      await api.http().get('/assets/big-abc123.js.br').expect(404);
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
