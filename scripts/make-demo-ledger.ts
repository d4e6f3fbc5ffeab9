/**
 * Writes demo/daxiang/ledger.csv: the demo placement ledger (上稿台账) of 邵阳市大祥区融媒体中心,
 * one row per placement from the centre's founding (2019-06-21) to the seed report's cut-off
 * (2021-12-22).
 *
 * The rows are invented, but counted they give exactly the figures of the seed report
 * (/work/shared/seeds, see DESIGN.md "The seed's figures"). How it works:
 *
 *   1. QUOTAS    — a table: how many rows each channel gets in which period, and for the
 *                  channels the report counts by section/prominence/genre, which rows carry
 *                  which section, position (位置) and genre (体裁).
 *   2. filling   — every quota row gets a date (weekday-weighted, seeded PRNG), then a title
 *                  composed from topic templates, authors, the channel's name (sometimes an
 *                  alias), and a link for web/app channels.
 *   3. EXPECTED  — the seed's figures, written down independently of the quotas. The CSV text
 *                  is parsed back, every 媒体 is resolved through the catalog's names and
 *                  aliases, and every figure is recounted; any difference throws before the
 *                  file is written. So are duplicate titles (same channel + date + normalised
 *                  title) and duplicate links.
 *
 * Deterministic: one fixed seed, no Math.random, no clock; two runs give identical bytes.
 * Run with `npm run demo:ledger`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { repoRoot } from '@pl/config';
import { addDays, canonicalUrl, daysBetween, normaliseName, normaliseTitle, utcMidnightOf, GENRE_ALIASES, PROMINENCE_ALIASES } from '@pl/domain';
import { CATALOG, Catalog, CatalogChannel } from '@pl/placements';

const SEED = 20211222;
const FOUNDED = '2019-06-21';
const CUT_OFF = '2021-12-22';
const OUTPUT = 'demo/daxiang/ledger.csv';
const HEADER = ['刊发日期', '标题', '媒体', '版面栏目', '位置', '体裁', '作者', '链接'] as const;

// ───────────────────────────────────────────────────────────────────────────────────────────
// Periods
// ───────────────────────────────────────────────────────────────────────────────────────────

type Window = readonly [from: string, to: string];
const PRE: Window = [FOUNDED, '2020-12-31']; // before the report year
const Y2021: Window = ['2021-01-01', CUT_OFF]; // the report year, up to the cut-off
const ALL: Window = [FOUNDED, CUT_OFF];

// ───────────────────────────────────────────────────────────────────────────────────────────
// Value mixes. A Mix is a fixed value or weighted choices ('' = left empty).
// ───────────────────────────────────────────────────────────────────────────────────────────

type Mix = string | Readonly<Record<string, number>>;

const NONE = '';
const PRINT_GENRES: Mix = { 消息: 70, 通讯: 14, 图片: 9, 评论: 2, '': 5 };
const TV_GENRES: Mix = { 视频: 80, 消息: 15, '': 5 };
const RADIO_GENRES: Mix = { 消息: 90, '': 10 };
const WEB_GENRES: Mix = { 消息: 72, 图片: 9, 视频: 9, 通讯: 5, 评论: 1, '': 4 };
const NEWS_ONLY: Mix = { 消息: 6, 图片: 1 }; // explicitly not 通讯
const SERVICE_GENRES: Mix = { 消息: 75, 图片: 5, '': 20 };
const SOME_HEADLINES: Mix = { '': 9, 头条: 1 };

// ───────────────────────────────────────────────────────────────────────────────────────────
// How each channel's rows look by default: sections, positions, genres, how often editors
// write an alias instead of the name, and how links are made (web/app channels with a
// catalog URL pattern only; print, TV, radio, WeChat and apps without a domain get none).
// ───────────────────────────────────────────────────────────────────────────────────────────

interface Ymd {
  y: string;
  m: string;
  d: string;
}
interface LinkMaker {
  /** First article id and the random gap between consecutive ids (ids grow with the date). */
  start: number;
  step: readonly [number, number];
  url: (date: Ymd, id: number, rng: Rng) => string;
}
interface Style {
  sections: Mix;
  positions: Mix;
  genres: Mix;
  aliasRate?: number;
  link?: LinkMaker;
}

const STYLES: Record<string, Style> = {
  // central
  中央电视台: { sections: { 新闻直播间: 2, 朝闻天下: 1 }, positions: NONE, genres: TV_GENRES, aliasRate: 0.25 },
  央广网: {
    sections: '地方',
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 524_900_000, step: [8_000, 60_000], url: (t, id) => `http://hn.cnr.cn/hngd/${t.y}${t.m}${t.d}/t${t.y}${t.m}${t.d}_${id}.shtml` },
  },
  人民日报: { sections: { 经济: 1, 社会: 1, 综合: 1 }, positions: NONE, genres: PRINT_GENRES },
  人民日报微信公众号: { sections: NONE, positions: NONE, genres: WEB_GENRES },
  人民网: {
    sections: '湖南频道',
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 31_700_000, step: [5_000, 40_000], url: (t, id) => `http://hn.people.com.cn/n2/${t.y}/${t.m}${t.d}/c356883-${id}.html` },
  },
  新华网: {
    sections: '湖南频道',
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 1_125_000_000, step: [200_000, 2_000_000], url: (t, id) => `http://www.hn.xinhuanet.com/${t.y}-${t.m}/${t.d}/c_${id}.htm` },
  },
  光明网: {
    sections: '地方',
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 32_900_000, step: [20_000, 200_000], url: (t, id) => `https://difang.gmw.cn/hn/${t.y}-${t.m}/${t.d}/content_${id}.htm` },
  },
  中国新闻网: {
    sections: '湖南新闻',
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 230_000, step: [300, 3_000], url: (t, id) => `http://www.hn.chinanews.com.cn/news/${t.y}/${t.m}${t.d}/${id}.html` },
  },

  // provincial
  湖南日报: { sections: { 要闻: 1, 市州头条: 1, 县市区: 2 }, positions: NONE, genres: PRINT_GENRES },
  湖南卫视: { sections: { 午间新闻: 1, 晚间新闻: 1 }, positions: NONE, genres: TV_GENRES },
  湖南新闻联播: { sections: NONE, positions: NONE, genres: TV_GENRES, aliasRate: 0.35 },
  湖南经视: { sections: '经视新闻', positions: NONE, genres: TV_GENRES },
  学习强国湖南学习平台: {
    sections: { 市州动态: 3, 湖南新闻: 1 },
    positions: NONE,
    genres: WEB_GENRES,
    aliasRate: 0.5,
    link: {
      start: 1_284_000_000,
      step: [100_000, 900_000],
      url: (_t, id, rng) => `https://article.xuexi.cn/articles/index.html?art_id=${id}${String(Math.floor(rng() * 1e9)).padStart(9, '0')}&source=share`,
    },
  },
  红网: {
    sections: { 时刻新闻: 2, 市州: 3 },
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 5_800_000, step: [500, 6_000], url: (t, id) => `https://hn.rednet.cn/content/${t.y}/${t.m}/${t.d}/${id}.html` },
  },
  新湖南: {
    sections: { 市州: 3, 邵阳频道: 1 },
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 9_600_000, step: [2_000, 20_000], url: (t, id) => `https://www.hunantoday.cn/news/xhn/${t.y}${t.m}/${id}.html` },
  },
  华声在线: {
    sections: { 湖南新闻: 1, 市州: 2 },
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 202_000_000, step: [5_000, 50_000], url: (t, id) => `https://hunan.voc.com.cn/article/${t.y}${t.m}/${id}.html` },
  },

  // municipal
  邵阳日报: { sections: { 县区版: 3, 要闻: 1, 综合新闻: 1 }, positions: NONE, genres: PRINT_GENRES },
  邵阳晚报: { sections: { 城事: 2, 县区: 3 }, positions: SOME_HEADLINES, genres: PRINT_GENRES },
  邵阳城市报: { sections: '县区新闻', positions: SOME_HEADLINES, genres: PRINT_GENRES },
  邵阳电视台: { sections: { 新闻联播: 4, 今日关注: 1 }, positions: NONE, genres: TV_GENRES },
  邵阳交通频道: { sections: NONE, positions: NONE, genres: RADIO_GENRES },
  邵阳新闻网: {
    sections: { 县区新闻: 3, 邵阳要闻: 1 },
    positions: NONE,
    genres: WEB_GENRES,
    link: { start: 1_480_000, step: [300, 3_000], url: (t, id) => `http://www.shaoyangnews.net/news/${t.y}-${t.m}/${t.d}/content_${id}.htm` },
  },
  邵阳手机报: { sections: NONE, positions: NONE, genres: { 消息: 9, '': 1 } },
  爱上邵阳: { sections: { 县市区: 2, 首页: 1 }, positions: NONE, genres: WEB_GENRES },
  云邵阳: { sections: { 县市区: 2, 首页: 1 }, positions: NONE, genres: WEB_GENRES },

  // district (the centre's own channels)
  '大祥融媒·人民号': { sections: NONE, positions: NONE, genres: WEB_GENRES },
  红网大祥站: {
    sections: { 大祥要闻: 3, 乡镇街道: 2, 部门动态: 1 },
    positions: { '': 19, 头条: 1 },
    genres: WEB_GENRES,
    link: { start: 5_700_000, step: [300, 4_000], url: (t, id) => `http://dx.rednet.cn/content/${t.y}/${t.m}/${t.d}/${id}.html` },
  },
  '大祥融媒·非宣传稿': { sections: NONE, positions: NONE, genres: SERVICE_GENRES },
  大祥新闻网: {
    sections: { 大祥要闻: 3, 乡镇动态: 2, 部门动态: 1 },
    positions: { '': 19, 头条: 1 },
    genres: WEB_GENRES,
    link: { start: 1_200, step: [2, 12], url: (_t, id) => `https://www.dxxww.com/news/${id}.html` },
  },
  '大祥融媒·头条号': { sections: NONE, positions: NONE, genres: WEB_GENRES },
  大祥发布微信公众号: { sections: NONE, positions: { '': 12, 头条: 1 }, genres: WEB_GENRES },
  大祥融媒客户端: { sections: { 首页: 3, 要闻: 2, 乡镇: 1 }, positions: { '': 12, 头条: 1 }, genres: WEB_GENRES },
};

