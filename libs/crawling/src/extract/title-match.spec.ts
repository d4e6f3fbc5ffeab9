import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanItemTitle, compareTitles } from './index';
import { parseChineseNumeral, readNumbers } from './title-numbers';

interface Pair {
  a: string;
  b: string;
  same: boolean;
  category: string;
}

const PAIRS = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'titles', 'pairs.jsonl');

describe('title matcher on the labelled corpus (test/fixtures/titles)', () => {
  const pairs = readFileSync(PAIRS, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Pair);
  const verdicts = pairs.map((p) => ({ ...p, said: compareTitles(p.a, p.b).same }));
  const truePositives = verdicts.filter((v) => v.same && v.said).length;
  const saidSame = verdicts.filter((v) => v.said).length;
  const same = verdicts.filter((v) => v.same).length;

  it('takes at most 0.5% of what it calls the same story from different stories (precision ≥ 99.5%)', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(400);
    // The pairs taken wrongly show in the diff when it fails.
    const wrong = verdicts.filter((v) => v.said && !v.same).map((v) => `${v.category}: ${v.a} | ${v.b}`);
    expect({ precisionAtLeast995: truePositives / saidSame >= 0.995, wrong }).toMatchObject({ precisionAtLeast995: true });
  });

  it('finds at least 95% of the same-story pairs (recall ≥ 95%)', () => {
    const missed = verdicts.filter((v) => v.same && !v.said).map((v) => `${v.category}: ${v.a} | ${v.b}`);
    expect({ recallAtLeast95: truePositives / same >= 0.95, missed }).toMatchObject({ recallAtLeast95: true });
  });

  it('finds most pairs of every same-story category and takes no category of different stories for the same', () => {
    const byCategory = new Map<string, { n: number; right: number }>();
    for (const v of verdicts) {
      const c = byCategory.get(v.category) ?? { n: 0, right: 0 };
      c.n++;
      if (v.said === v.same) c.right++;
      byCategory.set(v.category, c);
    }
    for (const [category, c] of byCategory) {
      const differentStories = verdicts.some((v) => v.category === category && !v.same);
      // A different-story category may lose one pair (1 in 20 at worst); a same-story one keeps 3 in 4.
      expect({ category, ok: c.right / c.n >= (differentStories ? 0.95 : 0.75) }).toEqual({ category, ok: true });
    }
  });
});

