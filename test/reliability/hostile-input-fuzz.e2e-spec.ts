import Decimal from 'decimal.js';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { foldLineBreaks } from '@pl/domain';
import { countOf, startApi, TestApi } from '../support/harness';
import { until } from '../support/processes';

/**
 * The hostile-input fuzz (issue 13), on SQLite and, under `npm run test:pg`,
 * on PostgreSQL: random placement bodies (single POSTs and bulks) and budget
 * bodies full of hostile values (C0/C1 controls, lone surrogates, format
 * characters, huge strings and numbers, wrong types, prototype keys, deep
 * nesting, bytes that are not UTF-8) go through the real HTTP app, in
 * parallel batches. Every answer is a 202/200/201, or a 4xx whose errors
 * name a field: never a 500, never a hang. Afterwards every placement the
 * API accepted is in the database exactly once, nothing it refused is, every
 * ingestion has ended, and every budget it took reads back as sent.
 *
 * FUZZ_SEED replays a run (the seed is printed); FUZZ_RUNS scales it.
 */

const PLACEMENTS = '/api/orgs/daxiang/placements';
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const PARALLEL = 16;

// ---- hostile values ---------------------------------------------------------

const range = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));
const FORMAT = ['\u200b', '\u200c', '\u200d', '\u00ad', '\u2060', '\ufeff', '\u202e', '\u2066', '\u061c', '\u180e', '\u{e0001}'];
const SNIPPETS = ['%00', '${7*7}', '<script>alert(1)</script>', "'; DROP TABLE placements; --", '=HYPERLINK("http://x")', '__proto__', '\\u0000', '../../etc/passwd', '🇨🇳', '👨‍👩‍👧'];

/** One character or snippet of hostile text. */
const hostileUnit = fc.oneof(
  { weight: 6, arbitrary: range(0x4e00, 0x9fa5) }, // CJK
  { weight: 4, arbitrary: range(0x20, 0x7e) },
  { weight: 2, arbitrary: fc.oneof(range(0x00, 0x1f), range(0x7f, 0x9f)) }, // C0, DEL, C1
  { weight: 2, arbitrary: range(0xd800, 0xdfff) }, // lone surrogates
  { weight: 2, arbitrary: fc.constantFrom(...FORMAT) },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\n', '\r\n', ' ', '\u3000') },
  { weight: 1, arbitrary: fc.constantFrom(...SNIPPETS) },
);
const hostileString = fc.oneof(
  { weight: 8, arbitrary: fc.array(hostileUnit, { maxLength: 30 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t\n') },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 400, max: 5000 }), hostileUnit).map(([n, u]) => u.repeat(Math.ceil(n / u.length))) },
);
const hugeNumber = fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.1 + 0.2, 1e-320, 2 ** 53);
/** Deeply nested arrays or objects. */
const nested = fc.integer({ min: 20, max: 400 }).map((depth) => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  hugeNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor', 'toString'), hostileString, { maxKeys: 2 }),
  nested,
);
const hostileValue = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 2, arbitrary: wrongType });
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'extra', 'no\u0000te', '\ud800'];

/** Sets `key` as an own, enumerable property (`{__proto__: …}` would set the prototype instead). */
function withKey(body: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
  return body;
}

// ---- placement bodies -------------------------------------------------------

/**
 * A placement body without its marker: `fz<n>x` is put in front of its title
 * when sent (when the title is a string), so that the rows it makes are found.
 * A string url that parses gets the marker too, so that no two bodies share
 * a link (the dedup key of a linked placement).
 */
/** Mostly what an editor sends, now and then hostile: most bodies are accepted, most fields tried. */
const mostly = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 10, arbitrary: good }, { weight: 1, arbitrary: hostileValue });
/** Text that can be stored, with the characters that are folded (format characters, tabs, line breaks) or look like code. */
const storable = fc
  .array(fc.oneof({ weight: 8, arbitrary: range(0x4e00, 0x9fa5) }, { weight: 3, arbitrary: range(0x20, 0x7e) }, fc.constantFrom(...FORMAT, ...SNIPPETS, '\t', '\n', '\u3000')), { minLength: 1, maxLength: 30 })
  .map((a) => a.join(''));
