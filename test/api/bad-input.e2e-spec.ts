import { IngestionQueue } from '@pl/placements';
import { startApi, tableCounts, TestApi, waitForIngestion } from '../support/harness';

/**
 * Bad input never reaches the ledger: every payload of the table gets a 4xx
 * naming the field at fault, and afterwards no table has a row more and the
 * queue has no job more than before. Valid titles that look like HTML or SQL
 * are stored exactly as sent.
 */

const PLACEMENTS = '/api/orgs/daxiang/placements';
const BULK = '/api/orgs/daxiang/placements/bulk';
/** Replaced by the id of a real placement made before the table runs. */
const PLACEMENT = '/api/orgs/daxiang/placements/:id';

const valid = { channel: '湖南日报', title: '大祥区：坏输入测试的基准稿件', publishedOn: '2021-05-12' };
const withField = (patch: Record<string, unknown>) => ({ ...valid, ...patch });
const without = (field: keyof typeof valid) => {
  const copy: Record<string, unknown> = { ...valid };
  delete copy[field];
  return copy;
};
const validOrg = { slug: 'shaodong', name: '邵东市融媒体中心', region: '邵阳市', foundedOn: '2019-01-01', keywords: ['邵东'] };
const validChannel = { name: '坏输入测试频道', outlet: '坏输入测试媒体', tier: 'municipal', kind: 'website' };

interface Case {
  method: 'post' | 'patch';
  path: string;
  /** A JSON value to send, or `raw` text sent as application/json (or as `contentType`). */
  body?: unknown;
  raw?: string;
  contentType?: string;
  status?: number;
  /** The field the error must name (a bulk entry's field may carry its `placements.N.` path). */
  field: string;
  /** The error code the body must carry (every case carries one). */
  code?: string;
}

const bulkOf = (n: number) => ({
  placements: Array.from({ length: n }, (_, i) => ({ channel: '湖南日报', title: `批量稿件${i}`, publishedOn: '2021-05-12' })),
});

