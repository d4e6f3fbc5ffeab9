import type { Test } from 'supertest';
import { startApi, tableCounts, TestApi, waitForIngestion } from '../support/harness';

/**
 * Hostile input at the API's edge (issue 13), on SQLite and, under
 * `npm run test:pg`, on PostgreSQL: each case answers the status it must,
 * its error names the field at fault, and no table gains a row.
 */

const PLACEMENTS = '/api/orgs/daxiang/placements';
const IMPORTS = '/api/orgs/daxiang/imports';
const PUBLIC_URL = 'https://ledger.example.org';
const valid = { channel: '湖南日报', title: '大祥区：敌意输入测试的基准稿件', publishedOn: '2021-05-12' };
const csv = Buffer.from('\ufeff刊发日期,标题,媒体\r\n2021-05-13,大祥区：跨站导入的稿件,湖南日报\r\n', 'utf8');

interface Case {
  send: (api: TestApi) => Test;
  status: number;
  field: string;
}

const CASES: [string, Case][] = [
  // Point 4: only JSON (and multipart on the imports) reaches the routes; foreign pages cannot write.
  [
    'a form-encoded POST (channel=央视&title=…)',
    {
      send: (api) => api.http().post(PLACEMENTS).set('Content-Type', 'application/x-www-form-urlencoded').send('channel=央视&title=表单稿件&publishedOn=2021-05-12'),
      status: 415,
      field: 'content-type',
    },
  ],
  [
    'a multipart import from a foreign Origin',
    { send: (api) => api.http().post(IMPORTS).set('Origin', 'https://evil.example').attach('file', csv, '台账.csv'), status: 403, field: 'origin' },
  ],
  [
    'a JSON POST from a foreign Origin',
    { send: (api) => api.http().post(PLACEMENTS).set('Origin', 'https://evil.example').send(valid), status: 403, field: 'origin' },
  ],
  [
    'a POST from the opaque origin "null" (a sandboxed frame, a file:// page)',
    { send: (api) => api.http().post(PLACEMENTS).set('Origin', 'null').send(valid), status: 403, field: 'origin' },
  ],
  [
    'a POST without Origin whose Referer is foreign',
    { send: (api) => api.http().post(PLACEMENTS).set('Referer', 'http://evil.example/page.html').send(valid), status: 403, field: 'referer' },
  ],
  [
    'a PATCH from a look-alike of PUBLIC_URL',
    { send: (api) => api.http().patch(`${PLACEMENTS}/1`).set('Origin', 'https://ledger.example.org.evil.example').send({ status: 'confirmed' }), status: 403, field: 'origin' },
  ],
  [
    'a DELETE from a foreign Origin',
    { send: (api) => api.http().delete('/api/crawl/sources/1').set('Origin', 'https://evil.example'), status: 403, field: 'origin' },
  ],
  [
    'a __proto__ key',
    { send: (api) => api.http().post(PLACEMENTS).set('Content-Type', 'application/json').send('{"__proto__": {"admin": true}, "title": "x"}'), status: 400, field: '__proto__' },
  ],
  [
    'a constructor key',
    { send: (api) => api.http().post(PLACEMENTS).send({ ...valid, constructor: { prototype: { admin: true } } }), status: 400, field: 'constructor' },
  ],
];

describe('hostile input', () => {
  let api: TestApi;
  let before: Record<string, number>;

  beforeAll(async () => {
    api = await startApi({ env: { PUBLIC_URL } });
    const res = await api.http().post(PLACEMENTS).send(valid).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    before = await tableCounts(api.dataSource);
  });
  afterAll(async () => {
    await api.close();
  });

  describe.each(CASES)('%s', (_name, c) => {
    it(`answers ${c.status} naming the field, and writes nothing`, async () => {
      const res = await c.send(api);
      expect(res.status).toBe(c.status);
      expect(res.body).toMatchObject({ statusCode: c.status, message: expect.any(String) });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(c.field);
      // Nothing queued, nothing written: give a wrongly accepted write time to land first.
      await new Promise((r) => setTimeout(r, 100));
      expect(await tableCounts(api.dataSource)).toEqual(before);
    });
  });

  describe('what still passes the origin check', () => {
    it.each([
      ['no Origin and no Referer (scripts, the CLI)', {}],
      ['the API’s own origin', { Host: 'ledger.internal:8080', Origin: 'http://ledger.internal:8080' }],
      ['a Referer on the API’s own origin', { Host: 'ledger.internal:8080', Referer: 'http://ledger.internal:8080/entry' }],
      ['PUBLIC_URL’s origin (the reverse proxy editors use)', { Origin: PUBLIC_URL }],
    ])('%s', async (_name, headers: Record<string, string>) => {
      const title = `大祥区：同源写入${Object.keys(headers).join('')}${Object.values(headers).join('')}`;
      const res = await api.http().post(PLACEMENTS).set(headers).send({ ...valid, title }).expect(202);
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1 });
    });

    it('reads from a foreign page are not refused (they are not state-changing)', async () => {
      await api.http().get(PLACEMENTS).set('Origin', 'https://evil.example').expect(200);
    });

    it('a multipart import from the API’s own origin is taken', async () => {
      const res = await api.http().post(IMPORTS).set({ Host: 'ledger.internal', Origin: 'http://ledger.internal' }).attach('file', csv, '台账.csv').expect(202);
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: 1 });
    });
  });
});