const placementBody = fc
  .record(
    {
      channel: mostly(fc.constantFrom('湖南日报', '邵阳日报', '红网', '人民日报')),
      title: fc.oneof({ weight: 6, arbitrary: storable }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType }),
      publishedOn: fc.oneof(
        { weight: 10, arbitrary: fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
        { weight: 1, arbitrary: fc.constantFrom('2021-02-30', '2021-13-01', '21-05-12', '2021-05-12T00:00:00Z', ' 2021-05-12 ') },
        { weight: 1, arbitrary: hostileValue },
      ),
      url: mostly(fc.constantFrom('LINK', null)),
      section: mostly(fc.oneof(fc.constant(null), storable)),
      prominence: mostly(fc.constantFrom('headline', '头条', 'normal', null)),
      genre: mostly(fc.constantFrom('消息', 'news', null)),
      authors: mostly(fc.oneof(fc.array(storable, { maxLength: 4 }), storable)),
      note: mostly(fc.oneof(fc.constant(null), storable)),
    },
    { requiredKeys: ['channel', 'title', 'publishedOn'] },
  )
  .chain((body) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(body as Record<string, unknown>) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PROTO_KEYS), hostileValue).map(([k, v]) => withKey({ ...body }, k, v)) },
    ),
  );

function marked(body: Record<string, unknown>, n: number): Record<string, unknown> {
  const out = { ...body }; // spreading copies an own __proto__ key as an own key
  if (typeof out.title === 'string') out.title = `fz${n}x${out.title}`;
  if (out.url === 'LINK') out.url = `https://fuzz.example.cn/a/${n}.html?t=%E5%A4%A7`;
  return out;
}

/** A whole request body that is hostile as such. */
const hostileRequest: fc.Arbitrary<{ raw: string | Buffer; bulk: boolean }> = fc.record({
  bulk: fc.boolean(),
  raw: fc.oneof(
    nested.map((v) => JSON.stringify(v)),
    fc.integer({ min: 1000, max: 20_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
    fc.integer({ min: 1000, max: 20_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
    fc.constantFrom('null', '[]', '1e999999', '"string"', 'true', '{', '{"title": "\\ud800"}', '{"__proto__": {"admin": true}}', '{"placements": {"length": 100000000}}'),
    fc.constant(Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d])),
    fc.array(hostileValue, { maxLength: 3 }).map((v) => JSON.stringify({ placements: v })),
  ),
});

// ---- budget bodies ----------------------------------------------------------

const fen = fc.integer({ min: 0, max: 10_000_000_000 });
const yuanOf = (f: number, unit: string) => new Decimal(f).div(unit === '万元' || unit === 'wan' ? 1_000_000 : 100).toFixed();
/** A budget whose parts add up (accepted unless mutated), in a random unit and shape. */
const budgetBody = fc
  .record({
    unit: fc.constantFrom('万元', '元', 'wan', 'yuan'),
    parts: fc.tuple(fen, fen, fen),
    projects: fc.array(fc.tuple(fc.oneof(fc.constantFrom('融媒体能力建设', '设备购置'), hostileString), fen), { maxLength: 4 }),
    asNumbers: fc.boolean(),
  })
  .map(({ unit, parts, projects, asNumbers }) => {
    const amount = (f: number) => (asNumbers ? Number(yuanOf(f, unit)) : yuanOf(f, unit));
    const basic = parts.reduce((a, b) => a + b, 0);
    const total = basic + projects.reduce((s, [, f]) => s + f, 0);
    return {
      unit,
      total: amount(total),
      basic: { total: amount(basic), personnel: amount(parts[0]), public: amount(parts[1]), capital: amount(parts[2]) },
      projects: projects.map(([name, f]) => ({ name, amount: amount(f) })),
    } as Record<string, unknown>;
  })
  .chain((budget) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(budget) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom('unit', 'total', 'basic', 'basic.personnel', 'projects', 'description', 'fiscalYear', '__proto__', 'constructor'), hostileValue)
          .map(([path, v]) => {
            const copy = JSON.parse(JSON.stringify(budget)) as Record<string, Record<string, unknown>>;
            if (path === '__proto__' || path === 'constructor') return withKey(copy, path, v);
            const [a, b] = path.split('.');
            if (b) copy[a][b] = v;
            else (copy as Record<string, unknown>)[a] = v;
            return copy as Record<string, unknown>;
          }),
      },
    ),
  );

