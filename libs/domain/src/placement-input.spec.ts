import fc from 'fast-check';
import {
  fastPlacementDraft,
  fastPlacementInput,
  parsePlacementDraft,
  parsePlacementInput,
  placementDraftSchema,
  placementInputSchema,
  toFieldErrors,
} from './placement-input';
import { GENRE_ALIASES, PROMINENCE_ALIASES } from './vocabulary';

/**
 * The parsers read plain inputs on a fast path and leave the rest to the zod
 * schemas, which define what a placement is. Whatever the input, a parser
 * must answer exactly what its schema answers: same value (same keys, same
 * nulls), same errors.
 */
const bySchema = (schema: typeof placementInputSchema | typeof placementDraftSchema, raw: unknown) => {
  const r = schema.safeParse(raw, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: toFieldErrors(r.error) };
};

const padded = (s: fc.Arbitrary<string>) =>
  fc.tuple(fc.constantFrom('', ' ', '\u3000', '\t', ' \n'), s, fc.constantFrom('', ' ', '\u3000')).map(([a, b, c]) => a + b + c);
const chinese = fc.string({ unit: fc.constantFrom(...'大祥区融媒体中心春耕备耕忙田间地头处处新：“”，、；ABCabc123 '), minLength: 1, maxLength: 60 });
/** Mostly `valid`, sometimes one of `odd`: most generated placements are valid or wrong in one field. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...odd: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 60, arbitrary: valid as fc.Arbitrary<unknown> }, ...odd.map((arbitrary) => ({ weight: 1, arbitrary })));
const oddValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer({ min: -3, max: 3 }),
  fc.double(),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.constantFrom('', ' ', 'a\u0001b', 'x\u007f'),
);
const long = (n: number) => fc.constantFrom('长'.repeat(n), '长'.repeat(n + 1), ` ${'a'.repeat(n)} `);
const text = (max: number) => mostly(padded(chinese), long(max), oddValue);
const optionalText = (max: number) => mostly(fc.option(padded(chinese), { nil: null }), long(max), oddValue);
const alias = (aliases: Record<string, unknown>) =>
  mostly(
    fc.oneof(fc.constantFrom(...Object.keys(aliases)), fc.constantFrom(...Object.keys(aliases)).map((k) => ` ${k.toUpperCase()} `), fc.constant(null)),
    fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', '诗歌', ''),
    oddValue,
  );
const date = mostly(
  fc.date({ min: new Date('1890-01-01'), max: new Date('3010-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2021-02-30', '2021-2-3', ' 2021-06-01 ', '2021-06-01T00:00:00Z', '20210601', '2020-02-29', '2021-02-29'),
  oddValue,
);
const url = mostly(
  fc.option(fc.webUrl({ withQueryParameters: true, withFragments: true }), { nil: null }),
  fc.constantFrom('https://www.dxxww.com/news/1.html', ' http://dx.rednet.cn/a?b=1 ', 'ftp://x.cn/a', 'javascript:alert(1)', 'http://', 'https://exa mple.cn', 'https://' + 'a'.repeat(2048)),
  oddValue,
);
const authors = mostly(
  fc.oneof(padded(chinese), fc.array(padded(chinese), { maxLength: 4 }), fc.constant(null)),
  fc.array(fc.oneof(padded(chinese), oddValue), { maxLength: 4 }),
  fc.constantFrom('张三、李四,王五；赵六 钱七', Array.from({ length: 31 }, (_, i) => `记者${i}`).join('、'), '长'.repeat(101), ['长'.repeat(101)], ['  ', '张三']),
  oddValue,
);
const common = {
  title: text(500),
  publishedOn: date,
  url,
  section: optionalText(100),
  prominence: alias(PROMINENCE_ALIASES),
  genre: alias(GENRE_ALIASES),
  authors,
  note: optionalText(2000),
};
/** Records with the required keys (mostly) and any of the others, sometimes with a key no schema knows. */
const placements = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T, required: (keyof T & string)[]) =>
  fc
    .tuple(
      fc.oneof(
        { weight: 9, arbitrary: fc.record(shape, { requiredKeys: required }) },
        { weight: 1, arbitrary: fc.record(shape, { requiredKeys: [] }) },
      ),
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom({ extra: 1 }, { Title: 'x' }, { row: 1 }, JSON.parse('{"__proto__": {"x": 1}}')) },
      ),
    )
    .map(([o, extra]) => ({ ...o, ...(extra ?? {}) }));

const inputs = placements(
  { channel: mostly(fc.oneof(padded(chinese), fc.integer({ min: 1, max: 9_999 })), fc.constantFrom(0, -1, 1.5, 2 ** 53), long(200), oddValue), ...common },
  ['channel', 'title', 'publishedOn'],
);
const drafts = placements(
  {
    channelId: mostly(fc.integer({ min: 1, max: 9_999 }), fc.constantFrom(0, -1, 1.5, 2 ** 53, '7'), oddValue),
    row: mostly(fc.nat(), fc.constantFrom(-1, 0.5), oddValue),
    ...common,
  },
  ['channelId', 'title', 'publishedOn'],
);

describe('placement parsers: fast path and schema agree', () => {
  it('parsePlacementInput answers what placementInputSchema answers, for any input', () => {
    fc.assert(
      fc.property(inputs, (raw) => {
        expect(parsePlacementInput(raw)).toStrictEqual(bySchema(placementInputSchema, raw));
      }),
      { numRuns: 5000 },
    );
  });

  it('parsePlacementDraft answers what placementDraftSchema answers, for any input', () => {
    fc.assert(
      fc.property(drafts, (raw) => {
        expect(parsePlacementDraft(raw)).toStrictEqual(bySchema(placementDraftSchema, raw));
      }),
      { numRuns: 5000 },
    );
  });

  it('generates enough valid placements for the comparison to cover the fast path', () => {
    const taken = (arb: fc.Arbitrary<unknown>, fast: (raw: unknown) => unknown) =>
      fc.sample(arb, { numRuns: 2000, seed: 1 }).filter((raw) => fast(raw) !== null).length;
    const shares = [taken(inputs, fastPlacementInput), taken(drafts, fastPlacementDraft)];
    expect(shares.every((n) => n > 800)).toBe(true);
  });

  it('takes the fast path for what editors, imports and the API send', () => {
    const input = { channel: '湖南日报', title: ' 大祥区：春耕备耕忙 ', publishedOn: '2021-03-02', genre: '通讯', authors: '张三、李四' };
    expect(fastPlacementInput(input)).toStrictEqual({
      channel: '湖南日报',
      title: '大祥区：春耕备耕忙',
      publishedOn: '2021-03-02',
      url: null,
      section: null,
      prominence: 'normal',
      genre: 'feature',
      authors: ['张三', '李四'],
      note: null,
    });
    const parsed = parsePlacementInput(input);
    if (!parsed.ok) throw new Error('expected a valid input');
    const { channel: _channel, ...rest } = parsed.value;
    const draft = { ...rest, channelId: 12, row: 3 };
    // The draft the API queues is read on the fast path again by the worker.
    expect(fastPlacementDraft(JSON.parse(JSON.stringify(draft)))).toStrictEqual(draft);
    // An error is zod's to report.
    expect(fastPlacementInput({ ...input, genre: 'constructor' })).toBeNull();
    expect(parsePlacementInput({ ...input, genre: 'constructor' })).toMatchObject({ ok: false, errors: [{ field: 'genre' }] });
  });
});
