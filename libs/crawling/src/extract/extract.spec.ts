import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { buildEncodedCorpus } from '../../../../test/fixtures/crawl/make-corpus';
import type { ListSelectors } from '../types';
import {
  compareTitles,
  dateFromUrl,
  datesAround,
  epaperPageUrls,
  EPAPER_IMAGE_MAP_SELECTORS,
  EPAPER_TITLE_LIST_SELECTORS,
  extractArticle,
  extractFeed,
  extractLinksFallback,
  extractList,
  extractListWithFallback,
  matchedKeywords,
  mentionsKeywords,
  parseChineseDate,
  parseListDate,
  stripSiteName,
  titleSimilarity,
  validateEpaperTemplate,
} from '.';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'crawl', 'corpus');
/** The fixture server's origin as the crawler would see it (no network here: only URLs). */
const ORIGIN = 'http://127.0.0.1:41234';
const url = (file: string) => `${ORIGIN}/${file}`;

/** The corpus file's text, decoded as the fetch layer will: UTF-8 (BOM dropped) or GB18030. */
function corpusText(file: string, encoding: 'utf-8' | 'gb18030' = 'utf-8'): string {
  const bytes = readFileSync(path.join(CORPUS, file));
  return encoding === 'utf-8' ? new TextDecoder('utf-8').decode(bytes) : iconv.decode(bytes, 'gb18030');
}

describe('Chinese dates', () => {
  it.each<[string, string | null]>([
    ['2021年12月15日', '2021-12-15'],
    ['2021年12月15日 10:05', '2021-12-15'],
    ['2021年12月15日10:05', '2021-12-15'],
    ['2021 年 12 月 5 日 星期日', '2021-12-05'],
    ['2021-12-15 10:05', '2021-12-15'],
    ['2021-12-15 10:05:33', '2021-12-15'],
    ['2021/12/15', '2021-12-15'],
    ['2021/1/5 9:05', '2021-01-05'],
    ['2021.12.15', '2021-12-15'],
    ['20211215', '2021-12-15'],
    ['２０２１年１２月１５日', '2021-12-15'],
    ['２０２１－１２－１５　１０：０５', '2021-12-15'],
    ['二〇二一年十二月十五日 星期三', '2021-12-15'],
    ['2021-12-14T20:00:00Z', '2021-12-15'],
    ['2021-12-14T15:59:59Z', '2021-12-14'],
    ['2021-12-15T04:00:00+08:00', '2021-12-15'],
    ['2021-12-14T23:59:59.000-05:00', '2021-12-15'],
    ['2021-12-15T10:05:00', '2021-12-15'],
    ['Wed, 15 Dec 2021 02:05:00 GMT', '2021-12-15'],
    ['Tue, 14 Dec 2021 16:30:00 GMT', '2021-12-15'],
    ['Tue, 14 Dec 2021 15:30:00 +0000', '2021-12-14'],
    ['Wed, 15 Dec 2021 09:30:00 +0800', '2021-12-15'],
    ['Tue, 14 Dec 2021 08:00:00 CST', '2021-12-14'],
    ['15 Dec 2021', '2021-12-15'],
    ['来源：红网 发布时间：2021-12-15 10:05 作者：刘洋', '2021-12-15'],
    ['2021-02-30', null],
    ['2021年2月29日', null],
    ['2020年2月29日', '2020-02-29'],
    ['2021-13-01', null],
    ['20211232', null],
    ['Thu, 31 Feb 2021 10:00:00 GMT', null],
    ['12月15日', null],
    ['第1215期', null],
    ['', null],
  ])('%s → %s', (text, expected) => {
    expect(parseChineseDate(text)).toBe(expected);
  });

  it('takes the first real date in a longer text', () => {
    expect(parseChineseDate('2021-02-30 作废，改为 2021年3月1日')).toBe('2021-03-01');
    expect(parseChineseDate('更新于 2021-12-16，首发 2021-12-15')).toBe('2021-12-16');
  });

  it('reads year-less dates against a reference, looking back over a new year', () => {
    expect(parseChineseDate('12月15日', { reference: '2021-12-20' })).toBe('2021-12-15');
    expect(parseChineseDate('１２月３０日', { reference: '2022-01-02' })).toBe('2021-12-30');
    expect(parseChineseDate('1月3日', { reference: '2021-12-20' })).toBe('2021-01-03');
    expect(parseChineseDate('12月15日', { reference: new Date('2021-12-19T18:00:00Z') })).toBe('2021-12-15');
    expect(parseChineseDate('2月29日', { reference: '2021-03-01' })).toBeNull();
  });

  it('reads a bare month-day only as a whole list date cell, with a reference', () => {
    expect(parseListDate('[12-11]', { reference: '2021-12-20' })).toBe('2021-12-11');
    expect(parseListDate('12/11 10:05', { reference: '2021-12-20' })).toBe('2021-12-11');
    expect(parseListDate('（12-30）', { reference: '2022-01-02' })).toBe('2021-12-30');
    expect(parseListDate('[12-11]')).toBeNull();
    expect(parseListDate('2021-12-11')).toBe('2021-12-11');
    expect(parseChineseDate('[12-11]', { reference: '2021-12-20' })).toBeNull();
  });

  it.each<[string, string | null]>([
    ['http://dx.rednet.cn/content/2021/12/15/10603795.html', '2021-12-15'],
    ['http://epaper.example/html/2021-12/15/node_1.htm', '2021-12-15'],
    ['http://www.example.cn/news/202112/15/c123.html', '2021-12-15'],
    ['http://www.example.cn/20211215/abc.html', '2021-12-15'],
    ['http://www.example.cn/2021/1215/c1.html', '2021-12-15'],
    ['http://www.example.gov.cn/xxgk/202112/t20211215_123456.html', '2021-12-15'],
    ['http://www.example.cn/2021-12-15/doc-abc.shtml', '2021-12-15'],
    ['/news/2021/12/15/article_1001.html', '2021-12-15'],
    ['http://www.example.cn/content/10603795.html', null],
    ['http://www.example.cn/2021/13/45/x.html', null],
    ['http://www.example.cn/list.html?date=2021-12-15', null],
    ['not a url at all', null],
  ])('dateFromUrl(%s) → %s', (u, expected) => {
    expect(dateFromUrl(u)).toBe(expected);
  });

  it('lists the days around a date', () => {
    expect(datesAround('2021-12-31', 2)).toEqual(['2021-12-29', '2021-12-30', '2021-12-31', '2022-01-01', '2022-01-02']);
    expect(() => datesAround('2021-02-30', 1)).toThrow(RangeError);
  });
});