// ───────────────────────────────────────────────────────────────────────────────────────────
// 1. QUOTAS — how many rows each channel gets, and when. Fields left out come from STYLES.
//    Channels the seed counts by section/position/genre list every 2021 group explicitly, so
//    the 2021 rows outside the seed's buckets are visibly outside (other section, no 头条,
//    not 通讯). `fixed` rows are milestones with a set date and title.
// ───────────────────────────────────────────────────────────────────────────────────────────

interface Quota {
  channel: string;
  window: Window;
  count: number;
  section?: Mix;
  position?: Mix;
  genre?: Mix;
  fixed?: readonly { date: string; title: string }[];
}

const QUOTAS: readonly Quota[] = [
  // ── central: 50 ──────────────────────────────────────────────────────────────────────────
  { channel: '中央电视台', window: PRE, count: 3 },
  { channel: '中央电视台', window: Y2021, count: 1 }, //            seed: 中央电视台 1
  { channel: '央广网', window: PRE, count: 4 },
  { channel: '央广网', window: Y2021, count: 1 }, //                seed: 央广网 1
  { channel: '人民日报', window: PRE, count: 2 },
  { channel: '人民日报', window: Y2021, count: 2 }, //              seed: 人民日报及公众号 6 (2 + 4)
  { channel: '人民日报微信公众号', window: PRE, count: 3 },
  { channel: '人民日报微信公众号', window: Y2021, count: 4 },
  { channel: '人民网', window: PRE, count: 7 },
  { channel: '人民网', window: Y2021, count: 5 },
  { channel: '新华网', window: PRE, count: 5 },
  { channel: '新华网', window: Y2021, count: 3 }, //                seed: 新华网 3
  { channel: '光明网', window: PRE, count: 3 },
  { channel: '光明网', window: Y2021, count: 2 },
  { channel: '中国新闻网', window: PRE, count: 3 },
  { channel: '中国新闻网', window: Y2021, count: 2 },

  // ── provincial: 204 ──────────────────────────────────────────────────────────────────────
  { channel: '湖南日报', window: PRE, count: 6, section: '要闻' },
  { channel: '湖南日报', window: PRE, count: 4, section: '市州头条' },
  { channel: '湖南日报', window: PRE, count: 10, section: '县市区' },
  { channel: '湖南日报', window: Y2021, count: 2, section: '市州头条', genre: NEWS_ONLY }, // seed: 市州头条 2
  { channel: '湖南日报', window: Y2021, count: 4, section: '要闻', genre: '通讯' }, //     seed: 要闻 11, 通讯 4
  { channel: '湖南日报', window: Y2021, count: 7, section: '要闻', genre: NEWS_ONLY }, //          … the other 7
  { channel: '湖南日报', window: Y2021, count: 6, section: '县市区' }, //                 outside the buckets
  { channel: '湖南卫视', window: PRE, count: 4 },
  { channel: '湖南卫视', window: Y2021, count: 2 },
  { channel: '湖南新闻联播', window: PRE, count: 17 },
  { channel: '湖南新闻联播', window: Y2021, count: 13 }, //         seed: 湖南卫视联播新闻 13
  { channel: '湖南经视', window: PRE, count: 5 },
  { channel: '湖南经视', window: Y2021, count: 3 },
  { channel: '学习强国湖南学习平台', window: PRE, count: 14 },
  { channel: '学习强国湖南学习平台', window: Y2021, count: 12 }, // seed: 学习强国 12
  { channel: '红网', window: PRE, count: 25 },
  { channel: '红网', window: Y2021, count: 20 },
  { channel: '新湖南', window: PRE, count: 15 },
  { channel: '新湖南', window: Y2021, count: 15 },
  { channel: '华声在线', window: PRE, count: 12 },
  { channel: '华声在线', window: Y2021, count: 8 },

  // ── municipal: 507 ───────────────────────────────────────────────────────────────────────
  { channel: '邵阳日报', window: PRE, count: 8, section: '头版', position: { 头版头条: 1, '': 1 } },
  { channel: '邵阳日报', window: PRE, count: 36, section: '县区版', position: { 头条: 1, '': 2 } },
  { channel: '邵阳日报', window: PRE, count: 8, section: '要闻' },
  { channel: '邵阳日报', window: PRE, count: 8, section: '综合新闻' },
  { channel: '邵阳日报', window: Y2021, count: 1, section: '头版', position: '头版头条' }, // seed: 头版头条 1
  { channel: '邵阳日报', window: Y2021, count: 5, section: '县区版', position: '头条' }, //   seed: 县区版头条 5
  { channel: '邵阳日报', window: Y2021, count: 3, section: '头版', position: NONE }, //       outside the buckets
  { channel: '邵阳日报', window: Y2021, count: 30, section: '县区版', position: NONE },
  { channel: '邵阳日报', window: Y2021, count: 6, section: '要闻', position: NONE },
  { channel: '邵阳日报', window: Y2021, count: 5, section: '综合新闻', position: NONE },
  { channel: '邵阳晚报', window: PRE, count: 20 },
  { channel: '邵阳晚报', window: Y2021, count: 15 },
  { channel: '邵阳城市报', window: PRE, count: 12 },
  { channel: '邵阳城市报', window: Y2021, count: 8 },
  { channel: '邵阳电视台', window: PRE, count: 45 },
  { channel: '邵阳电视台', window: Y2021, count: 35 },
  { channel: '邵阳交通频道', window: PRE, count: 9 },
  { channel: '邵阳交通频道', window: Y2021, count: 6 },
  { channel: '邵阳新闻网', window: PRE, count: 20, section: '首页', position: { 头条: 1, '': 2 } },
  { channel: '邵阳新闻网', window: PRE, count: 32, section: '县区新闻' },
  { channel: '邵阳新闻网', window: PRE, count: 8, section: '邵阳要闻' },
  { channel: '邵阳新闻网', window: Y2021, count: 6, section: '首页', position: '头条' }, //   seed: 首页头条 6
  { channel: '邵阳新闻网', window: Y2021, count: 8, section: '首页', position: NONE }, //     outside the bucket
  { channel: '邵阳新闻网', window: Y2021, count: 30, section: '县区新闻', position: NONE },
  { channel: '邵阳新闻网', window: Y2021, count: 6, section: '邵阳要闻', position: NONE },
  { channel: '邵阳手机报', window: PRE, count: 18 },
  { channel: '邵阳手机报', window: Y2021, count: 12 },
  { channel: '爱上邵阳', window: PRE, count: 25 },
  { channel: '爱上邵阳', window: Y2021, count: 22 },
  { channel: '云邵阳', window: PRE, count: 30 },
  { channel: '云邵阳', window: Y2021, count: 30 },

  // ── district: 5138 ───────────────────────────────────────────────────────────────────────
  { channel: '大祥融媒·人民号', window: ['2021-03-01', CUT_OFF], count: 5 },
  { channel: '红网大祥站', window: ALL, count: 422 },
  { channel: '大祥融媒·非宣传稿', window: ALL, count: 2956 },
  { channel: '大祥新闻网', window: ALL, count: 331 },
  { channel: '大祥融媒·头条号', window: Y2021, count: 1 },
  { channel: '大祥发布微信公众号', window: ALL, count: 1, fixed: [{ date: FOUNDED, title: '大祥区融媒体中心正式挂牌成立' }] },
  { channel: '大祥发布微信公众号', window: ALL, count: 637 },
  {
    channel: '大祥融媒客户端',
    window: ALL,
    count: 2,
    fixed: [
      { date: '2020-01-06', title: '大祥融媒客户端正式上线运行' },
      { date: '2021-07-01', title: '大祥区干部群众热议庆祝中国共产党成立100周年大会' },
    ],
  },
  { channel: '大祥融媒客户端', window: ['2020-01-06', CUT_OFF], count: 783 },
];

