import fc from 'fast-check';
import { countOf, startApi, TestApi, waitForIngestion } from '../support/harness';

/** Every format character (Unicode Cf) of the BMP and the astral planes: invisible on screen. */
const FORMAT_CHARACTERS = (() => {
  const out: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (/\p{Cf}/u.test(ch)) out.push(ch);
  }
  return out;
})();

/** A title with invisible characters inserted at random places. */
const withInvisibles = (title: string) =>
  fc
    .array(fc.tuple(fc.nat({ max: title.length }), fc.constantFrom(...FORMAT_CHARACTERS)), { minLength: 1, maxLength: 6 })
    .map((inserts) => {
      const chars = [...title];
      for (const [at, ch] of [...inserts].sort((a, b) => b[0] - a[0])) chars.splice(Math.min(at, chars.length), 0, ch);
      return chars.join('');
    });

/**
 * Titles identical on screen are one story: zero-width spaces, joiners, soft
 * hyphens, word joiners, BOMs and bidi controls are folded out of the dedup
 * key, so a title sent again with any of them inserted finds the placement
 * already there.
 */
describe('invisible characters in titles', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists the format characters it draws from', () => {
    // ZWSP, ZWNJ, ZWJ, soft hyphen, word joiner, BOM, right-to-left override are among them.
    for (const ch of ['\u200b', '\u200c', '\u200d', '\u00ad', '\u2060', '\ufeff', '\u202e']) expect(FORMAT_CHARACTERS).toContain(ch);
  });

  it('stores one placement however many invisible characters the variants of a title carry', async () => {
    const title = '大祥区隐形字符测试：春耕备耕正当时';
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(withInvisibles(title), { minLength: 1, maxLength: 4 }), async (variants) => {
        // A story of its own each run (shrinking replays runs): the same words, another number.
        const story = `第${++run}篇`;
        const before = await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM placements');
        const placements = [title, ...variants].map((t) => ({ channel: '红网', title: story + t, publishedOn: '2021-04-08' }));
        const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
        const view = await waitForIngestion(api, res.body.ingestionId);
        expect(view).toMatchObject({ accepted: placements.length, inserted: 1, duplicates: placements.length - 1, rejected: 0 });
        expect(await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM placements')).toBe(before + 1);
      }),
      { numRuns: 40 },
    );
  });
});
