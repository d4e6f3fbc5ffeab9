import { routeTable } from '../../apps/api/src/http/route-table';
import { addUser, Http, signIn, startApi, TestApi, waitForIngestion } from '../support/harness';

/**
 * Every route Fastify serves — Nest's controllers and what is registered on
 * Fastify directly (the queue dashboard, the UI's files, the API documents) —
 * as Fastify's own onRoute hook reported them, checked two ways: without
 * credentials (401, except the few public routes), and as an editor of
 * another organization (404 for anything of this one, 403 for the
 * administrators' routes). A route added without a decision here fails.
 */

/** Public: anyone may call them. */
const PUBLIC = [/^\/health$/, /^\/api\/auth\/login$/, /^\/docs/];
/** Any signed-in caller: their own things, or the shared catalog. */
const SIGNED_IN = ['GET /api/auth/me', 'POST /api/auth/logout', 'GET /api/tokens', 'POST /api/tokens', 'DELETE /api/tokens/:name', 'GET /api/channels', 'GET /api/orgs', 'GET /api/imports/template'];
/**
 * Expected as an editor of daxiang: another organization's routes (`:org` = beita) 404; another region's
 * readable things (GET …/regions/:region/…) 404, their changes (administrators') 403.
 * Things without the organization in their path, created by another organization here: 404.
 */
const OWNED = ['/api/ingestions/:id', '/api/reports/:id', '/api/reports/:id/file', '/api/crawl/runs/:id'];