describe('site names in titles', () => {
  it.each<[string, string]>([
    ['大祥区开展消防演练_红网', '大祥区开展消防演练'],
    ['大祥区开展消防演练 - 邵阳新闻网', '大祥区开展消防演练'],
    ['大祥区开展消防演练|人民网', '大祥区开展消防演练'],
    ['人民网｜大祥区开展消防演练', '大祥区开展消防演练'],
    ['大祥区开展消防演练_县区新闻_邵阳新闻网', '大祥区开展消防演练'],
    ['大祥区开展消防演练——记消防救援大队_红网', '大祥区开展消防演练——记消防救援大队'],
    ['大祥区2021-2022学年教育工作会议召开', '大祥区2021-2022学年教育工作会议召开'],
    ['大祥区开展消防演练', '大祥区开展消防演练'],
  ])('%s → %s', (raw, expected) => {
    expect(stripSiteName(raw)).toBe(expected);
  });

  it('prefers the part (or leading parts) the headline reads, and drops known site names', () => {
    expect(stripSiteName('通知_邵阳市大祥区人民政府门户网站', [], ['通知'])).toBe('通知');
    expect(stripSiteName('大祥区：xx | yy_红网', [], ['大祥区：xx | yy'])).toBe('大祥区：xx | yy');
    expect(stripSiteName('通知_邵阳市大祥区人民政府门户网站', ['邵阳市大祥区人民政府门户网站'])).toBe('通知');
  });
});