const TABLE: [string, Case][] = [
  // A single placement.
  ['missing title', { method: 'post', path: PLACEMENTS, body: without('title'), field: 'title' }],
  ['empty title', { method: 'post', path: PLACEMENTS, body: withField({ title: '' }), field: 'title' }],
  ['whitespace-only title', { method: 'post', path: PLACEMENTS, body: withField({ title: ' \t　 ' }), field: 'title' }],
  ['title of 501 characters', { method: 'post', path: PLACEMENTS, body: withField({ title: '稿'.repeat(501) }), field: 'title' }],
  ['title as a number', { method: 'post', path: PLACEMENTS, body: withField({ title: 2021 }), field: 'title' }],
  ['title as null', { method: 'post', path: PLACEMENTS, body: withField({ title: null }), field: 'title' }],
  ['title with a control character', { method: 'post', path: PLACEMENTS, body: withField({ title: '大祥\u0000区' }), field: 'title' }],
  ['unknown channel', { method: 'post', path: PLACEMENTS, body: withField({ channel: '不存在的频道' }), field: 'channel' }],
  ['unknown channel id', { method: 'post', path: PLACEMENTS, body: withField({ channel: 999999 }), field: 'channel' }],
  ['empty channel', { method: 'post', path: PLACEMENTS, body: withField({ channel: '' }), field: 'channel' }],
  ['channel as an object', { method: 'post', path: PLACEMENTS, body: withField({ channel: { name: '湖南日报' } }), field: 'channel' }],
  ['channel as a negative number', { method: 'post', path: PLACEMENTS, body: withField({ channel: -1 }), field: 'channel' }],
  ['missing channel', { method: 'post', path: PLACEMENTS, body: without('channel'), field: 'channel' }],
  ['publishedOn 2021-02-30', { method: 'post', path: PLACEMENTS, body: withField({ publishedOn: '2021-02-30' }), field: 'publishedOn' }],
  ['publishedOn 2021-13-01', { method: 'post', path: PLACEMENTS, body: withField({ publishedOn: '2021-13-01' }), field: 'publishedOn' }],
  ['publishedOn 21-1-1', { method: 'post', path: PLACEMENTS, body: withField({ publishedOn: '21-1-1' }), field: 'publishedOn' }],
  ['publishedOn as a number', { method: 'post', path: PLACEMENTS, body: withField({ publishedOn: 20210512 }), field: 'publishedOn' }],
  ['publishedOn with a time', { method: 'post', path: PLACEMENTS, body: withField({ publishedOn: '2021-05-12T08:00:00Z' }), field: 'publishedOn' }],
  ['missing publishedOn', { method: 'post', path: PLACEMENTS, body: without('publishedOn'), field: 'publishedOn', code: 'PLACEMENT_INVALID' }],
  ['url javascript:alert(1)', { method: 'post', path: PLACEMENTS, body: withField({ url: 'javascript:alert(1)' }), field: 'url' }],
  ['url ftp://x', { method: 'post', path: PLACEMENTS, body: withField({ url: 'ftp://x' }), field: 'url' }],
  ['url without a scheme', { method: 'post', path: PLACEMENTS, body: withField({ url: 'www.example.com/a.html' }), field: 'url' }],
  ['url not a string', { method: 'post', path: PLACEMENTS, body: withField({ url: ['https://example.com/'] }), field: 'url' }],
  ['url over 2048 characters', { method: 'post', path: PLACEMENTS, body: withField({ url: `https://example.com/${'a'.repeat(2048)}` }), field: 'url' }],
  ['unknown genre', { method: 'post', path: PLACEMENTS, body: withField({ genre: '诗歌' }), field: 'genre' }],
  ['unknown prominence', { method: 'post', path: PLACEMENTS, body: withField({ prominence: 'sidebar' }), field: 'prominence' }],
  // Names every object inherits are no genre or prominence (a plain lookup in the alias table took them for one).
  ['genre "constructor"', { method: 'post', path: PLACEMENTS, body: withField({ genre: 'constructor' }), field: 'genre' }],
  ['prominence "toString"', { method: 'post', path: PLACEMENTS, body: withField({ prominence: 'toString' }), field: 'prominence' }],
  ['authors as a number', { method: 'post', path: PLACEMENTS, body: withField({ authors: 42 }), field: 'authors' }],
  ['31 authors', { method: 'post', path: PLACEMENTS, body: withField({ authors: Array.from({ length: 31 }, (_, i) => `作者${i}`) }), field: 'authors' }],
  ['section of 101 characters', { method: 'post', path: PLACEMENTS, body: withField({ section: '版'.repeat(101) }), field: 'section' }],
  ['note of 2001 characters', { method: 'post', path: PLACEMENTS, body: withField({ note: '注'.repeat(2001) }), field: 'note' }],
  ['unknown field foo', { method: 'post', path: PLACEMENTS, body: withField({ foo: 'bar' }), field: 'foo' }],
  ['status set by the client', { method: 'post', path: PLACEMENTS, body: withField({ status: 'confirmed' }), field: 'status' }],
  ['body an array', { method: 'post', path: PLACEMENTS, body: [valid], field: 'body' }],
  ['body a JSON string', { method: 'post', path: PLACEMENTS, raw: '"大祥区"', field: 'body' }],
  ['body JSON null', { method: 'post', path: PLACEMENTS, raw: 'null', field: 'body' }],
  ['body a JSON number', { method: 'post', path: PLACEMENTS, raw: '42', field: 'body' }],
  ['invalid JSON text', { method: 'post', path: PLACEMENTS, raw: '{"title": "大祥区", ', field: 'body', code: 'HTTP_BAD_JSON' }],
  ['JSON with a trailing comma', { method: 'post', path: PLACEMENTS, raw: '{"title": "大祥区",}', field: 'body' }],
  ['an empty body sent as JSON', { method: 'post', path: PLACEMENTS, raw: '', field: 'body' }],
  ['a __proto__ key (prototype poisoning)', { method: 'post', path: PLACEMENTS, raw: '{"__proto__": {"admin": true}, "title": "大祥区"}', field: '__proto__', code: 'HTTP_FORBIDDEN_KEY' }],
  ['a constructor key', { method: 'post', path: PLACEMENTS, raw: '{"channel": "湖南日报", "title": "大祥区", "publishedOn": "2021-05-12", "constructor": {"prototype": {}}}', field: 'constructor' }],
  ['a nested constructor key', { method: 'post', path: BULK, raw: '{"placements": [{"channel": "湖南日报", "title": "大祥区", "publishedOn": "2021-05-12", "constructor": "x"}]}', field: 'placements.0.constructor' }],
  ['an XML body', { method: 'post', path: PLACEMENTS, raw: '<placement/>', contentType: 'application/xml', status: 415, field: 'content-type', code: 'HTTP_UNSUPPORTED_MEDIA_TYPE' }],
  // Form-encoded and text bodies need no CORS preflight: a foreign page could send them, so only JSON is taken.
  ['a form-encoded body', { method: 'post', path: PLACEMENTS, raw: 'channel=央视&title=x&publishedOn=2021-05-12', contentType: 'application/x-www-form-urlencoded', status: 415, field: 'content-type' }],
  ['a text/plain body', { method: 'post', path: PLACEMENTS, raw: JSON.stringify(valid), contentType: 'text/plain', status: 415, field: 'content-type' }],
  ['a multipart body outside the imports', { method: 'post', path: PLACEMENTS, raw: '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--x--\r\n', contentType: 'multipart/form-data; boundary=x', status: 415, field: 'content-type' }],
  ['empty JSON object', { method: 'post', path: PLACEMENTS, body: {}, field: 'title' }],
  ['a 5 MB body', { method: 'post', path: PLACEMENTS, body: withField({ note: 'x'.repeat(5 * 1024 * 1024) }), status: 413, field: 'body', code: 'HTTP_BODY_TOO_LARGE' }],
  // Bulk.
  ['bulk of 10,001', { method: 'post', path: BULK, body: bulkOf(10_001), field: 'placements' }],
  ['bulk empty list', { method: 'post', path: BULK, body: { placements: [] }, field: 'placements' }],
  ['bulk without placements', { method: 'post', path: BULK, body: {}, field: 'placements' }],
  ['bulk placements not a list', { method: 'post', path: BULK, body: { placements: valid }, field: 'placements' }],
  ['bulk with an unknown top-level field', { method: 'post', path: BULK, body: { ...bulkOf(1), dryRun: true }, field: 'dryRun' }],
  [
    'bulk where every entry is invalid',
    {
      method: 'post',
      path: BULK,
      body: { placements: [without('title'), withField({ publishedOn: '2021-02-30' }), withField({ channel: '不存在的频道' }), 'a string', null] },
      field: 'title',
    },
  ],
  ['bulk body an array', { method: 'post', path: BULK, body: [valid], field: 'body' }],
  // Status changes.
  ['PATCH status deleted', { method: 'patch', path: PLACEMENT, body: { status: 'deleted' }, field: 'status' }],
  ['PATCH status claimed', { method: 'patch', path: PLACEMENT, body: { status: 'claimed' }, field: 'status' }],
  ['PATCH missing status', { method: 'patch', path: PLACEMENT, body: { reason: '核实' }, field: 'status' }],
  ['PATCH unknown field', { method: 'patch', path: PLACEMENT, body: { status: 'confirmed', title: '改标题' }, field: 'title' }],
  ['PATCH reason of 1001 characters', { method: 'patch', path: PLACEMENT, body: { status: 'confirmed', reason: '因'.repeat(1001) }, field: 'reason' }],
  ['PATCH a malformed id', { method: 'patch', path: `${PLACEMENTS}/12abc`, body: { status: 'confirmed' }, field: 'id' }],
  ['PATCH an illegal transition', { method: 'patch', path: PLACEMENT, body: { status: 'dismissed' }, status: 409, field: 'status' }],
  // Organizations.
  ['org foundedOn 2021-02-30', { method: 'post', path: '/api/orgs', body: { ...validOrg, foundedOn: '2021-02-30' }, field: 'foundedOn' }],
  ['org foundedOn missing', { method: 'post', path: '/api/orgs', body: { ...validOrg, foundedOn: undefined }, field: 'foundedOn' }],
  ['org foundedOn a number', { method: 'post', path: '/api/orgs', body: { ...validOrg, foundedOn: 20190101 }, field: 'foundedOn' }],
  ['org bad slug', { method: 'post', path: '/api/orgs', body: { ...validOrg, slug: 'Shao Dong!' }, field: 'slug' }],
  ['org slug with a path separator', { method: 'post', path: '/api/orgs', body: { ...validOrg, slug: '../daxiang' }, field: 'slug' }],
  ['org unknown field', { method: 'post', path: '/api/orgs', body: { ...validOrg, budget: 1503600 }, field: 'budget' }],
  ['org missing name', { method: 'post', path: '/api/orgs', body: { ...validOrg, name: undefined }, field: 'name' }],
  ['org keywords not a list', { method: 'post', path: '/api/orgs', body: { ...validOrg, keywords: '邵东' }, field: 'keywords' }],
  ['org duplicate slug', { method: 'post', path: '/api/orgs', body: { ...validOrg, slug: 'daxiang' }, status: 409, field: 'slug' }],
  // Channels.
  ['channel tier national', { method: 'post', path: '/api/channels', body: { ...validChannel, tier: 'national' }, field: 'tier' }],
  ['channel kind blog', { method: 'post', path: '/api/channels', body: { ...validChannel, kind: 'blog' }, field: 'kind' }],
  ['channel missing outlet', { method: 'post', path: '/api/channels', body: { ...validChannel, outlet: undefined }, field: 'outlet' }],
  ['channel bad URL pattern', { method: 'post', path: '/api/channels', body: { ...validChannel, urlPatterns: ['('] }, field: 'urlPatterns.0' }],
  ['channel unknown owner', { method: 'post', path: '/api/channels', body: { ...validChannel, owner: 'nowhere' }, field: 'owner' }],
  ['channel unknown field', { method: 'post', path: '/api/channels', body: { ...validChannel, website: 'https://x.cn' }, field: 'website' }],
  ['channel name taken', { method: 'post', path: '/api/channels', body: { ...validChannel, name: 'CCTV' }, status: 409, field: 'name' }],
];