// ───────────────────────────────────────────────────────────────────────────────────────────
// 3. EXPECTED — the seed report's figures, recounted from the written CSV.
// ───────────────────────────────────────────────────────────────────────────────────────────

interface CountedRow {
  date: string;
  channel: string; // resolved from 媒体 through the catalog
  tier: string;
  outlet: string;
  section: string;
  headline: boolean; // 位置 read as the importer reads it
  genre: string | null; // 体裁 read as the importer reads it
}

const in2021 = (r: CountedRow) => r.date >= Y2021[0] && r.date <= Y2021[1];
const is = (...channels: string[]) => (r: CountedRow) => channels.includes(r.channel);

const EXPECTED = {
  total: 5899,
  tiers: { central: 50, provincial: 204, municipal: 507, district: 5138 } as Record<string, number>,
  districtChannels: {
    '大祥融媒·人民号': 5,
    红网大祥站: 422,
    '大祥融媒·非宣传稿': 2956,
    大祥新闻网: 331,
    '大祥融媒·头条号': 1,
    大祥发布微信公众号: 638,
    大祥融媒客户端: 785,
  } as Record<string, number>,
  /** 2021 up to the cut-off: label → [count, which rows]. */
  year2021: [
    ['中央电视台', 1, is('中央电视台')],
    ['央广网', 1, is('央广网')],
    ['人民日报及公众号', 6, is('人民日报', '人民日报微信公众号')],
    ['新华网', 3, is('新华网')],
    ['湖南日报市州头条', 2, (r) => r.channel === '湖南日报' && r.section === '市州头条'],
    ['湖南日报要闻', 11, (r) => r.channel === '湖南日报' && r.section === '要闻'],
    ['湖南日报要闻(通讯)', 4, (r) => r.channel === '湖南日报' && r.section === '要闻' && r.genre === 'feature'],
    ['湖南卫视联播新闻', 13, is('湖南新闻联播')],
    ['学习强国', 12, is('学习强国湖南学习平台')],
    ['邵阳日报头版头条', 1, (r) => r.channel === '邵阳日报' && r.section === '头版' && r.headline],
    ['邵阳日报县区版头条', 5, (r) => r.channel === '邵阳日报' && r.section === '县区版' && r.headline],
    ['邵阳新闻网首页头条', 6, (r) => r.channel === '邵阳新闻网' && r.section === '首页' && r.headline],
  ] as [string, number, (r: CountedRow) => boolean][],
  /** Outlets the seed names (plus the central channels) must each have at least one row. */
  namedOutlets: ['湖南日报', '湖南卫视', '湖南经视', '学习强国', '红网', '新湖南', '华声在线',
    '邵阳日报', '邵阳晚报', '邵阳城市报', '邵阳电视台', '邵阳交通频道', '邵阳新闻网', '邵阳手机报', '爱上邵阳', '云邵阳'],
  namedCentralChannels: ['中央电视台', '央广网', '人民日报', '人民日报微信公众号', '人民网', '新华网', '光明网', '中国新闻网'],
};

// ───────────────────────────────────────────────────────────────────────────────────────────
// Titles: topics with subjects (街道/乡镇, 区直部门, 大祥区), verb phrases, leads and labels,
// each phrase optionally limited to a date window or to some months.
// ───────────────────────────────────────────────────────────────────────────────────────────

interface Phrase {
  t: string;
  from?: string;
  to?: string;
  months?: readonly number[];
  /** Who may do it, when not every subject of the topic fits. */
  who?: readonly string[];
}
type PhraseSpec = string | Phrase;

interface Topic {
  name: string;
  weight: number;
  from?: string;
  to?: string;
  months?: readonly number[];
  /** Default subjects of the acts: 街道/乡镇, 区直部门 (written 区…), or 大祥区 itself. */
  subjects: readonly string[];
  /** Predicates: "<subject><act>". */
  acts: readonly PhraseSpec[];
  /** Adverbial phrases: "<subject><hook><act>". */
  hooks: readonly string[];
  /** Leading phrases: "<lead> <subject><act>" (default: the hooks). */
  leads?: readonly string[];
  /** Column labels for digital channels: "【label】<subject><act>". */
  labels?: readonly string[];
  /** Whole titles with tokens: {D} district, {L} district leaders, {TT} a town, {Y} year, {M} month, {DD} day, {Q} quarter… */
  standalone?: readonly PhraseSpec[];
  /** Leads of feature (通讯) titles: "<lead>——<district><topic>工作纪实". */
  featureLeads?: readonly string[];
}

const URBAN = ['城南街道', '城西街道', '城北路街道', '红旗路街道', '学院路街道', '中河街街道', '火车南站街道', '百春园街道'];
const RURAL = ['雨溪街道', '檀江街道', '蔡锷乡', '罗市镇', '板桥乡'];
const TOWNS = [...URBAN, ...RURAL];
const DISTRICT = '大祥区';