describe('article pages of the corpus', () => {
  const utf8: Array<[string, string, 'og:title' | 'title' | 'h1', string | null]> = [
    ['news/2021/12/15/article_1001.html', '大祥区召开2021年冬季森林防火工作部署会', 'og:title', '2021-12-15'],
    ['news/2021/12/15/article_1002.html', '大祥区:"一件事一次办" 跑出加速度!', 'title', '2021-12-15'],
    ['news/2021/12/15/article_1003.html', '大祥区打造15分钟便民生活圈——城南街道老旧小区改造见闻', 'og:title', '2021-12-15'],
    ['news/2021/12/15/article_1004.html', '双清区开展“清洁家园”志愿服务活动', 'title', '2021-12-15'],
    ['news/2021/12/15/article_1005.html', '大祥区举办首届乡村振兴农产品展销会', 'title', '2021-12-15'],
    ['news/2021/12/15/article_1006.html', '北塔区新建城市书房正式开放', 'title', '2021-12-15'],
    ['news/2021/12/15/article_1007.html', '大祥区敏州街道开展反诈宣传进社区活动', 'title', '2021-12-15'],
    ['broken/unclosed.html', '大祥区板桥乡：小山村里的“大产业”', 'title', '2021-12-15'],
    ['broken/h1-only.html', '大祥区：冬季征兵体检工作顺利完成', 'h1', null],
    ['broken/truncated.html', '大祥区学校食堂“明厨亮灶”全覆盖', 'title', '2021-12-15'],
    ['encodings/utf8-bom.html', '大祥区城西街道“红色物业”让小区更有温度', 'title', '2021-12-15'],
    ['encodings/utf8-plain.html', '大祥区“湘江源”文化惠民演出走进社区', 'title', '2021-12-14'],
    ['encodings/mislabelled-utf8.html', '大祥区：智慧社区建设按下“快进键”', 'title', '2021-12-15'],
  ];
  it.each(utf8)('%s (UTF-8)', (file, title, titleSource, publishedOn) => {
    expect(extractArticle(corpusText(file), url(file))).toEqual({ title, titleSource, publishedOn });
  });

  const gb: Array<[string, string, 'og:title' | 'title' | 'h1', string | null]> = [
    ['epaper/shaoyang/2021-12/15/content_1121.html', '市委常委会召开会议研究部署冬季安全生产工作', 'title', '2021-12-15'],
    ['epaper/shaoyang/2021-12/15/content_1122.html', '大祥区“一件事一次办”跑出审批加速度', 'title', '2021-12-15'],
    ['epaper/shaoyang/2021-12/15/content_1125.html', '大祥区打造“15分钟便民生活圈”', 'title', '2021-12-15'],
    ['encodings/gb18030.html', '大祥区“𠮷祥里”历史街区开街 赵孟𫖯书法复制品展同步开幕', 'title', '2021-12-15'],
    ['encodings/gbk-header-charset.html', '大祥区开展冬季农村消防安全大排查大整治专项行动', 'title', '2021-12-14'],
    ['encodings/gbk-late-meta.html', '大祥区“四季村晚”冬季篇精彩上演', 'title', '2021-12-13'],
    ['encodings/gbk-unlabelled.html', '大祥区蔡锷乡柑橘喜获丰收', 'title', '2021-12-12'],
    ['encodings/gbk-labelled-utf8.html', '大祥区举办退役军人专场招聘会', 'title', '2021-12-11'],
  ];
  it.each(gb)('%s (GBK / GB18030)', (file, title, titleSource, publishedOn) => {
    expect(extractArticle(corpusText(file, 'gb18030'), url(file))).toEqual({ title, titleSource, publishedOn });
  });

  it('passes over a <title> that is only the paper’s name when the channel’s names are given', () => {
    const file = 'epaper/shaoyang/2021-12/15/content_1128.html';
    const html = corpusText(file, 'gb18030');
    expect(extractArticle(html, url(file))).toEqual({ title: '邵阳日报', titleSource: 'title', publishedOn: '2021-12-15' });
    expect(extractArticle(html, url(file), { siteNames: ['邵阳日报', '邵阳日报社'] })).toEqual({
      title: '大祥区王祎：扎根社区的“贴心人”',
      titleSource: 'h1',
      publishedOn: '2021-12-15',
    });
  });

  it('finds nothing on a page without a title, and never throws on junk', () => {
    expect(extractArticle(corpusText('broken/no-title.html'), url('broken/no-title.html'))).toEqual({
      title: null,
      titleSource: null,
      publishedOn: null,
    });
    expect(extractArticle('', 'http://x.example/')).toEqual({ title: null, titleSource: null, publishedOn: null });
    expect(extractArticle('<<<>>></title><meta content=', 'not a url')).toEqual({ title: null, titleSource: null, publishedOn: null });
  });

  it('takes the date after the headline over a masthead’s date above it, and dates from the URL last', () => {
    const page = (body: string) => `<html><head><title>大祥区开展消防演练_红网</title></head><body>${body}</body></html>`;
    expect(extractArticle(page('<div>今天是2021年12月20日</div><h1>大祥区开展消防演练</h1><p>2021-12-15 10:05</p>'), url('a.html')).publishedOn).toBe(
      '2021-12-15',
    );
    // A year-less lede date is the event's, not the publication's: the URL's date wins.
    expect(extractArticle(page('<h1>大祥区开展消防演练</h1><p>12月14日，大祥区…</p>'), url('2021/12/15/a.html')).publishedOn).toBe('2021-12-15');
    expect(extractArticle(page('<h1>大祥区开展消防演练</h1><p><span>2021-12-15</span><span>10:05</span></p>'), url('a.html')).publishedOn).toBe(
      '2021-12-15',
    );
    expect(
      extractArticle('<meta property="og:title" content="标题一"><meta name="og:release_date" content="2021年12月15日">', url('a.html')),
    ).toEqual({ title: '标题一', titleSource: 'og:title', publishedOn: '2021-12-15' });
  });
});