describe('the number rule', () => {
  it('reads Chinese numerals: positional, digit by digit, with 两, 点 and a lone 万 or 亿', () => {
    expect(parseChineseNumeral('三十五')).toBe(35);
    expect(parseChineseNumeral('十')).toBe(10);
    expect(parseChineseNumeral('十二')).toBe(12);
    expect(parseChineseNumeral('二百零五')).toBe(205);
    expect(parseChineseNumeral('三千二百')).toBe(3200);
    expect(parseChineseNumeral('一万二千三百四十五')).toBe(12345);
    expect(parseChineseNumeral('十亿')).toBe(1e9);
    expect(parseChineseNumeral('亿')).toBe(1e8);
    expect(parseChineseNumeral('两')).toBe(2);
    expect(parseChineseNumeral('二〇二一')).toBe(2021);
    expect(parseChineseNumeral('一点二亿')).toBe(1.2e8);
    expect(parseChineseNumeral('十四五')).toBeNull();
    expect(parseChineseNumeral('')).toBeNull();
  });

  it('writes every number one way and keeps its unit', () => {
    expect(readNumbers('第三十五次')).toEqual({ text: '第35次', numbers: [{ token: '35次', end: 5 }] });
    expect(readNumbers('二〇二一年十二月十五日').numbers.map((n) => n.token)).toEqual(['2021年', '12月', '15日']);
    expect(readNumbers('2.8万人').text).toBe(readNumbers('28000人').text);
    expect(readNumbers('一点二亿元').numbers[0].token).toBe(readNumbers('1.2亿元').numbers[0].token);
    expect(readNumbers('超亿元').numbers[0].token).toBe('100000000元');
    expect(readNumbers('1,200万元').numbers[0].token).toBe('12000000元');
    expect(readNumbers('增长17.5%').numbers[0].token).toBe('17.5%');
    expect(readNumbers('“十四五”规划').numbers[0].token).toBe('十四五');
  });

  it.each([
    ['双清区召开第3次乡村振兴工作推进会', '双清区召开第4次乡村振兴工作推进会'],
    ['双清区召开第三次乡村振兴工作推进会', '双清区召开第四次乡村振兴工作推进会'],
    ['双清区召开第3次乡村振兴工作推进会', '双清区召开第四次乡村振兴工作推进会'],
    ['双清区召开第40次乡村振兴工作推进会', '双清区召开第41次乡村振兴工作推进会'],
    ['大祥区棚户区改造一期工程顺利交房', '大祥区棚户区改造二期工程顺利交房'],
    ['学习贯彻党的二十大精神系列评论之一', '学习贯彻党的二十大精神系列评论之二'],
    ['绥宁县举办第十届“四八姑娘节”', '绥宁县举办第十一届“四八姑娘节”'],
    ['大祥区2023年度述职评议大会召开', '大祥区2024年度述职评议大会召开'],
    ['湖南省新冠肺炎疫情信息发布（5月3日）', '湖南省新冠肺炎疫情信息发布（5月4日）'],
    ['邵阳市召开2022年一季度经济运行分析会', '邵阳市召开2022年二季度经济运行分析会'],
    ['二〇二一年大祥区政府工作报告', '二〇二二年大祥区政府工作报告'],
    ['北塔区签约项目总投资3.2亿元', '北塔区签约项目总投资3.5亿元'],
    ['大祥区发放创业担保贷款50万元', '大祥区发放创业担保贷款500万元'],
    ['大祥区：为企业减负超亿元', '大祥区：为企业减负超10亿元'],
    ['邵阳市中心医院6名医护人员驰援上海', '邵阳市中心医院16名医护人员驰援上海'],
    ['大祥区选手在全省技能大赛中荣获一等奖', '大祥区选手在全省技能大赛中荣获二等奖'],
    ['湖南省防汛抗旱指挥部启动防汛Ⅳ级应急响应', '湖南省防汛抗旱指挥部启动防汛Ⅲ级应急响应'],
  ])('tells %s from %s, whatever the edit distance', (a, b) => {
    const c = compareTitles(a, b);
    expect(c.same).toBe(false);
    expect(c.score).toBeGreaterThan(0.8);
    expect(compareTitles(b, a).same).toBe(false);
  });

  it.each([
    ['大祥区召开第三次乡村振兴工作推进会', '大祥区召开第3次乡村振兴工作推进会'],
    ['二〇二一年大祥区政府工作报告', '2021年大祥区政府工作报告'],
    ['大祥区十二月十五日召开全区经济工作会议', '大祥区12月15日召开全区经济工作会议'],
    ['邵阳：新增城镇就业2.8万人', '邵阳：新增城镇就业28000人'],
    ['邵东打火机年出口额突破十亿元', '邵东打火机年出口额突破10亿元'],
    ['双清区投资一点二亿元建设智慧农贸市场', '双清区投资1.2亿元建设智慧农贸市场'],
    ['大祥区２０２１年冬季征兵', '大祥区2021年冬季征兵'],
    // a lead's own figure is no disagreement
    ['武冈卤菜香飘全国', '小卤菜做成大产业 年产值突破30亿元 武冈卤菜香飘全国'],
    // a list's cut inside the last number says nothing about it
    ['双清区法院集中执行兑现农民工工资120万元', '双清区法院集中执行兑现农民工工资12…'],
  ])('takes %s and %s for one story', (a, b) => {
    expect(compareTitles(a, b).same).toBe(true);
    expect(compareTitles(b, a).same).toBe(true);
  });
});