const TOPICS: readonly Topic[] = [
  {
    name: '疫情防控',
    weight: 10,
    from: '2020-01-21',
    subjects: [...TOWNS, '区卫健局', '区疾控中心', DISTRICT],
    acts: [
      '开展新冠肺炎疫情防控应急演练',
      { t: '全力做好返乡人员排查工作', who: [...TOWNS, '区公安分局', DISTRICT] },
      { t: '筑牢疫情防控“铁桶阵”', to: '2020-06-30' },
      { t: '织密织牢社区疫情防控网', who: [...URBAN, DISTRICT] },
      { t: '开展疫情防控专项督查', who: ['区纪委监委', '区卫健局', DISTRICT] },
      { t: '组织党员干部下沉社区抗疫', to: '2020-04-30', who: ['区委组织部', ...URBAN, DISTRICT] },
      { t: '加强农贸市场疫情防控检查', who: ['区市场监管局', ...URBAN] },
      { t: '扎实做好冷链食品疫情防控', from: '2020-07-01', who: ['区市场监管局', DISTRICT] },
      { t: '开展疫情防控知识宣传进小区', who: [...URBAN, '区卫健局', '区疾控中心'] },
      { t: '严格落实“外防输入、内防反弹”措施', from: '2020-03-15' },
      { t: '有序推进新冠疫苗接种工作', from: '2021-03-20' },
      { t: '设置临时接种点方便群众接种疫苗', from: '2021-03-20', who: [...TOWNS, '区卫健局'] },
      { t: '开展全员核酸检测应急演练', from: '2021-08-01' },
      { t: '做好中高风险地区来返人员健康管理', from: '2021-01-01' },
      { t: '为老年人开通疫苗接种“绿色通道”', from: '2021-04-01', who: [...TOWNS, '区卫健局'] },
    ],
    hooks: ['多措并举', '压实责任', '闻令而动', '全力以赴', '科学精准', '从严从紧', '守土尽责', '连夜部署'],
    labels: ['战疫一线', '疫情防控进行时', '众志成城抗疫情', '坚守岗位'],
    featureLeads: ['逆行而上守家园', '众志成城筑防线', '疫情就是命令'],
  },
  {
    name: '复工复产',
    weight: 6,
    from: '2020-02-10',
    to: '2020-06-30',
    subjects: [...TOWNS, '区工信局', '区商务局', '区发改局', DISTRICT],
    acts: [
      '助力企业复工复产',
      '为复工企业送去防疫物资',
      { t: '开展“送岗位、送政策”服务', who: ['区人社局', ...TOWNS] },
      '打通复工复产“堵点”',
      { t: '组织专车送务工人员返岗', who: ['区人社局', ...TOWNS] },
      { t: '帮扶中小微企业纾困解难', who: ['区工信局', '区商务局', '区发改局', DISTRICT] },
      { t: '为企业落实减税降费政策', who: ['区税务局'] },
    ],
    hooks: ['多措并举', '精准服务', '一企一策', '靠前服务', '两手抓'],
    labels: ['复工复产进行时'],
  },
  {
    name: '脱贫攻坚',
    weight: 6,
    to: '2020-12-31',
    subjects: [...RURAL, '区扶贫办', DISTRICT],
    acts: [
      '开展脱贫攻坚“回头看”',
      { t: '推进扶贫产业提质增效', who: [...RURAL, '区扶贫办', '区农业农村局'] },
      { t: '开展消费扶贫活动', who: [...RURAL, '区扶贫办', '区总工会', DISTRICT] },
      { t: '做好易地扶贫搬迁后续帮扶', who: [...RURAL, '区扶贫办'] },
      '帮助贫困户稳定增收',
      { t: '迎接脱贫攻坚普查', from: '2020-07-01', to: '2020-09-30' },
      { t: '举办扶贫农产品展销会', who: ['区扶贫办', '区商务局', DISTRICT] },
      { t: '为贫困劳动力提供就业岗位', who: ['区人社局', ...RURAL] },
      '开展扶贫小额信贷政策宣传',
    ],
    hooks: ['决战决胜', '尽锐出战', '精准施策', '真抓实干', '挂图作战'],
    labels: ['决战脱贫攻坚'],
    featureLeads: ['啃下最后的“硬骨头”', '脱贫路上不落一人'],
  },
  {
    name: '乡村振兴',
    weight: 7,
    subjects: [...RURAL, '区农业农村局', DISTRICT],
    acts: [
      '推进农村人居环境整治',
      '发展特色种养产业',
      '打造美丽乡村示范片',
      { t: '开展“空心房”整治', who: RURAL },
      '推进高标准农田建设',
      '引导农户种植优质稻',
      { t: '发展乡村旅游带动农民增收', who: [...RURAL, '区文旅广体局'] },
      { t: '推动脱贫攻坚成果同乡村振兴有效衔接', from: '2021-01-01' },
      { t: '开展农村集体经济清产核资', who: [...RURAL, '区农业农村局'] },
      '培育新型农业经营主体',
      { t: '抢抓农时开展春耕备耕', months: [3, 4] },
      { t: '组织农机抢收早稻', months: [7], who: RURAL },
      { t: '喜迎丰收季', months: [9, 10], who: RURAL },
    ],
    hooks: ['聚焦产业', '因地制宜', '党建引领', '持续发力', '久久为功'],
    labels: ['乡村振兴在行动'],
    featureLeads: ['沃野田畴绘新景', '产业兴旺富乡邻'],
  },
  {
    name: '党史学习教育',
    weight: 9,
    from: '2021-02-20',
    subjects: [...TOWNS, '区委组织部', '区委宣传部', '区纪委监委', '区教育局', '区人民法院', '区人民检察院', DISTRICT],
    acts: [
      '开展党史学习教育专题读书班',
      { t: '召开党史学习教育动员大会', to: '2021-04-30' },
      '组织党员参观红色教育基地',
      '开展“我为群众办实事”实践活动',
      '举办党史知识竞赛',
      { t: '开展党史宣讲进社区活动', who: [...URBAN, '区委宣传部'] },
      '组织党员观看红色电影',
      '开展“学党史、悟思想”主题党日活动',
      { t: '召开党史学习教育专题民主生活会', from: '2021-11-01' },
      { t: '举办庆祝建党100周年文艺演出', from: '2021-06-01', to: '2021-07-10', who: [...TOWNS, '区委宣传部', '区教育局', DISTRICT] },
      { t: '为老党员颁发“光荣在党50年”纪念章', from: '2021-06-15', to: '2021-07-31' },
      { t: '组织收看庆祝建党100周年大会直播', from: '2021-07-01', to: '2021-07-02' },
    ],
    hooks: ['学史明理', '学史力行', '以学促干', '赓续红色血脉', '用心用情'],
    labels: ['党史学习教育进行时', '我为群众办实事'],
    featureLeads: ['红色基因代代传', '百年初心映征程'],
  },
  {
    name: '主题教育',
    weight: 7,
    to: '2020-01-31',
    subjects: [...TOWNS, '区委组织部', '区委宣传部', '区教育局', '区卫健局', DISTRICT],
    acts: [
      '开展“不忘初心、牢记使命”主题教育',
      { t: '召开主题教育专题民主生活会', from: '2019-10-15' },
      '深入基层开展主题教育调研',
      '组织党员重温入党誓词',
      '对照检视问题抓整改',
      { t: '举办庆祝新中国成立70周年文艺汇演', from: '2019-08-15', to: '2019-10-10', who: [...TOWNS, '区委宣传部', DISTRICT] },
      { t: '开展“我和我的祖国”快闪活动', from: '2019-08-15', to: '2019-10-10' },
    ],
    hooks: ['守初心担使命', '找差距抓落实', '以学促改', '立查立改'],
    labels: ['不忘初心 牢记使命'],
  },
  {
    name: '创文创卫',
    weight: 8,
    subjects: [...URBAN, DISTRICT],
    acts: [
      { t: '开展城市环境卫生集中整治', who: [...URBAN, '区城管执法局', DISTRICT] },
      { t: '推进背街小巷改造提质', who: [...URBAN, '区住建局', DISTRICT] },
      { t: '整治占道经营乱象', who: [...URBAN, '区城管执法局'] },
      '开展“文明劝导”志愿服务',
      { t: '清理小广告“牛皮癣”', who: [...URBAN, '区城管执法局'] },
      { t: '推进老旧小区改造', who: [...URBAN, '区住建局', DISTRICT] },
      { t: '加强农贸市场规范管理', who: [...URBAN, '区市场监管局'] },
      '开展文明交通劝导活动',
      { t: '推进垃圾分类进小区', who: [...URBAN, '区城管执法局'] },
      { t: '整治“两违”建筑', who: [...URBAN, '区城管执法局', '区住建局'] },
    ],
    hooks: ['对标对表', '全民参与', '攻坚克难', '补齐短板', '以“绣花功夫”'],
    labels: ['创文创卫在行动'],
    featureLeads: ['城市颜值“逆袭”记', '小巷里的大变化'],
  },
  {
    name: '项目建设',
    weight: 7,
    subjects: [...TOWNS, DISTRICT],
    acts: [
      { t: '加快推进重点项目建设', who: [...TOWNS, '区发改局', DISTRICT] },
      { t: '开展重点项目集中开工活动', who: [DISTRICT] },
      '破解项目建设征拆难题',
      { t: '推进棚户区改造项目', who: [...URBAN, '区住建局'] },
      { t: '督查重点项目建设进度', who: ['区发改局', DISTRICT] },
      { t: '推进道路提质改造工程', who: ['区交通运输局', '区住建局', ...TOWNS] },
      '完成项目征地拆迁任务',
      { t: '推动安置房建设提速', who: ['区住建局', ...URBAN] },
    ],
    hooks: ['抢抓工期', '只争朝夕', '马力全开', '挂图作战'],
    leads: ['跑出加速度', '项目建设“加速跑”'],
    labels: ['项目建设进行时'],
    featureLeads: ['项目建设“加速跑”', '一线攻坚显担当'],
    standalone: [
      '{D}召开{Y}年第{Q}季度重点项目建设调度会',
      { t: '{D}{Y}年重点项目集中开工', months: [2, 3, 4] },
    ],
  },
  {
    name: '招商引资',
    weight: 5,
    subjects: ['区商务局', '区发改局', '区工信局', DISTRICT],
    acts: [
      '赴粤港澳大湾区开展招商推介',
      '签约一批重点招商项目',
      '举办招商引资项目推介会',
      '优化“一站式”招商服务',
      '引进湘商回归项目',
      '与客商洽谈合作项目',
      '开展驻点招商',
    ],
    hooks: ['以商招商', '主动出击', '精准招商', '筑巢引凤'],
    standalone: ['{D}召开{Y}年招商引资工作推进会'],
  },
  {
    name: '防汛抗旱',
    weight: 6,
    months: [4, 5, 6, 7, 8, 9],
    subjects: [...RURAL, '区水利局', '区应急管理局', DISTRICT],
    acts: [
      '开展防汛应急演练',
      { t: '排查整治山塘水库安全隐患', who: [...RURAL, '区水利局'] },
      { t: '连夜转移受灾群众', months: [6, 7], who: RURAL },
      { t: '全力抢修水毁道路', months: [6, 7, 8], who: [...RURAL, '区交通运输局'] },
      { t: '组织人员巡堤查险', who: [...RURAL, '区水利局'] },
      { t: '做好抗旱保灌工作', months: [7, 8, 9] },
      { t: '开展汛前安全大检查', months: [4, 5] },
    ],
    hooks: ['闻“汛”而动', '严阵以待', '全员上阵', '未雨绸缪'],
    labels: ['防汛一线'],
    standalone: [{ t: '{D}召开{Y}年防汛工作会议', months: [4, 5] }],
  },
  {
    name: '民生实事',
    weight: 7,
    subjects: [...TOWNS, DISTRICT],
    acts: [
      { t: '办好重点民生实事项目', who: [DISTRICT, ...TOWNS] },
      { t: '为困难群众送去温暖', months: [12, 1, 2], who: [...TOWNS, '区民政局', '区总工会'] },
      { t: '开展“春风行动”招聘会', months: [2, 3], who: ['区人社局', DISTRICT] },
      { t: '为老年人免费体检', who: [...TOWNS, '区卫健局'] },
      { t: '推进农村饮水安全工程', who: [...RURAL, '区水利局'] },
      '解决群众“急难愁盼”问题',
      { t: '开展医保政策宣传', who: [...TOWNS, '区医保局'] },
      { t: '为老旧小区加装电梯', who: [...URBAN, '区住建局'] },
      { t: '发放低保和特困救助金', who: [...TOWNS, '区民政局'] },
      { t: '开展免费职业技能培训', who: [...TOWNS, '区人社局'] },
    ],
    hooks: ['用心用情', '聚焦群众所盼', '真心实意'],
    leads: ['民生温度', '暖心服务'],
    labels: ['民生实事'],
    featureLeads: ['民生答卷暖人心', '小事情大民生'],
  },
  {
    name: '基层治理',
    weight: 7,
    subjects: [...TOWNS],
    acts: [
      '推行“网格化”社会治理',
      { t: '开展矛盾纠纷排查化解', who: [...TOWNS, '区司法局'] },
      '打造“一站式”矛盾纠纷调解中心',
      { t: '推进“雪亮工程”建设', who: [...TOWNS, '区公安分局'] },
      { t: '开展平安建设宣传活动', who: [...TOWNS, '区公安分局', '区司法局'] },
      { t: '开展扫黑除恶专项斗争宣传', to: '2021-03-31', who: [...TOWNS, '区公安分局'] },
      { t: '开展禁毒宣传进校园活动', who: ['区公安分局', '区教育局', ...TOWNS] },
      { t: '开展反电诈宣传进社区', from: '2020-06-01', who: ['区公安分局', ...URBAN] },
      { t: '完成村（社区）“两委”换届选举', from: '2021-01-01', to: '2021-05-31' },
      { t: '开展第七次全国人口普查入户登记', from: '2020-10-15', to: '2020-12-10' },
    ],
    hooks: ['党建引领', '多方联动', '聚焦源头', '关口前移'],
    standalone: [{ t: '{D}推进政法队伍教育整顿', from: '2021-02-20', to: '2021-10-31' }],
    featureLeads: ['“小网格”撬动“大治理”'],
  },
  {
    name: '文明实践',
    weight: 6,
    subjects: [...TOWNS, '区文旅广体局', '区妇联', '区总工会'],
    acts: [
      { t: '开展新时代文明实践志愿服务活动', who: [...TOWNS, DISTRICT] },
      { t: '开展“我们的节日·端午”活动', months: [6] },
      { t: '开展“我们的节日·中秋”活动', months: [9, 10] },
      { t: '开展“我们的节日·春节”活动', months: [1, 2] },
      { t: '开展学雷锋志愿服务活动', months: [3] },
      { t: '评选表彰“最美家庭”', who: [...TOWNS, '区妇联'] },
      { t: '开展移风易俗宣传', who: TOWNS },
      { t: '举办广场舞展演活动', who: [...TOWNS, '区文旅广体局'] },
      { t: '开展送文化下乡活动', who: ['区文旅广体局', ...RURAL] },
      { t: '建设新时代文明实践站', who: TOWNS },
    ],
    hooks: ['凝心聚力', '广泛动员', '多措并举'],
    leads: ['文明新风扑面来', '志愿红'],
    labels: ['新时代文明实践'],
  },
  {
    name: '营商环境',
    weight: 5,
    subjects: [DISTRICT],
    acts: [
      { t: '推行“一件事一次办”改革', who: ['区政务服务中心', DISTRICT] },
      { t: '开展优化营商环境专项督查', who: ['区纪委监委', '区发改局', DISTRICT] },
      { t: '为企业开辟审批“绿色通道”', who: ['区政务服务中心', DISTRICT] },
      { t: '推进“证照分离”改革', who: ['区市场监管局', DISTRICT] },
      { t: '开展“送政策上门”活动', who: ['区税务局', '区工信局'] },
      { t: '举办政银企对接会', who: ['区发改局', '区工信局', DISTRICT] },
      { t: '实现企业开办“一日办结”', who: ['区市场监管局', '区政务服务中心', DISTRICT] },
    ],
    hooks: ['对标一流', '马上就办', '简政放权'],
    leads: ['服务为先', '优化营商环境'],
    standalone: ['{D}召开{Y}年优化营商环境工作推进会'],
  },
  {
    name: '教育',
    weight: 5,
    subjects: ['区教育局', DISTRICT],
    acts: [
      '开展校园安全隐患排查',
      { t: '推进“双减”政策落地见效', from: '2021-07-24' },
      { t: '开展新教师岗前培训', months: [8, 9] },
      { t: '做好秋季开学准备工作', months: [8, 9] },
      { t: '做好高考服务保障工作', months: [6] },
      '开展送教下乡活动',
      '推进义务教育薄弱学校改造',
      { t: '开展防溺水安全教育', months: [4, 5, 6, 7, 8] },
      '举办中小学生运动会',
      { t: '开展“开学第一课”活动', months: [9] },
    ],
    hooks: ['多措并举', '用心护航'],
    leads: ['立德树人', '办好人民满意的教育'],
  },
  {
    name: '医疗卫生',
    weight: 5,
    subjects: ['区卫健局', ...RURAL],
    acts: [
      '开展义诊进乡村活动',
      '推进家庭医生签约服务',
      { t: '开展健康扶贫“回头看”', to: '2020-12-31' },
      { t: '开展爱国卫生运动', who: [...TOWNS, '区卫健局', DISTRICT] },
      { t: '开展“世界防治结核病日”宣传', months: [3], who: ['区卫健局', '区疾控中心'] },
      { t: '为适龄妇女开展“两癌”筛查', who: ['区卫健局', '区妇联', ...RURAL] },
      '加强基层医疗卫生服务能力建设',
      { t: '开展无偿献血活动', who: [...URBAN, '区卫健局'] },
    ],
    hooks: ['多措并举', '用心用情', '主动作为'],
    leads: ['守护健康', '健康送到家门口'],
  },
  {
    name: '产业园区',
    weight: 4,
    subjects: ['区工信局', '区发改局', DISTRICT],
    acts: [
      '推动园区企业扩能增效',
      '加快标准厂房建设',
      '推进园区基础设施提质',
      '培育规模以上工业企业',
      '推动产业集群发展',
      '引导企业加大研发投入',
    ],
    hooks: ['聚力攻坚', '多措并举', '精准发力'],
    leads: ['园区唱主角', '提质增效'],
  },
  {
    name: '安全生产',
    weight: 4,
    subjects: [...TOWNS, '区应急管理局', DISTRICT],
    acts: [
      '开展安全生产大检查',
      { t: '开展森林防火宣传', months: [10, 11, 12, 1, 2, 3, 4], who: [...RURAL, '区林业局', '区应急管理局'] },
      { t: '开展燃气安全隐患排查', months: [10, 11, 12, 1, 2], who: [...URBAN, '区住建局', '区应急管理局'] },
      { t: '开展消防安全应急演练', who: [...TOWNS, '区消防救援大队'] },
      { t: '开展“安全生产月”活动', months: [6] },
      { t: '开展道路交通安全整治', who: ['区公安分局', '区交通运输局', DISTRICT] },
    ],
    hooks: ['压实责任', '从严从细', '未雨绸缪'],
    leads: ['警钟长鸣', '安全无小事'],
    standalone: [{ t: '{D}召开{Y}年安全生产工作会议', months: [1, 2, 3] }],
  },
  {
    name: '综合',
    weight: 5,
    subjects: [],
    acts: [],
    hooks: [],
    standalone: [
      { t: '{D}召开{Y}年经济工作会议', months: [1, 2] },
      { t: '{D}召开{Y}年宣传思想文化工作会议', months: [2, 3] },
      { t: '{D}召开{Y}年党风廉政建设工作会议', months: [2, 3, 4] },
      { t: '{D}召开{Y}年上半年经济形势分析会', months: [7] },
      '{L}深入{TT}调研{THEME}工作',
      '{L}督导{TT}{THEME}工作',
      '{T}召开{THEME}工作推进会',
      '{T}召开{Y}年第{Q}季度{THEME}工作调度会',
    ],
  },
];