describe('list pages of the corpus', () => {
  const selectors: ListSelectors = { item: 'ul.news-list li', title: 'a', link: 'a', date: 'span.date' };
  const news = (p: string) => url(`news/${p}`);

  it('reads the 16 items of news/list.html in page order, broken markup included', () => {
    const items = extractList(corpusText('news/list.html'), news('list.html'), selectors);
    expect(items.map((i) => [i.title, i.url, i.publishedOn])).toEqual([
      ['大祥区召开2021年冬季森林防火工作部署会', news('2021/12/15/article_1001.html'), '2021-12-15'],
      ['大祥区：“一件事一次办”跑出加速度！', news('2021/12/15/article_1002.html'), '2021-12-15'],
      // root-relative link
      ['大祥区打造15分钟便民生活圈', news('2021/12/15/article_1003.html'), '2021-12-15'],
      ['双清区开展“清洁家园”志愿服务活动', news('2021/12/15/article_1004.html'), '2021-12-15'],
      ['大祥区举办首届乡村振兴农产品展销会', news('2021/12/15/article_1005.html'), '2021-12-15'],
      ['北塔区新建城市书房正式开放', news('2021/12/15/article_1006.html'), '2021-12-15'],
      ['大祥区敏州街道开展反诈宣传进社区活动', news('2021/12/15/article_1007.html'), '2021-12-15'],
      // unclosed <span>
      ['邵阳市举行“119”消防宣传月总结大会', news('2021/12/14/article_0994.html'), '2021-12-14'],
      // unclosed <a> swallowed the date cell: left out of the title
      ['大祥区检察院开展“宪法宣传周”活动', news('2021/12/14/article_0995.html'), '2021-12-14'],
      // text cut with "...", the whole title in the title attribute; unquoted attributes, no </li>;
      // and the browser's re-opened empty copy of the unclosed <a> above it is passed over
      ['大祥区开展冬季农村消防安全大排查大整治专项行动', news('2021/12/14/article_0993.html'), '2021-12-14'],
      // 2021年12月14日 in the date cell
      ['邵阳市2021年度“最美家庭”揭晓', news('2021/12/14/article_0992.html'), '2021-12-14'],
      // (the repeated article_1001.html#comments is dropped) &ldquo; &rdquo; &nbsp; entities
      ['大祥区“三联三促”助力企业纾困', news('2021/12/13/article_0990.html'), '2021-12-13'],
      // (the image-only link is skipped) ../news/… resolved
      ['武冈市：古城保护修缮工程完工', news('2021/12/13/article_0988.html'), '2021-12-13'],
      // javascript: link: no URL, still an item
      ['大祥区融媒体中心2021年公开招聘工作人员公告', null, '2021-12-10'],
      // no date cell: the link's path
      ['新邵县：冬季农田水利建设掀热潮', news('2021/12/13/article_0987.html'), '2021-12-13'],
      // no date cell: a date elsewhere in the item's text
      ['邵阳县：油茶产业助力乡村振兴', news('2021/12/12/article_0986.html'), '2021-12-12'],
    ]);
    expect(items.every((i) => i.foundOn === news('list.html'))).toBe(true);
    expect(items.filter((i) => mentionsKeywords(i.title, ['大祥']))).toHaveLength(9);
  });

  it('reads bare month-day date cells against a reference, else falls back to the link', () => {
    const html = corpusText('news/list_2.html');
    const plain = extractList(html, news('list_2.html'), selectors);
    expect(plain.map((i) => [i.url, i.publishedOn])).toEqual([
      [news('2021/12/11/article_0984.html'), '2021-12-11'],
      [news('2021/12/11/article_0983.html'), '2021-12-11'],
      [news('show.php?id=982'), null],
      [news('2021/12/10/article_0981.html'), '2021-12-10'],
    ]);
    const withReference = extractList(html, news('list_2.html'), selectors, { reference: '2021-12-20' });
    expect(withReference[2]).toEqual({
      title: '大祥区教育系统举行青年教师教学比武',
      url: news('show.php?id=982'),
      publishedOn: '2021-12-10',
      foundOn: news('list_2.html'),
    });
  });

  it('falls back to headline links when the selectors find nothing (a redesigned page)', () => {
    const result = extractListWithFallback(corpusText('news/redesign.html'), news('redesign.html'), selectors);
    expect(result.fallback).toBe(true);
    expect(result.items.map((i) => [i.title, i.url, i.publishedOn])).toEqual([
      ['大祥区召开2021年冬季森林防火工作部署会', news('2021/12/15/article_1001.html'), '2021-12-15'],
      ['双清区开展“清洁家园”志愿服务活动', news('2021/12/15/article_1004.html'), '2021-12-15'],
      ['北塔区新建城市书房正式开放', news('2021/12/15/article_1006.html'), '2021-12-15'],
    ]);
    expect(extractListWithFallback(corpusText('news/list.html'), news('list.html'), selectors).fallback).toBe(false);
  });

  it('the fallback on the full list page takes list and sidebar headlines, not the nav or short links', () => {
    const items = extractLinksFallback(corpusText('news/list.html'), news('list.html'));
    expect(items).toHaveLength(16);
    expect(items.map((i) => i.title)).toContain('大祥区检察院开展“宪法宣传周”活动');
    expect(items.map((i) => i.title)).toContain('大祥区开展冬季农村消防安全大排查大整治专项行动');
    expect(items[15]).toEqual({
      title: '邵阳市委经济工作会议召开部署明年工作',
      url: news('2021/12/11/article_0980.html'),
      publishedOn: '2021-12-11',
      foundOn: news('list.html'),
    });
    expect(items.some((i) => i.title.includes('十九届六中全会') || i.url === null)).toBe(false);
  });

  it('resolves against <base href>, reads datetime attributes and rejects non-http links', () => {
    const html = `<base href="/other/dir/"><ul>
      <li><a href="a.html">大祥区第一条新闻标题很长</a><time datetime="2021-12-14T20:00:00Z">昨天</time></li>
      <li><a href="mailto:x@example.cn">大祥区第二条新闻标题很长</a></li>
      <li><a href="b.html"></a></li>
      <li><a href="#top">大祥区第三条新闻标题很长</a> 12月1日</li></ul>`;
    expect(extractList(html, url('p/list.html'), { item: 'li', date: 'time' }, { reference: '2021-12-20' })).toEqual([
      { title: '大祥区第一条新闻标题很长', url: url('other/dir/a.html'), publishedOn: '2021-12-15', foundOn: url('p/list.html') },
      { title: '大祥区第二条新闻标题很长', url: null, publishedOn: null, foundOn: url('p/list.html') },
      { title: '大祥区第三条新闻标题很长', url: null, publishedOn: '2021-12-01', foundOn: url('p/list.html') },
    ]);
    expect(extractList(html, url('p/list.html'), { item: 'div.none' })).toEqual([]);
    expect(() => extractList(html, url('p/list.html'), { item: 'li[' })).toThrow();
  });
});

