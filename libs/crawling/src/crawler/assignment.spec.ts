import { compareTitles, titleSimilarity, type TitleComparison } from '../extract';
import { assignItems, discoveryVerdict, type AssignableItem, type AssignablePlacement } from './assignment';

const placement = (id: number, title: string, publishedOn = '2021-12-15', url: string | null = null, linkGone = false): AssignablePlacement => ({
  id,
  title,
  url,
  publishedOn,
  linkGone,
});
const item = (title: string, url: string | null = null, publishedOn: string | null = '2021-12-15'): AssignableItem => ({ title, url, publishedOn });
const options = { compare: compareTitles, windowDays: 2, defaultDate: '2021-12-15' };

/** A matcher from a table of scores (same story at 0.8 and above), for cases that must not depend on today's rule. */
const scores = (table: Record<string, number>) => (a: string, b: string): TitleComparison => {
  const score = table[`${a}|${b}`] ?? 0;
  return { same: score >= 0.8, score };
};
const pairsOf = (r: ReturnType<typeof assignItems>) => r.pairs.map((p) => [p.placement.id, p.item.title]);

describe('assignItems: which item confirms which placement', () => {
  it('one item confirms at most one placement: the one it fits best', () => {
    // Even a matcher that calls every "第N次" the same story (as the similarity rule did) lets the item confirm one.
    const lenient = (a: string, b: string): TitleComparison => ({ same: true, score: titleSimilarity(a, b) });
    const placements = Array.from({ length: 40 }, (_, n) => placement(n + 1, `双清区召开第${n}次乡村振兴工作推进会——聚焦“产业兴旺”`));
    const r = assignItems(placements, [item('双清区召开第0次乡村振兴工作推进会——聚焦“产业兴旺”')], { ...options, compare: lenient });
    expect(pairsOf(r)).toEqual([[1, '双清区召开第0次乡村振兴工作推进会——聚焦“产业兴旺”']]);
    expect(r.pairs[0].score).toBe(1);
  });

  it('is an assignment, not each placement’s independent best: the runner-up gets its second choice', () => {
    const compare = scores({ 'A|X': 0.95, 'B|X': 0.9, 'B|Y': 0.85 });
    const r = assignItems([placement(1, 'B'), placement(2, 'A')], [item('X'), item('Y')], { ...options, compare });
    expect(pairsOf(r).sort()).toEqual([
      [1, 'Y'],
      [2, 'X'],
    ]);
  });

  it('breaks a tie in score by the smaller date distance, for placements and for items alike', () => {
    const title = '大祥区打造15分钟便民生活圈';
    const twoPlacements = assignItems([placement(1, title, '2021-12-13'), placement(2, title, '2021-12-15')], [item(title, null, '2021-12-15')], options);
    expect(pairsOf(twoPlacements)).toEqual([[2, title]]);
    const twoItems = assignItems([placement(1, title, '2021-12-15')], [item(title, 'http://a.test/1', '2021-12-13'), item(title, 'http://a.test/2', '2021-12-16')], options);
    expect(twoItems.pairs.map((p) => p.item.url)).toEqual(['http://a.test/2']);
  });

  it('a link-less placement takes only items within the date window', () => {
    const title = '大祥区冬季森林防火工作部署会召开';
    expect(assignItems([placement(1, title, '2021-12-15')], [item(title, null, '2021-12-18')], options).pairs).toEqual([]);
    expect(pairsOf(assignItems([placement(1, title, '2021-12-15')], [item(title, null, '2021-12-17')], options))).toEqual([[1, title]]);
  });

  it('a placement with its own link is confirmed only by an item at the same canonical URL', () => {
    const title = '大祥区全力推进城市更新行动';
    const own = placement(1, title, '2021-12-15', 'https://news.test/a/1006.html');
    const elsewhere = assignItems([own], [item(title, 'https://news.test/b/77.html')], options);
    expect(elsewhere.pairs).toEqual([]);
    expect(elsewhere.possibleDuplicates.map((d) => [d.placement.id, d.item.url])).toEqual([[1, 'https://news.test/b/77.html']]);
    // Tracking parameters, fragment, scheme and trailing slash do not make another URL.
    const same = assignItems([own], [item(title, 'http://NEWS.test/a/1006.html/?utm_source=rss#top', '2021-11-01')], options);
    expect(same.pairs.map((p) => [p.placement.id, p.byUrl])).toEqual([[1, true]]);
    expect(same.possibleDuplicates).toEqual([]);
    // The same URL with another story's title is no confirmation either.
    expect(assignItems([own], [item('双清区开展“清洁家园”志愿服务活动', 'https://news.test/a/1006.html')], options).pairs).toEqual([]);
  });

  it('a placement whose link is gone is confirmed by nothing, not even its own URL in a feed', () => {
    const title = '大祥区召开安全生产工作会议';
    const gone = placement(1, title, '2021-12-14', 'https://news.test/a/404.html', true);
    const r = assignItems([gone], [item(title, 'https://news.test/a/404.html'), item(title, 'https://news.test/moved.html')], options);
    expect(r.pairs).toEqual([]);
    expect(r.possibleDuplicates.map((d) => d.item.url)).toEqual(['https://news.test/moved.html']);
  });

  it('an item at a placement’s own URL goes to that placement before a link-less one with the same title', () => {
    const title = '大祥区老旧小区改造让居民住得更舒心';
    const r = assignItems(
      [placement(1, title, '2021-12-15'), placement(2, title, '2021-12-15', 'https://news.test/a/9.html')],
      [item(title, 'https://news.test/a/9.html')],
      options,
    );
    expect(r.pairs.map((p) => [p.placement.id, p.byUrl])).toEqual([[2, true]]);
  });
});

describe('discoveryVerdict: what a discovery makes of an item', () => {
  const known = [
    placement(1, '双清区召开第40次乡村振兴工作推进会', '2021-12-15'),
    placement(2, '大祥区全力推进城市更新行动', '2021-12-15', 'https://news.test/a/1006.html'),
  ];

  it('an item at a known placement’s canonical URL, or a link-less placement’s story, is known', () => {
    expect(discoveryVerdict(item('随便什么标题', 'https://news.test/a/1006.html?utm_medium=feed'), known, options)).toEqual({ kind: 'known' });
    expect(discoveryVerdict(item('双清区召开第40次乡村振兴工作推进会'), known, options)).toEqual({ kind: 'known' });
  });

  it('the same story at another URL than a placement’s own link is a possible duplicate, not a discovery', () => {
    const v = discoveryVerdict(item('大祥区全力推进城市更新行动', 'https://mirror.test/x.html'), known, options);
    expect(v).toMatchObject({ kind: 'possible-duplicate', of: { id: 2 } });
  });

  it('uses the matcher it is given: what it calls another story is discovered', () => {
    // A matcher that tells 第40次 from 第41次 (as the corpus-judged one must): the item is new.
    const strict = (a: string, b: string): TitleComparison => ({ same: a === b, score: a === b ? 1 : 0.9 });
    expect(discoveryVerdict(item('双清区召开第41次乡村振兴工作推进会'), known, { ...options, compare: strict })).toEqual({ kind: 'new' });
    expect(discoveryVerdict(item('双清区召开第40次乡村振兴工作推进会'), known, { ...options, compare: strict })).toEqual({ kind: 'known' });
    // Outside the date window nothing is the same placement.
    expect(discoveryVerdict(item('双清区召开第40次乡村振兴工作推进会', null, '2021-12-20'), known, options)).toEqual({ kind: 'new' });
  });
});