describe('the rest of the rule', () => {
  it('takes a headline within a longer one (引题, 副题, place prefix, site name, traditional characters) for the same story', () => {
    expect(compareTitles('隆回：春耕忙', '抢抓农时不误春 隆回：春耕忙_邵阳新闻网').same).toBe(true);
    expect(compareTitles('双清区召开乡村振兴工作推进会——聚焦“产业兴旺”', '双清区召开乡村振兴工作推进会').same).toBe(true);
    expect(compareTitles('大祥区：为企业减负超亿元', '湖南大祥：为企业减负超亿元').same).toBe(true);
    expect(compareTitles('邵阳蓝印花布走进北京冬奥会', '湖南邵陽：邵陽藍印花布走進北京冬奧會').same).toBe(true);
    expect(compareTitles('大祥区召开2021年冬季森林防火工作部署会', '大祥区召开2021年冬季森林防...').same).toBe(true);
    expect(compareTitles('大祥区多措并举推进农村人居环境整治', '大祥区多措并举推进人居环境整治').same).toBe(true);
    // invisible format characters (zero-width space, soft hyphen) inside a word or a number
    expect(compareTitles('大祥区召开第3\u200b次乡村振兴工作推进会', '大祥区召开第三次乡村\u00ad振兴工作推进会')).toEqual({ same: true, score: 1 });
  });

  it('refuses a replaced word, a too short shared headline and a long insertion inside', () => {
    expect(compareTitles('邵阳经开区新能源电池项目开工', '邵阳经开区新能源电池项目竣工').same).toBe(false);
    expect(compareTitles('双清区开展冬季消防安全大排查', '双清区开展夏季消防安全大排查').same).toBe(false);
    expect(compareTitles('大祥区青年干部培训班开班', '大祥区青年干部培训班结业').same).toBe(false);
    expect(compareTitles('邵阳县油茶产业助力乡村振兴', '新邵县油茶产业助力乡村振兴').same).toBe(false);
    expect(compareTitles('春耕忙', '隆回：春耕忙').same).toBe(false);
    expect(compareTitles('大祥区召开会议', '大祥区召开安全生产工作会议').same).toBe(false);
    expect(compareTitles('“我为群众办实事”｜大祥区：破解老旧小区停车难', '“我为群众办实事”｜大祥区：解决农村群众饮水难').same).toBe(false);
  });

  it('scores in [0, 1]: 1 for the same headline, 0 for nothing to compare', () => {
    expect(compareTitles('大祥区：“一件事一次办”跑出加速度！', '大祥区:"一件事一次办" 跑出加速度 - 红网')).toEqual({ same: true, score: 1 });
    expect(compareTitles('！！', '？？')).toEqual({ same: false, score: 0 });
    expect(compareTitles('', '大祥区')).toEqual({ same: false, score: 0 });
    const lead = compareTitles('大祥区打造“15分钟便民生活圈”', '便民服务进小区 居民生活更舒心 大祥区打造“15分钟便民生活圈”');
    expect(lead.same).toBe(true);
    expect(lead.score).toBeGreaterThanOrEqual(0.9);
    expect(lead.score).toBeLessThan(1);
  });
});

describe('cleanItemTitle', () => {
  it.each([
    ['大祥区开展冬季消防安全大排查_邵阳新闻网', '大祥区开展冬季消防安全大排查'],
    ['隆回：春耕忙_邵阳新闻网', '隆回：春耕忙'],
    ['大祥区蔡锷乡：特色产业铺就致富路 - 市州 - 红网', '大祥区蔡锷乡：特色产业铺就致富路'],
    ['湖南邵阳 推动特色产业高质量发展--湖南频道--人民网', '湖南邵阳 推动特色产业高质量发展'],
    ['湖南省委巡视组进驻邵阳市开展常规巡视—中国共产党新闻网', '湖南省委巡视组进驻邵阳市开展常规巡视'],
    ['【乡村振兴】大祥区罗市镇：荒山变成“金山银山”', '大祥区罗市镇：荒山变成“金山银山”'],
    ['[视频]大祥区举办2021年秋季大型人才招聘会', '大祥区举办2021年秋季大型人才招聘会'],
    ['视频｜邵阳市举行防汛抢险救援综合演练', '邵阳市举行防汛抢险救援综合演练'],
    ['视频丨城步：苗乡群众喜过“六月六”', '城步：苗乡群众喜过“六月六”'],
    ['大祥区融媒体中心挂牌成立（图）', '大祥区融媒体中心挂牌成立'],
    ['洞口：雪峰蜜橘喜获丰收（组图）_邵阳新闻网', '洞口：雪峰蜜橘喜获丰收'],
    ['大祥区开展困难群众“冬季送温暖”活动【图文】', '大祥区开展困难群众“冬季送温暖”活动'],
    [' · 大祥区召开2021年冬季森林防火工作部…', '大祥区召开2021年冬季森林防火工作部…'],
    // kept whole: a doubled dash is Chinese punctuation, a hyphen between digits is a range
    ['党建引领“三治融合”——大祥区推进乡村治理纪实', '党建引领“三治融合”——大祥区推进乡村治理纪实'],
    ['大祥区1-11月固定资产投资同比增长12.3%', '大祥区1-11月固定资产投资同比增长12.3%'],
    ['【专题】', '【专题】'],
  ])('%s → %s', (raw, clean) => {
    expect(cleanItemTitle(raw)).toBe(clean);
  });
});