describe('the 邵阳日报 e-paper edition of the corpus', () => {
  const template = `${ORIGIN}/epaper/shaoyang/{yyyy}-{MM}/{dd}/node_{page}.html`;
  /** The corpus file behind a fixture URL. */
  const fileOf = (u: string) => new URL(u).pathname.slice(1);

  it('expands to the two pages of 2021-12-15 and reads their title lists', () => {
    const pages = epaperPageUrls(template, '2021-12-15', { from: 1, to: 2 });
    expect(pages).toEqual([url('epaper/shaoyang/2021-12/15/node_1.html'), url('epaper/shaoyang/2021-12/15/node_2.html')]);
    const items = pages.flatMap((p) => extractList(corpusText(fileOf(p), 'gb18030'), p, EPAPER_TITLE_LIST_SELECTORS));
    const edition = url('epaper/shaoyang/2021-12/15');
    expect(items.map((i) => [i.title, i.url, i.publishedOn])).toEqual([
      ['市委常委会召开会议研究部署冬季安全生产工作', `${edition}/content_1121.html`, '2021-12-15'],
      ['大祥区“一件事一次办”跑出审批加速度', `${edition}/content_1122.html`, '2021-12-15'],
      ['邵阳至永州高速公路建设进展顺利', `${edition}/content_1123.html`, '2021-12-15'],
      ['冬日暖阳照进大祥区敬老院', `${edition}/content_1124.html`, '2021-12-15'],
      ['大祥区打造“15分钟便民生活圈”', `${edition}/content_1125.html`, '2021-12-15'],
      ['隆回县金银花产业带动群众增收', `${edition}/content_1126.html`, '2021-12-15'],
      ['邵东市举办五金产品博览会', `${edition}/content_1127.html`, '2021-12-15'],
      ['大祥区王祎：扎根社区的“贴心人”', `${edition}/content_1128.html`, '2021-12-15'],
      ['新宁县崀山景区冬季旅游持续升温', `${edition}/content_1129.html`, '2021-12-15'],
    ]);
    expect(items.filter((i) => mentionsKeywords(i.title, ['大祥'])).map((i) => i.url)).toEqual([
      `${edition}/content_1122.html`,
      `${edition}/content_1124.html`,
      `${edition}/content_1125.html`,
      `${edition}/content_1128.html`,
    ]);
  });

  it('reads the page picture’s hot areas, titles from their title attributes', () => {
    const page = url('epaper/shaoyang/2021-12/15/node_1.html');
    const areas = extractList(corpusText(fileOf(page), 'gb18030'), page, EPAPER_IMAGE_MAP_SELECTORS);
    const list = extractList(corpusText(fileOf(page), 'gb18030'), page, EPAPER_TITLE_LIST_SELECTORS);
    expect(areas).toEqual(list);
    expect(areas).toHaveLength(4);
    expect(extractList(corpusText(fileOf(page), 'gb18030'), page, { item: 'map area[href], #titleList li' })).toHaveLength(4);
  });

  it('has a 2021-12-14 edition one day before, for searches around a date', () => {
    const found = datesAround('2021-12-15', 2).flatMap((d) =>
      epaperPageUrls(template, d, [1, 2])
        .map((p) => {
          try {
            return extractList(corpusText(fileOf(p), 'gb18030'), p, EPAPER_TITLE_LIST_SELECTORS);
          } catch {
            return []; // no such page in the corpus (a 404 from the server)
          }
        })
        .flat(),
    );
    expect(found).toHaveLength(11);
    expect(found.filter((i) => i.publishedOn === '2021-12-14').map((i) => i.title)).toEqual([
      '大祥区举行2021年冬季新兵入伍欢送仪式',
      '全市冬修水利工作现场推进会召开',
    ]);
  });

  it('the committed GBK / GB18030 / BOM files are what make-corpus.ts writes', () => {
    const built = buildEncodedCorpus();
    expect(built.size).toBe(13);
    for (const [file, bytes] of built) expect({ file, same: readFileSync(path.join(CORPUS, file)).equals(bytes) }).toEqual({ file, same: true });
    // gb2312-labelled pages carry a GBK-only character (祎), and the GB18030 page 4-byte ones.
    expect(readFileSync(path.join(CORPUS, 'epaper/shaoyang/2021-12/15/node_2.html')).includes(Buffer.from([0xb5, 0x74]))).toBe(true);
    expect(readFileSync(path.join(CORPUS, 'encodings/gb18030.html')).includes(Buffer.from([0x95, 0x34, 0xb2, 0x35]))).toBe(true);
    expect(readFileSync(path.join(CORPUS, 'encodings/utf8-bom.html')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('e-paper URL templates', () => {
  it('fills in dates and pages, zero-padding where asked', () => {
    expect(epaperPageUrls('http://e.example/html/{yyyy}-{MM}/{dd}/node_{page}.htm', '2021-01-05', [1, 2, 10])).toEqual([
      'http://e.example/html/2021-01/05/node_1.htm',
      'http://e.example/html/2021-01/05/node_2.htm',
      'http://e.example/html/2021-01/05/node_10.htm',
    ]);
    expect(epaperPageUrls('http://e.example/{yyyy}{MM}{dd}/page_{page:2}.html', '2021-12-15', { from: 1, to: 3 })).toEqual([
      'http://e.example/20211215/page_01.html',
      'http://e.example/20211215/page_02.html',
      'http://e.example/20211215/page_03.html',
    ]);
    expect(epaperPageUrls('http://e.example/{yy}/{M}/{d}/{page:3}.html', '2021-01-05', [7])).toEqual(['http://e.example/21/1/5/007.html']);
    expect(epaperPageUrls('http://e.example/{yyyy}/{MM}/{dd}/index.html', '2021-12-15', [1, 2])).toEqual([
      'http://e.example/2021/12/15/index.html',
    ]);
    expect(epaperPageUrls('http://e.example/{page}.html', '2021-12-15', { from: 3, to: 2 })).toEqual([]);
  });

  it('rejects unknown placeholders, impossible dates and bad pages', () => {
    expect(validateEpaperTemplate('http://e.example/{yyyy}/{MM}/{dd}/node_{page:2}.htm')).toBeNull();
    expect(validateEpaperTemplate('http://e.example/{date}/node.htm')).toMatch(/\{date\}/);
    expect(validateEpaperTemplate('http://e.example/{yyyy/node.htm')).toMatch(/braces/);
    expect(() => epaperPageUrls('http://e.example/{yyyy}/{page}', '2021-02-30', [1])).toThrow(RangeError);
    expect(() => epaperPageUrls('http://e.example/{yyyy}/{page}', '2021-12-15', [0])).toThrow(RangeError);
    expect(() => epaperPageUrls('http://e.example/{week}/{page}', '2021-12-15', [1])).toThrow(RangeError);
  });
});

describe('feeds of the corpus', () => {
  it('reads the RSS 2.0 feed: CDATA titles, link text or permalink guid, RFC 822 dates in Shanghai', () => {
    const feed = url('feeds/rednet.xml');
    expect(extractFeed(corpusText('feeds/rednet.xml'), feed)).toEqual([
      { title: '大祥区召开2021年冬季森林防火工作部署会', url: url('news/2021/12/15/article_1001.html'), publishedOn: '2021-12-15', foundOn: feed },
      { title: '大祥区：“一件事一次办”跑出加速度！', url: url('news/2021/12/15/article_1002.html'), publishedOn: '2021-12-15', foundOn: feed },
      // 16:30 GMT is 00:30 the next day in Shanghai
      { title: '隆回县金银花产业带动群众增收', url: url('rednet/2021/12/14/10603801.html'), publishedOn: '2021-12-15', foundOn: feed },
      // no <link>: the permalink guid; CST read as China Standard Time
      { title: '大祥区：冬日暖阳照进敬老院', url: url('rednet/2021/12/14/10603799.html'), publishedOn: '2021-12-14', foundOn: feed },
      // numeric entities, dc:date
      { title: '邵阳市“湘商回归”签约项目总投资超百亿元', url: url('rednet/2021/12/13/10603750.html'), publishedOn: '2021-12-13', foundOn: feed },
    ]);
  });

  it('reads the Atom feed: alternate links, html and xhtml titles, published before updated', () => {
    const feed = url('feeds/atom.xml');
    expect(extractFeed(corpusText('feeds/atom.xml'), feed)).toEqual([
      { title: '大祥区打造15分钟便民生活圈', url: url('news/2021/12/15/article_1003.html'), publishedOn: '2021-12-15', foundOn: feed },
      { title: '大祥区举办首届乡村振兴农产品展销会', url: url('news/2021/12/15/article_1005.html'), publishedOn: '2021-12-15', foundOn: feed },
      { title: '北塔区新建城市书房正式开放', url: url('news/2021/12/15/article_1006.html'), publishedOn: '2021-12-15', foundOn: feed },
      { title: '城步苗族自治县举办冬季民俗文化活动', url: url('voc/2021/12/13/4521.html'), publishedOn: '2021-12-13', foundOn: feed },
    ]);
  });

  it('cleans item titles as page titles are: site names, columns and media tags dropped', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>红网</title>
      <item><title>隆回：春耕忙_邵阳新闻网</title><link>${url('a/1.html')}</link></item>
      <item><title><![CDATA[视频丨城步：苗乡群众喜过“六月六”]]></title><link>${url('a/2.html')}</link></item>
      <item><title>【乡村振兴】大祥区罗市镇：荒山变成“金山银山”（组图） - 市州 - 红网</title><link>${url('a/3.html')}</link></item>
    </channel></rss>`;
    expect(extractFeed(xml, url('f.xml')).map((i) => i.title)).toEqual(['隆回：春耕忙', '城步：苗乡群众喜过“六月六”', '大祥区罗市镇：荒山变成“金山银山”']);
    const html = `<ul class="news"><li><a href="${url('b/1.html')}">大祥区开展冬季消防安全大排查_邵阳新闻网</a></li>
      <li><a href="${url('b/2.html')}">[视频]大祥区举办2021年秋季大型人才招聘会</a></li></ul>`;
    expect(extractList(html, url('list.html'), { item: 'ul.news li', link: 'a' }).map((i) => i.title)).toEqual([
      '大祥区开展冬季消防安全大排查',
      '大祥区举办2021年秋季大型人才招聘会',
    ]);
  });

  it('reads nothing from something that is not a feed', () => {
    expect(extractFeed('<html><body>不是订阅源</body></html>', url('x.xml'))).toEqual([]);
    expect(extractFeed('', url('x.xml'))).toEqual([]);
  });
});

describe('title similarity', () => {
  it('is 1 for titles identical after normalisation, whatever the punctuation, width or spaces', () => {
    expect(titleSimilarity('大祥区召开会议', '大祥区召开会议')).toBe(1);
    expect(titleSimilarity('大祥区：“一件事一次办”跑出加速度！', '大祥区:"一件事一次办" 跑出加速度!')).toBe(1);
    expect(titleSimilarity('大祥区２０２１年冬季征兵', '大祥区2021年冬季征兵')).toBe(1);
    expect(titleSimilarity('ＡＢＣ 大祥', 'abc大祥')).toBe(1);
  });

  it('the corpus list title and its article page match fully (1002) or by containment of the 副题 (1003)', () => {
    const a1002 = extractArticle(corpusText('news/2021/12/15/article_1002.html'), url('news/2021/12/15/article_1002.html'));
    expect(titleSimilarity('大祥区：“一件事一次办”跑出加速度！', a1002.title!)).toBe(1);
    const a1003 = extractArticle(corpusText('news/2021/12/15/article_1003.html'), url('news/2021/12/15/article_1003.html'));
    const s = titleSimilarity('大祥区打造15分钟便民生活圈', a1003.title!);
    expect(s).toBeGreaterThanOrEqual(0.9);
    expect(s).toBeLessThan(1);
    // a ledger title with 引题 and 主题 against the e-paper's 主题
    expect(titleSimilarity('便民服务进小区 居民生活更舒心 大祥区打造“15分钟便民生活圈”', '大祥区打造“15分钟便民生活圈”')).toBeGreaterThanOrEqual(0.9);
  });

  it('does not lift short contained titles, and scores unrelated titles low', () => {
    expect(titleSimilarity('大祥区', '大祥区开展冬季农村消防安全大排查大整治专项行动')).toBeLessThan(0.5);
    expect(titleSimilarity('大祥区召开2021年冬季森林防火工作部署会', '隆回县金银花产业带动群众增收')).toBeLessThan(0.5);
    expect(titleSimilarity('大祥区召开会议', '大祥区召开大会')).toBeGreaterThan(0.5);
    expect(titleSimilarity('大祥区召开会议', '大祥区召开大会')).toBeLessThan(0.9);
    expect(titleSimilarity('', '大祥区')).toBe(0);
    expect(titleSimilarity('！！', '？？')).toBe(0);
  });
});

describe('keywords', () => {
  it('finds keywords after normalisation and ignores blank ones', () => {
    expect(mentionsKeywords('大祥区召开会议', ['大祥'])).toBe(true);
    expect(mentionsKeywords('隆回县金银花产业带动群众增收', ['大祥'])).toBe(false);
    expect(mentionsKeywords('大 祥 区：召开会议', ['大祥'])).toBe(true);
    expect(mentionsKeywords('ＤＸ融媒发布', ['dx'])).toBe(true);
    expect(mentionsKeywords('大祥区召开会议', ['', '  ', '！'])).toBe(false);
    expect(mentionsKeywords('大祥区召开会议', [])).toBe(false);
    expect(matchedKeywords('大祥区城南街道', ['大祥', '城南', '双清'])).toEqual(['大祥', '城南']);
  });
});

describe('compareTitles', () => {
  it('gives a verdict and a score in [0, 1]', () => {
    expect(compareTitles('大祥区召开会议', ' · 大祥区召开会议')).toEqual({ same: true, score: 1 });
    const other = compareTitles('大祥区召开2021年冬季森林防火工作部署会', '隆回县金银花产业带动群众增收');
    expect(other.same).toBe(false);
    expect(other.score).toBeGreaterThanOrEqual(0);
    expect(other.score).toBeLessThan(0.5);
  });
});