describe('bad input', () => {
  let api: TestApi;
  let placementId: number;
  let before: Record<string, number>;
  let jobsBefore: number;

  const jobCount = async () => {
    const counts = await api.app.get(IngestionQueue).queue.getJobCounts();
    return Object.values(counts).reduce((s, n) => s + n, 0);
  };

  beforeAll(async () => {
    api = await startApi();
    const res = await api.http().post(PLACEMENTS).send(valid).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    placementId = (await api.http().get(PLACEMENTS).expect(200)).body.items[0].id;
    before = await tableCounts(api.dataSource);
    jobsBefore = await jobCount();
  });
  afterAll(async () => {
    await api.close();
  });

  it(`has a table of at least 30 bad payloads (${TABLE.length})`, () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(30);
  });

  it.each(TABLE)('%s: 4xx naming the field', async (_name, c) => {
    const url = c.path.replace(':id', String(placementId));
    let req = api.http()[c.method](url);
    if (c.raw !== undefined) req = req.set('Content-Type', c.contentType ?? 'application/json').send(c.raw);
    else req = req.send(c.body as object);
    const res = await req;
    expect(res.status).toBe(c.status ?? 400);
    expect(res.body).toMatchObject({ statusCode: res.status, error: expect.any(String), code: c.code ?? expect.stringMatching(/^[A-Z]+(_[A-Z0-9]+)+$/), message: expect.any(String) });
    const fields: string[] = (res.body.errors ?? []).map((e: { field: string }) => e.field);
    // A bulk entry's field carries its path (placements.0.title); the body as a whole may be "(body)".
    expect(fields.some((f) => f === c.field || f.endsWith(`.${c.field}`) || f === `(${c.field})`)).toBe(true);
    for (const e of res.body.errors) expect(e.message).toEqual(expect.any(String));
  });

  it('left nothing half-written: every table and the queue as before', async () => {
    expect(await tableCounts(api.dataSource)).toEqual(before);
    expect(await jobCount()).toBe(jobsBefore);
    const one = await api.http().get(`${PLACEMENTS}/${placementId}`).expect(200);
    expect(one.body).toMatchObject({ status: 'claimed', title: valid.title });
    expect(one.body.events).toHaveLength(1);
  });

  describe('valid titles that look like HTML or SQL', () => {
    const titles = [
      '<script>alert(1)</script>大祥',
      "'; DROP TABLE placements; --",
      "Robert'); DELETE FROM channels;--",
      '大祥区 100% 完成 "双减" 任务 \\ _ %',
    ];

    it('are accepted and stored literally; the channels table is intact', async () => {
      const channelsBefore = (await api.http().get('/api/channels').expect(200)).body;
      const countsBefore = await tableCounts(api.dataSource);
      const res = await api
        .http()
        .post(BULK)
        .send({ placements: titles.map((title) => ({ channel: '大祥新闻网', title, publishedOn: '2021-10-01' })) })
        .expect(202);
      expect(res.body).toMatchObject({ accepted: titles.length, rejected: [] });
      expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: titles.length });

      for (const title of titles) {
        const found = await api.http().get(PLACEMENTS).query({ q: title }).expect(200);
        expect(found.body.items.map((i: { title: string }) => i.title)).toEqual([title]);
        const one = await api.http().get(`${PLACEMENTS}/${found.body.items[0].id}`).expect(200);
        expect(one.body.title).toBe(title);
      }
      const single = await api
        .http()
        .post(PLACEMENTS)
        .send({ channel: '大祥新闻网', title: '<img src=x onerror=alert(1)>', publishedOn: '2021-10-02', note: "1' OR '1'='1" })
        .expect(202);
      await waitForIngestion(api, single.body.ingestionId);
      const img = await api.http().get(PLACEMENTS).query({ q: '<img' }).expect(200);
      expect(img.body.items).toHaveLength(1);
      expect(img.body.items[0]).toMatchObject({ title: '<img src=x onerror=alert(1)>', note: "1' OR '1'='1" });

      expect(await tableCounts(api.dataSource)).toEqual({
        ...countsBefore,
        placements: countsBefore.placements + titles.length + 1,
        placement_events: countsBefore.placement_events + titles.length + 1,
        ingestions: countsBefore.ingestions + 2,
      });
      expect((await api.http().get('/api/channels').expect(200)).body).toEqual(channelsBefore);
    });
  });
});