/** Topics of the non-propaganda channel: service notices, reminders, daily round-ups. */
const SERVICE: Topic = {
  name: '便民服务',
  weight: 1,
  subjects: [],
  acts: [],
  hooks: [],
  standalone: [
    '{Y}年{M}月{DD}日大祥城区农贸市场菜价行情',
    '今日大祥｜{Y}年{M}月{DD}日要闻速览',
    '{Y}年{M}月{DD}日{AREA}部分区域临时停水通知',
    '{Y}年{M}月{DD}日大祥城区部分线路计划停电公告',
    '大祥区{Y}年第{W}周空气质量状况通报',
    { t: '{Y}年{M}月{DD}日大祥区新冠疫苗接种点安排', from: '2021-03-20' },
    '大祥区{Y}年{JOB}招聘公告（第{N}批）',
    '大祥区{Y}年{M}月份{STAT}',
    { t: '便民提醒：高温天气注意防暑降温', months: [7, 8] },
    { t: '便民提醒：冬季取暖谨防一氧化碳中毒', months: [12, 1, 2] },
    { t: '便民提醒：暑期这些防溺水知识要牢记', months: [6, 7, 8] },
    { t: '便民提醒：雷雨天气出行注意安全', months: [4, 5, 6, 7] },
    '便民提醒：电动车充电安全须知',
    '便民提醒：谨防电信网络诈骗',
    { t: '便民提醒：节假日出行安全提示', months: [1, 2, 4, 5, 10] },
    '健康科普｜科学运动的正确打开方式',
    '健康科普｜高血压患者日常注意事项',
    '健康科普｜儿童近视防控小知识',
    { t: '健康科普｜春季谨防流感', months: [2, 3, 4] },
    { t: '健康科普｜夏季食品安全小贴士', months: [6, 7, 8] },
    '健康科普｜老年人如何预防跌倒',
  ],
};