describe('every route in Fastify’s route table is guarded', () => {
  let api: TestApi;
  let asDaxiangEditor: Http;
  let editorPassword: string;
  let routes: { method: string; path: string }[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ env: { REPORT_SYNC_LIMIT: '0' } });
    await api
      .http()
      .post('/api/orgs')
      .send({ slug: 'beita', name: '邵阳市北塔区融媒体中心', region: '长沙市', foundedOn: '2019-08-01', keywords: ['北塔'] })
      .expect(201);
    // Things of beita that have no organization in their path.
    ids['/api/ingestions/:id'] = (await api.http().post('/api/orgs/beita/placements/bulk').send({ placements: [{ channel: '央视', title: '北塔：一条', publishedOn: '2021-03-02' }] }).expect(202)).body.ingestionId;
    // A report over more placements than REPORT_SYNC_LIMIT (0) is queued: a report job of beita.
    await waitForIngestion(api, ids['/api/ingestions/:id']);
    const report = await api.http().get('/api/orgs/beita/reports/annual?year=2021&format=md').expect(202);
    ids['/api/reports/:id'] = ids['/api/reports/:id/file'] = report.body.id;
    ids['/api/crawl/runs/:id'] = (await api.http().post('/api/orgs/beita/crawl/confirm').send({}).expect(202)).body.runId;
    const editor = await addUser(api, { username: 'daxiang-editor', role: 'editor', org: 'daxiang' });
    asDaxiangEditor = await signIn(api, editor.username, editor.password);
    editorPassword = editor.password;
    routes = routeTable(api.app.getHttpAdapter().getInstance())
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => ({ method: r.method, path: r.url }));
  });
  afterAll(async () => {
    await api.close();
  });

  /** A concrete URL of a route: beita for :org, its things for their ids, another region for :region. */
  const urlOf = (path: string): string =>
    (ids[path] ? path.replace(':id', ids[path]) : path)
      .replace(':org', 'beita')
      .replace(':region', encodeURIComponent('长沙市'))
      .replace(/:year/g, '2021')
      .replace(/:kind/g, 'report')
      .replace(/:(id|indicator|username|name)/g, '1')
      // A wildcard: something under it (`/admin/queues*` → /admin/queues/x).
      .replace(/\/?\*$/, '/x');

  /** A well-formed request of the route (a file for the uploads, which take only multipart), so that access is what answers it. */
  const call = (http: Http, method: string, url: string) => {
    const req = http()[method.toLowerCase() as 'get'](url);
    if (method === 'GET' || method === 'DELETE') return req;
    return /\/imports(\/preview)?$/.test(url) ? req.attach('file', Buffer.from('标题,刊发日期\n'), 'ledger.csv') : req.send({});
  };

  it('reads a route table with the API’s, the dashboard’s, the documents’ and the UI’s routes', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    for (const k of ['GET /health', 'POST /api/auth/login', 'POST /api/orgs/:org/placements', 'GET /api/ingestions/:id', 'GET /admin/queues', 'GET /docs-json', 'GET /*']) {
      expect(keys).toContain(k);
    }
    expect(routes.length).toBeGreaterThan(60);
    // The recorded table is Fastify's: every route in it is one Fastify finds.
    const fastify = api.app.getHttpAdapter().getInstance() as { hasRoute(o: { method: string; url: string }): boolean };
    expect(routes.filter((r) => !fastify.hasRoute({ method: r.method, url: r.path }))).toEqual([]);
  });

  it('answers 401 to a caller without credentials, except on the public routes', async () => {
    const wrong: string[] = [];
    for (const { method, path } of routes) {
      const res = await call(api.anonymous, method, urlOf(path));
      const isPublic = PUBLIC.some((re) => re.test(path)) || !/^\/(api|admin|health|docs)/.test(path);
      if (isPublic ? res.status === 401 : res.status !== 401) wrong.push(`${method} ${path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers 401 to a caller without credentials whatever the body’s content type or origin, before looking at either', async () => {
    // Each a body some guarded route refuses (415, or 403 for the origin) when the caller is signed in.
    const bodies: { label: string; type: string; raw: string; origin?: string }[] = [
      { label: 'text/plain', type: 'text/plain', raw: '{}' },
      { label: 'form-encoded', type: 'application/x-www-form-urlencoded', raw: 'title=x' },
      { label: 'multipart', type: 'multipart/form-data; boundary=x', raw: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx\r\n--x--\r\n' },
      { label: 'JSON', type: 'application/json', raw: '{}' },
      { label: 'XML', type: 'application/xml', raw: '<x/>' },
      { label: 'JSON from a foreign site', type: 'application/json', raw: '{}', origin: 'https://evil.example' },
    ];
    const wrong: string[] = [];
    let tried = 0;
    for (const { method, path } of routes) {
      if (method === 'GET' || PUBLIC.some((re) => re.test(path)) || !/^\/(api|admin)/.test(path)) continue;
      for (const body of bodies) {
        let req = api.anonymous()[method.toLowerCase() as 'post'](urlOf(path)).set('Content-Type', body.type);
        if (body.origin) req = req.set('Origin', body.origin);
        const res = await req.send(body.raw);
        tried += 1;
        if (res.status !== 401 || res.body.errors?.[0]?.field !== 'authorization') wrong.push(`${method} ${path} (${body.label}): ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // The import routes were among them (JSON and text there were 415 before the sign-in check came first).
    expect(routes.filter((r) => r.method === 'POST' && /\/imports(\/preview)?$/.test(r.path))).toHaveLength(2);
    expect(tried).toBeGreaterThan(100);
  });

  it('still answers a signed-in caller’s wrong content type 415 naming it', async () => {
    const res = await api.http().post('/api/orgs/daxiang/imports').set('Content-Type', 'application/json').send('{}').expect(415);
    expect(res.body.errors[0].field).toBe('content-type');
  });

  it('answers 404 for another organization’s routes and things, 403 for the administrators’ routes', async () => {
    const wrong: string[] = [];
    for (const { method, path } of routes) {
      if (PUBLIC.some((re) => re.test(path)) || !/^\/(api|admin)/.test(path)) continue;
      const key = `${method} ${path}`;
      // Signing out ends the session: on a session of its own.
      const http = key === 'POST /api/auth/logout' ? await signIn(api, 'daxiang-editor', editorPassword) : asDaxiangEditor;
      const res = await call(http, method, urlOf(path));
      const expected = SIGNED_IN.includes(key)
        ? 'own'
        : path.includes(':org') || (path.includes(':region') && method === 'GET') || OWNED.includes(path)
          ? 404
          : 403;
      if (expected === 'own' ? [401, 403, 404].includes(res.status) && !(key === 'DELETE /api/tokens/:name' && res.status === 404) : res.status !== expected) {
        wrong.push(`${key}: ${res.status} (expected ${expected})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers another organization’s thing exactly as one that does not exist', async () => {
    const foreign = await asDaxiangEditor().get(`/api/ingestions/${ids['/api/ingestions/:id']}`).expect(404);
    const missing = await asDaxiangEditor().get('/api/ingestions/00000000-0000-4000-8000-000000000000').expect(404);
    expect(foreign.body.errors.map((e: { field: string }) => e.field)).toEqual(missing.body.errors.map((e: { field: string }) => e.field));
    expect(foreign.body.message.replace(ids['/api/ingestions/:id'], '…')).toBe(missing.body.message.replace('00000000-0000-4000-8000-000000000000', '…'));
  });
});