// ---- checks -----------------------------------------------------------------

/** How often each field (its last part) was named by a refusal, for the summary. */
const refusedFields = new Map<string, number>();

/** A 4xx whose errors name a field; anything else (a 500, a 2xx where a 4xx was due…) fails with the request shown. */
function expectRefusal(res: Response, what: unknown): void {
  const shown = () => `${JSON.stringify(what)?.slice(0, 300)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
  if (!(res.status >= 400 && res.status < 500)) throw new Error(`not a 4xx: ${shown()}`);
  const fields = (res.body?.errors ?? []).map((e: { field?: unknown }) => e.field);
  if (fields.length === 0 || !fields.every((f: unknown) => typeof f === 'string' && f.length > 0)) throw new Error(`a 4xx naming no field: ${shown()}`);
  const field = String(fields[0]).replace(/^placements\.\d+\./, '');
  refusedFields.set(field, (refusedFields.get(field) ?? 0) + 1);
}

async function inBatches<T>(items: T[], send: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(send));
}

/** The amount of a budget line as sent (a decimal string, a number, or {amount}). */
const sentAmount = (v: unknown) => new Decimal(String(typeof v === 'object' && v !== null ? (v as { amount: unknown }).amount : v));

describe('hostile-input fuzz', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers every random body 2xx or a 4xx naming a field; writes each accepted placement once and nothing refused', async () => {
    const singles = fc.sample(placementBody, { numRuns: 1000 * RUNS, seed: SEED });
    const bulks = fc.sample(fc.array(placementBody, { minLength: 5, maxLength: 25 }), { numRuns: 80 * RUNS, seed: SEED + 1 });
    const wholes = fc.sample(hostileRequest, { numRuns: 150 * RUNS, seed: SEED + 2 });
    const budgets = fc.sample(budgetBody, { numRuns: 300 * RUNS, seed: SEED + 3 });

    const before = await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM placements');
    const accepted = new Set<number>();
    const refused = new Set<number>();
    const ingestions = new Set<string>();
    let n = 0;
    let requests = 0;

    const started = Date.now();
    await inBatches(singles, async (raw) => {
      const id = n++;
      const body = marked(raw, id);
      const res = await api.http().post(PLACEMENTS).set('Content-Type', 'application/json').send(JSON.stringify(body));
      requests++;
      if (res.status === 202) {
        accepted.add(id);
        ingestions.add(res.body.ingestionId);
      } else {
        expectRefusal(res, body);
        refused.add(id);
      }
    });

    await inBatches(bulks, async (raws) => {
      const ids = raws.map(() => n++);
      const placements = raws.map((r, i) => marked(r, ids[i]));
      const res = await api.http().post(`${PLACEMENTS}/bulk`).set('Content-Type', 'application/json').send(JSON.stringify({ placements }));
      requests++;
      if (res.status === 202) {
        ingestions.add(res.body.ingestionId);
        const out = new Set<number>((res.body.rejected ?? []).map((r: { index: number; field: string }) => {
          expect(r.field).toMatch(new RegExp(`^placements\\.${r.index}(\\.|$)`));
          return r.index;
        }));
        expect(res.body.accepted).toBe(ids.length - out.size);
        ids.forEach((id, i) => (out.has(i) ? refused : accepted).add(id));
      } else {
        expectRefusal(res, placements);
        ids.forEach((id) => refused.add(id));
      }
    });

    await inBatches(wholes, async ({ raw, bulk }) => {
      const res = await api.http().post(bulk ? `${PLACEMENTS}/bulk` : PLACEMENTS).set('Content-Type', 'application/json').send(raw);
      requests++;
      if (res.status === 202) ingestions.add(res.body.ingestionId);
      else expectRefusal(res, String(raw).slice(0, 200));
    });

    // Budgets: each of a batch on a year of its own, read back at once.
    let budgetsTaken = 0;
    for (let i = 0; i < budgets.length; i += PARALLEL) {
      await Promise.all(
        budgets.slice(i, i + PARALLEL).map(async (budget, j) => {
          const year = 2001 + j;
          const res = await api.http().put(`/api/orgs/daxiang/budgets/${year}`).set('Content-Type', 'application/json').send(JSON.stringify(budget));
          requests++;
          if (res.status !== 200 && res.status !== 201) return expectRefusal(res, budget);
          budgetsTaken++;
          const unit = typeof budget.unit === 'string' ? budget.unit : '元';
          const stored = await api.http().get(`/api/orgs/daxiang/budgets/${year}`).query({ unit }).expect(200);
          const b = budget as { total: unknown; basic: Record<string, unknown>; projects: { name: string; amount: unknown }[] };
          const s = stored.body as { total: unknown; basic: Record<string, unknown>; projects: { name: string; amount: unknown }[] };
          // A project's name is one line: tabs and line breaks fold to a space, as in titles.
          const same = (x: unknown, y: unknown) => sentAmount(x).equals(sentAmount(y));
          const diff = [
            same(b.total, s.total) || 'total',
            ...['total', 'personnel', 'public', 'capital'].map((k) => same(b.basic[k], s.basic[k]) || `basic.${k}`),
            b.projects.length === s.projects.length || 'projects',
            ...b.projects.map((p, k) => (s.projects[k] && s.projects[k].name === foldLineBreaks(p.name).trim() && same(p.amount, s.projects[k].amount)) || `projects.${k}`),
          ].filter((d) => d !== true);
          if (diff.length) throw new Error(`budget ${year} stored differently (${diff.join(', ')}): sent ${JSON.stringify(budget).slice(0, 400)}, stored ${JSON.stringify(s).slice(0, 400)}`);
        }),
      );
    }

    // Every ingestion ends.
    const pending = new Set(ingestions);
    await until(
      async () => {
        for (const id of [...pending]) {
          const res = await api.http().get(`/api/ingestions/${id}`);
          expect(res.status).toBe(200);
          if (res.body.state === 'completed') pending.delete(id);
        }
        return pending.size;
      },
      (left) => left === 0,
      60_000,
      'every ingestion completed',
    );

    // Every accepted placement once; nothing refused.
    const rows: { title: string }[] = await api.dataSource.query(`SELECT title FROM placements WHERE title LIKE 'fz%'`);
    const seen = new Map<number, number>();
    for (const { title } of rows) {
      const m = /^fz(\d+)x/.exec(title);
      if (m) seen.set(Number(m[1]), (seen.get(Number(m[1])) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, c]) => c > 1).map(([id]) => id);
    const lost = [...accepted].filter((id) => !seen.has(id));
    const leaked = [...refused].filter((id) => seen.has(id));
    expect({ twice, lost, leaked }).toEqual({ twice: [], lost: [], leaked: [] });
    expect(await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM placements')).toBe(before + accepted.size);

    const cases = singles.length + bulks.reduce((s, b) => s + b.length, 0) + wholes.length + budgets.length;
    console.log(
      `hostile-input fuzz (seed ${SEED}): ${cases} cases in ${requests} requests, ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `placements ${accepted.size} accepted and written once, ${refused.size} refused and not written (fields named most: ${[...refusedFields].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([f, c]) => `${f} ${c}`).join(', ')}); ` +
        `${wholes.length} hostile request bodies; budgets ${budgetsTaken} taken and read back equal, ${budgets.length - budgetsTaken} refused`,
    );
    expect(cases).toBeGreaterThanOrEqual(2000);
  }, 300_000);
});