const TOKEN_LISTS: Record<string, readonly string[]> = {
  AREA: ['红旗路', '学院路', '城北路', '中河街', '火车南站片区', '百春园片区', '雨溪片区', '檀江片区'],
  JOB: ['公益性岗位', '社区专职工作者', '城市社区工作者', '乡村医生', '中小学教师', '辅警'],
  STAT: ['食品安全抽检结果公示', '城乡低保资金发放情况公示', '重点项目建设进度通报', '12345热线办理情况通报', '政务服务“好差评”情况通报'],
  THEME: ['项目建设', '基层党建', '安全生产', '民生实事', '信访维稳', '文明创建', '党风廉政建设'],
  N: ['一', '二', '三'],
};
const QUARTERS = ['一', '二', '三', '四'];

const AUTHORS = [
  '刘晓峰', '周慧', '罗俊', '李婷', '王建军', '邓雪梅', '陈志强', '蒋涛', '谢芳', '肖勇',
  '曾丽娟', '唐文斌', '胡敏', '杨帆', '黄海燕', '彭亮', '姚琼', '刘宇', '袁静', '马丽',
];

// ───────────────────────────────────────────────────────────────────────────────────────────
// Helpers: PRNG, dates, catalog
// ───────────────────────────────────────────────────────────────────────────────────────────

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent stream per purpose, so that editing one quota leaves the others' rows alone. */
function rngFor(label: string): Rng {
  let h = 0x811c9dc5;
  for (const ch of label) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return mulberry32(SEED ^ h);
}

const intIn = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const oneOf = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];

function pick(rng: Rng, mix: Mix): string {
  if (typeof mix === 'string') return mix;
  const entries = Object.entries(mix);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [value, w] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  return entries[entries.length - 1][0];
}

function daysOf([from, to]: Window): string[] {
  return Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => addDays(from, i));
}

/** Public holidays with little news: National Day weeks and the 2021 Spring Festival. */
const QUIET: readonly Window[] = [
  ['2019-10-01', '2019-10-07'],
  ['2020-10-01', '2020-10-08'],
  ['2021-02-11', '2021-02-17'],
  ['2021-10-01', '2021-10-07'],
];

/** Relative chance of a placement on a day: fewer at weekends and holidays; own channels grow busier. */
function dayWeight(iso: string, progress: number, ownChannel: boolean): number {
  const dow = utcMidnightOf(iso)!.getUTCDay();
  let w = dow === 0 ? 0.4 : dow === 6 ? 0.55 : 1;
  if (QUIET.some(([a, b]) => iso >= a && iso <= b)) w *= 0.45;
  if (ownChannel) w *= 0.7 + 0.6 * progress;
  return w;
}

function sampleDates(rng: Rng, window: Window, count: number, ownChannel: boolean): string[] {
  const days = daysOf(window);
  const cumulative: number[] = [];
  let total = 0;
  days.forEach((d, i) => {
    total += dayWeight(d, days.length > 1 ? i / (days.length - 1) : 0, ownChannel);
    cumulative.push(total);
  });
  const dates: string[] = [];
  for (let k = 0; k < count; k++) {
    const r = rng() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    dates.push(days[lo]);
  }
  return dates.sort();
}

const inPhraseWindow = (p: PhraseSpec, date: string) => {
  if (typeof p === 'string') return true;
  const month = Number(date.slice(5, 7));
  return (!p.from || date >= p.from) && (!p.to || date <= p.to) && (!p.months || p.months.includes(month));
};
const text = (p: PhraseSpec) => (typeof p === 'string' ? p : p.t);

// ───────────────────────────────────────────────────────────────────────────────────────────
// 2. Filling
// ───────────────────────────────────────────────────────────────────────────────────────────

interface Row {
  date: string;
  title: string;
  media: string;
  section: string;
  position: string;
  genre: string;
  authors: string;
  link: string;
  channel: string; // the catalog name, for ordering and checks; not written
  order: number;
}

/** How a subject reads in a given tier: own media say 城南街道, the province says 邵阳市大祥区城南街道. */
function districtForm(rng: Rng, tier: string): string {
  if (tier === 'central') return oneOf(rng, ['湖南邵阳市大祥区', '湖南省邵阳市大祥区', '湖南邵阳大祥区']);
  if (tier === 'provincial') return oneOf(rng, ['邵阳市大祥区', '邵阳大祥区', '大祥区']);
  return DISTRICT;
}
function renderSubject(rng: Rng, subject: string, tier: string): string {
  if (tier === 'district') return subject;
  const d = districtForm(rng, tier);
  if (subject === DISTRICT) return d;
  if (subject.startsWith('区')) return d + subject.slice(1); // 区教育局 → 大祥区教育局
  return d + subject; // 城南街道 → 大祥区城南街道
}

function fillTokens(rng: Rng, template: string, date: string, tier: string): string {
  const y = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  const week = Math.floor(daysBetween(`${y}-01-01`, date) / 7) + 1;
  return template.replace(/\{([A-Z]+)\}/g, (_all, token: string) => {
    switch (token) {
      case 'D':
        return districtForm(rng, tier);
      case 'T':
        return renderSubject(rng, oneOf(rng, TOWNS), tier);
      case 'TT':
        return oneOf(rng, TOWNS);
      case 'L':
        return tier === 'district' ? '区领导' : `${districtForm(rng, tier)}领导`;
      case 'Y':
        return y;
      case 'M':
        return String(month);
      case 'DD':
        return String(Number(date.slice(8, 10)));
      case 'Q':
        return QUARTERS[Math.floor((month - 1) / 3)];
      case 'W':
        return String(week);
      default: {
        const list = TOKEN_LISTS[token];
        if (!list) throw new Error(`unknown title token {${token}}`);
        return oneOf(rng, list);
      }
    }
  });
}

const DIGITAL_KINDS = new Set(['website', 'app', 'wechat', 'platform-account', 'other']);

/** One candidate title for a row; the caller retries until it is new for the channel. */
function composeTitle(rng: Rng, date: string, ch: CatalogChannel, genre: string): string {
  const month = Number(date.slice(5, 7));
  const service = ch.name === '大祥融媒·非宣传稿' && rng() < 0.5;
  const pool = service
    ? [SERVICE]
    : TOPICS.filter(
        (t) =>
          (!t.from || date >= t.from) &&
          (!t.to || date <= t.to) &&
          (!t.months || t.months.includes(month)) &&
          (t.acts.some((a) => inPhraseWindow(a, date)) || (t.standalone ?? []).some((s) => inPhraseWindow(s, date))),
      );
  const weights: Record<string, number> = {};
  for (const t of pool) weights[t.name] = t.weight;
  const chosen = pick(rng, weights);
  const topic = pool.find((t) => t.name === chosen) as Topic;

  const acts = topic.acts.filter((a) => inPhraseWindow(a, date));
  const standalone = (topic.standalone ?? []).filter((s) => inPhraseWindow(s, date)).map(text);

  if (genre === '通讯' && topic.featureLeads && rng() < 0.6) {
    return `${oneOf(rng, topic.featureLeads)}——${districtForm(rng, ch.tier)}${topic.name}工作纪实`;
  }
  if (acts.length === 0 || (standalone.length > 0 && rng() < 0.12)) {
    return fillTokens(rng, oneOf(rng, standalone), date, ch.tier);
  }
  const chosenAct = oneOf(rng, acts);
  const act = text(chosenAct);
  const who = typeof chosenAct === 'string' ? undefined : chosenAct.who;
  const subject = renderSubject(rng, oneOf(rng, who ?? topic.subjects), ch.tier);
  const hook = topic.hooks.length ? oneOf(rng, topic.hooks) : '';
  const lead = oneOf(rng, topic.leads ?? topic.hooks);
  const labels = DIGITAL_KINDS.has(ch.kind) ? (topic.labels ?? []) : [];
  switch (pick(rng, { plain: 4, colon: 1, hook: hook ? 4 : 0, lead: hook ? 1 : 0, label: labels.length ? 2 : 0 })) {
    case 'colon':
      return `${subject}：${act}`;
    case 'hook':
      return `${subject}${hook}${act}`;
    case 'lead':
      return `${lead} ${subject}${act}`;
    case 'label':
      return `【${oneOf(rng, labels)}】${subject}${act}`;
    default:
      return `${subject}${act}`;
  }
}

function pickAuthors(rng: Rng): string {
  const n = pick(rng, { 1: 50, 2: 35, 3: 15 });
  const names: string[] = [];
  while (names.length < Number(n)) {
    const name = oneOf(rng, AUTHORS);
    if (!names.includes(name)) names.push(name);
  }
  return names.join('、');
}

/** Names an editor may write for a channel: the name, its aliases, and · written as an ASCII dot. */
function aliasVariants(ch: CatalogChannel): string[] {
  const variants = [...ch.aliases];
  for (const n of [ch.name, ...ch.aliases]) if (n.includes('·')) variants.push(n.replace('·', '.'));
  return variants;
}

function generate(catalog: Catalog): Row[] {
  const channels = new Map(catalog.channels.map((c) => [c.name, c]));
  const order = new Map(catalog.channels.map((c, i) => [c.name, i]));

  // dates and the classifying fields, quota by quota
  const drafts: Omit<Row, 'title' | 'media' | 'authors' | 'link'>[] = [];
  const fixedTitles = new Map<number, string>();
  QUOTAS.forEach((q, qi) => {
    const ch = channels.get(q.channel);
    const style = STYLES[q.channel];
    if (!ch || !style) throw new Error(`quota for unknown channel ${q.channel}`);
    const rng = rngFor(`quota:${qi}:${q.channel}`);
    const window: Window = [q.window[0] < FOUNDED ? FOUNDED : q.window[0], q.window[1] > CUT_OFF ? CUT_OFF : q.window[1]];
    const dates = q.fixed ? q.fixed.map((f) => f.date) : sampleDates(rng, window, q.count, ch.tier === 'district');
    if (dates.length !== q.count || dates.some((d) => d < window[0] || d > window[1])) {
      throw new Error(`quota ${qi} (${q.channel}): fixed rows do not fit count ${q.count} and window ${window.join('..')}`);
    }
    dates.forEach((date, i) => {
      if (q.fixed) fixedTitles.set(drafts.length, q.fixed[i].title);
      drafts.push({
        date,
        channel: q.channel,
        section: pick(rng, q.section ?? style.sections),
        position: pick(rng, q.position ?? style.positions),
        genre: pick(rng, q.genre ?? style.genres),
        order: drafts.length,
      });
    });
  });
  // the ledger reads by date, then by channel in catalog order, then in quota order
  const rank = (channel: string) => order.get(channel) as number;
  drafts.sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : rank(a.channel) - rank(b.channel) || a.order - b.order));

  // titles (new for the channel, after normalisation), authors, 媒体, links
  const titleRng = rngFor('titles');
  const fieldRng = rngFor('fields');
  const linkRng = rngFor('links');
  const seenTitles = new Map<string, Set<string>>(); // channel → normalised titles
  const nextId = new Map<string, number>();
  const rows: Row[] = [];
  for (const d of drafts) {
    const ch = channels.get(d.channel) as CatalogChannel;
    const style = STYLES[d.channel];
    const seen = seenTitles.get(d.channel) ?? new Set<string>();
    seenTitles.set(d.channel, seen);
    let title = fixedTitles.get(d.order);
    for (let attempt = 0; title === undefined; attempt++) {
      if (attempt > 2000) throw new Error(`ran out of titles for ${d.channel} on ${d.date}`);
      const candidate = composeTitle(titleRng, d.date, ch, d.genre);
      if (candidate.length >= 10 && candidate.length <= 40 && !seen.has(normaliseTitle(candidate))) title = candidate;
    }
    if (seen.has(normaliseTitle(title))) throw new Error(`milestone title repeated in ${d.channel}: ${title}`);
    seen.add(normaliseTitle(title));

    const variants = aliasVariants(ch);
    const media = variants.length && fieldRng() < (style.aliasRate ?? 0.05) ? oneOf(fieldRng, variants) : ch.name;

    let link = '';
    if (style.link) {
      const id = (nextId.get(d.channel) ?? style.link.start) + intIn(linkRng, style.link.step[0], style.link.step[1]);
      nextId.set(d.channel, id);
      link = style.link.url({ y: d.date.slice(0, 4), m: d.date.slice(5, 7), d: d.date.slice(8, 10) }, id, linkRng);
    }
    rows.push({ ...d, title, media, authors: pickAuthors(fieldRng), link });
  }
  return rows;
}

// ───────────────────────────────────────────────────────────────────────────────────────────
// CSV (RFC 4180) out and back in
// ───────────────────────────────────────────────────────────────────────────────────────────

// Writing is five lines (quote a field holding a quote, comma or line break; CRLF; a BOM for Excel);
// reading back goes through csv-parse, as a second opinion on what was written.
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function toCsv(rows: Row[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push([r.date, r.title, r.media, r.section, r.position, r.genre, r.authors, r.link].map(csvField).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

// ───────────────────────────────────────────────────────────────────────────────────────────
// Verification: recount the seed's figures from the CSV text itself
// ───────────────────────────────────────────────────────────────────────────────────────────

function verify(csv: string, catalog: Catalog): { problems: string[]; figures: string[] } {
  const problems: string[] = [];
  const figures: string[] = [];
  const fail = (msg: string) => problems.push(msg);

  // 媒体 → channel, the way the importer resolves it (names and aliases, normalised)
  const byName = new Map<string, CatalogChannel[]>();
  for (const ch of catalog.channels) {
    for (const n of new Set([ch.name, ...ch.aliases].map(normaliseName))) byName.set(n, [...(byName.get(n) ?? []), ch]);
  }
  const patterns = catalog.channels.map((ch) => ({ ch, res: ch.urlPatterns.map((p) => new RegExp(p)) }));

  if (!csv.startsWith('\uFEFF')) fail('no UTF-8 BOM');
  const [header, ...records] = parse(csv, { bom: true, relax_column_count: true }) as string[][];
  if (header.join(',') !== HEADER.join(',')) fail(`header is ${header.join(',')}`);

  const counted: CountedRow[] = [];
  const titleKeys = new Set<string>();
  const links = new Set<string>();
  records.forEach((rec, i) => {
    const where = `row ${i + 2}`;
    if (rec.length !== HEADER.length) return fail(`${where}: ${rec.length} fields`);
    const [date, title, media, section, position, genre, authors, link] = rec;
    const matches = byName.get(normaliseName(media)) ?? [];
    if (matches.length !== 1) return fail(`${where}: 媒体 ${media} resolves to ${matches.length} channels`);
    const ch = matches[0];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < FOUNDED || date > CUT_OFF) fail(`${where}: date ${date}`);
    if (title.length < 10 || title.length > 40) fail(`${where}: title length ${title.length}`);
    const key = `${ch.name}|${date}|${normaliseTitle(title)}`;
    if (titleKeys.has(key)) fail(`${where}: same title twice in ${ch.name} on ${date}: ${title}`);
    titleKeys.add(key);
    if (position !== '' && position !== '头条' && position !== '头版头条') fail(`${where}: 位置 ${position}`);
    if (genre !== '' && !['消息', '通讯', '评论', '图片', '视频'].includes(genre)) fail(`${where}: 体裁 ${genre}`);
    const names = authors.split('、');
    if (names.length < 1 || names.length > 3 || names.some((n) => !AUTHORS.includes(n))) fail(`${where}: 作者 ${authors}`);
    if (link) {
      const canonical = canonicalUrl(link);
      if (!canonical) fail(`${where}: link ${link}`);
      if (links.has(link) || links.has(`canonical:${canonical}`)) fail(`${where}: link used twice: ${link}`);
      links.add(link).add(`canonical:${canonical}`);
      const owners = patterns.filter((p) => p.res.some((re) => re.test(link))).map((p) => p.ch.name);
      if (owners.length !== 1 || owners[0] !== ch.name) fail(`${where}: link ${link} maps to [${owners.join(',')}], not ${ch.name}`);
    } else if (STYLES[ch.name].link) fail(`${where}: ${ch.name} row without a link`);
    counted.push({
      date,
      channel: ch.name,
      tier: ch.tier,
      outlet: ch.outlet,
      section,
      headline: (PROMINENCE_ALIASES[position] ?? 'normal') === 'headline',
      genre: genre ? GENRE_ALIASES[genre] : null,
    });
  });

  const count = (pred: (r: CountedRow) => boolean) => counted.filter(pred).length;
  const expect = (label: string, want: number, got: number) => {
    figures.push(`${label} ${got}`);
    if (want !== got) fail(`${label}: expected ${want}, counted ${got}`);
  };
  expect('total rows', EXPECTED.total, counted.length);
  for (const [tier, n] of Object.entries(EXPECTED.tiers)) expect(tier, n, count((r) => r.tier === tier));
  for (const [channel, n] of Object.entries(EXPECTED.districtChannels)) expect(channel, n, count(is(channel)));
  for (const [label, n, pred] of EXPECTED.year2021) expect(`2021 ${label}`, n, count((r) => in2021(r) && pred(r)));
  for (const outlet of EXPECTED.namedOutlets) if (!count((r) => r.outlet === outlet)) fail(`no row for outlet ${outlet}`);
  for (const channel of EXPECTED.namedCentralChannels) if (!count(is(channel))) fail(`no row for channel ${channel}`);
  return { problems, figures };
}

// ───────────────────────────────────────────────────────────────────────────────────────────

function main(): void {
  const root = repoRoot(__dirname);
  const catalog = CATALOG;

  const rows = generate(catalog);
  const csv = toCsv(rows);
  const { problems, figures } = verify(csv, catalog);
  if (problems.length) {
    throw new Error(`demo ledger does not match the seed figures:\n  ${problems.slice(0, 30).join('\n  ')}`);
  }

  // `--out <file>` writes elsewhere (the test compares a fresh run with the committed file).
  const outAt = process.argv.indexOf('--out');
  const file = outAt > 0 && process.argv[outAt + 1] ? path.resolve(process.argv[outAt + 1]) : path.join(root, OUTPUT);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, csv, 'utf8');

  const aliased = rows.filter((r) => r.media !== r.channel).length;
  const uniqueTitles = new Set(rows.map((r) => `${r.channel}|${normaliseTitle(r.title)}`)).size;
  const sha = createHash('sha256').update(csv).digest('hex');
  console.log(`wrote ${path.relative(root, file)}: ${rows.length} rows, ${rows[0].date} … ${rows[rows.length - 1].date}`);
  console.log(`  recounted from the CSV: ${figures.join(', ')}`);
  console.log(`  媒体 written as an alias: ${aliased} rows; links: ${rows.filter((r) => r.link).length}; titles unique per channel: ${uniqueTitles === rows.length ? 'yes' : `${uniqueTitles}/${rows.length}`}`);
  console.log(`  all figures match the seed report; sha256 ${sha}`);
}

main();
