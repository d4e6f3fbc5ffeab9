import type { Genre, PlacementSource, PlacementStatus, Prominence, Tier } from '@pl/domain';
import { placementDedupKey, yearMonthOf } from '@pl/domain';
import { PLACEMENT_COLUMNS } from '@pl/placements';

/**
 * The ledger of the report benchmark (npm run bench:report): twelve media
 * centres of 邵阳市, 2019–2021, placements spread unevenly over them (the
 * largest, daxiang, about a quarter), over every tier and channel, with the
 * sections, prominence, genres, statuses and links real ledgers have.
 * Deterministic: the same size gives the same rows.
 */

export const REGION = '邵阳市';
export const FIRST_DAY = '2019-01-01';
export const LAST_DAY = '2021-12-31';

export interface BenchOrg {
  slug: string;
  name: string;
  /** Prefix of its own channels' names (大祥融媒客户端, 红网大祥站 …). */
  short: string;
  /** Share of all placements, percent. */
  share: number;
}

/** daxiang comes from the catalog (founded 2019-06-21); the others are created with foundedOn 2019-01-01. */
export const ORGS: BenchOrg[] = [
  { slug: 'daxiang', name: '邵阳市大祥区融媒体中心', short: '大祥', share: 25 },
  { slug: 'shaodong', name: '邵东市融媒体中心', short: '邵东', share: 13 },
  { slug: 'longhui', name: '隆回县融媒体中心', short: '隆回', share: 11 },
  { slug: 'wugang', name: '武冈市融媒体中心', short: '武冈', share: 9 },
  { slug: 'dongkou', name: '洞口县融媒体中心', short: '洞口', share: 8 },
  { slug: 'shaoyang', name: '邵阳县融媒体中心', short: '邵阳县', share: 7 },
  { slug: 'xinshao', name: '新邵县融媒体中心', short: '新邵', share: 6 },
  { slug: 'shuangqing', name: '邵阳市双清区融媒体中心', short: '双清', share: 5.5 },
  { slug: 'beita', name: '邵阳市北塔区融媒体中心', short: '北塔', share: 4.5 },
  { slug: 'xinning', name: '新宁县融媒体中心', short: '新宁', share: 4.5 },
  { slug: 'suining', name: '绥宁县融媒体中心', short: '绥宁', share: 3.5 },
  { slug: 'chengbu', name: '城步苗族自治县融媒体中心', short: '城步', share: 3 },
];

/** District channels each organization other than daxiang gets (daxiang's are in the catalog). */
export function ownChannels(org: BenchOrg): { name: string; outlet: string; kind: 'app' | 'wechat' | 'website' }[] {
  return [
    { name: `${org.short}融媒客户端`, outlet: `${org.short}融媒`, kind: 'app' },
    { name: `${org.short}发布微信公众号`, outlet: `${org.short}发布`, kind: 'wechat' },
    { name: `红网${org.short}站`, outlet: '红网', kind: 'website' },
  ];
}

export interface BenchChannel {
  id: number;
  name: string;
  tier: Tier;
  kind: string;
  ownerOrganizationId: number | null;
}

/** Share of an organization's placements per tier, percent. */
const TIER_SHARE: Record<Tier, number> = { central: 2, provincial: 9, municipal: 21, district: 68 };
const KIND_WEIGHT: Record<string, number> = {
  website: 3, app: 3, newspaper: 2, wechat: 2, 'platform-account': 2, tv: 1, radio: 1, other: 1,
};
/** Sections (版面/栏目) by channel; null = none recorded. The template's highlight lines use some of these. */
const SECTIONS_BY_CHANNEL: Record<string, (string | null)[]> = {
  湖南日报: ['要闻', '市州头条', '湘中', '综合', '要闻', '理论'],
  邵阳日报: ['头版', '县区版', '县区版', '要闻', '综合', '综合'],
  邵阳新闻网: ['首页', '县区', '县区', '要闻'],
  人民日报: ['要闻', '地方', null],
  中央电视台: ['新闻联播', '朝闻天下', '新闻直播间'],
};
const SECTIONS_BY_KIND: Record<string, (string | null)[]> = {
  newspaper: ['要闻', '综合', '地方', null],
  website: ['首页', '地方', '要闻', null, null],
  tv: ['新闻', null],
  app: ['推荐', null, null],
};
const GENRES: [Genre | null, number][] = [
  ['news', 55], ['feature', 20], ['commentary', 6], ['photo', 9], ['video', 6], ['other', 2], [null, 2],
];
const SOURCES: [PlacementSource, number][] = [['editor', 50], ['import', 35], ['crawler', 15]];
const STATUS_BY_SOURCE: Record<PlacementSource, [PlacementStatus, number][]> = {
  editor: [['confirmed', 60], ['claimed', 37], ['rejected', 3]],
  import: [['confirmed', 70], ['claimed', 28], ['rejected', 2]],
  crawler: [['confirmed', 55], ['discovered', 30], ['dismissed', 15]],
};
const TOPICS = [
  '“一件事一次办”跑出便民加速度', '春耕备耕忙 田间地头处处新', '社区网格化服务提质增效', '非遗传承人走进校园',
  '产业园项目建设按下快进键', '志愿服务温暖老旧小区', '乡村振兴路上的致富带头人', '防汛抗旱演练筑牢安全防线',
  '党史学习教育走深走实', '优化营商环境 服务企业发展', '疫情防控常态化 筑牢防护网', '文明创建 共建美好家园',
  '重点项目建设跑出加速度', '民生实事件件落地见效', '生态环境保护持续发力', '基层党建引领社区治理',
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '罗', '曾', '谢', '唐', '邓', '彭'];
const GIVEN = ['芳', '明', '洋', '静', '磊', '婷', '伟', '丽', '军', '勇', '艳', '杰', '娟', '强', '敏', '霞'];

/** mulberry32: a small, fast, seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(r: number, items: [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1][0];
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A day's weight: the ledger grows over the three years, weekends are quieter. */
function dayWeight(day: string, index: number, total: number): number {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return (1 + (1.2 * index) / total) * (dow === 0 || dow === 6 ? 0.55 : 1);
}

export interface PlanOrg {
  id: number;
  org: BenchOrg;
  foundedOn: string;
  /** Placements per day index (0 = FIRST_DAY). */
  perDay: Int32Array;
  total: number;
}

/**
 * How many placements each organization gets on each day: `total` split by
 * share, each organization's part spread over its days (from its founding)
 * by day weight, rounded so that the parts add up exactly.
 */
export function planPlacements(total: number, orgs: { id: number; org: BenchOrg; foundedOn: string }[]): { days: string[]; orgs: PlanOrg[] } {
  const all = days(FIRST_DAY, LAST_DAY);
  const shareSum = orgs.reduce((s, o) => s + o.org.share, 0);
  let assigned = 0;
  const plans = orgs.map((o, i) => {
    const n = i === orgs.length - 1 ? total - assigned : Math.round((total * o.org.share) / shareSum);
    assigned += n;
    const weights = all.map((d, k) => (d >= o.foundedOn ? dayWeight(d, k, all.length) : 0));
    const wSum = weights.reduce((s, w) => s + w, 0);
    const perDay = new Int32Array(all.length);
    let cum = 0;
    let given = 0;
    weights.forEach((w, k) => {
      cum += (n * w) / wSum;
      const upTo = k === all.length - 1 ? n : Math.floor(cum + 1e-9);
      perDay[k] = upTo - given;
      given = upTo;
    });
    return { ...o, perDay, total: n };
  });
  return { days: all, orgs: plans };
}

/** One row of placements, values in PLACEMENT_COLUMNS order. */
export type PlacementRow = unknown[];

const KNOWN_COLUMNS = new Set([
  'organization_id', 'channel_id', 'title', 'url', 'published_on', 'year', 'month', 'section',
  'prominence', 'genre', 'authors', 'note', 'source', 'status', 'dedup_key', 'created_at', 'updated_at',
]);

/**
 * The placements, day by day and organization by organization (the order in
 * which a live ledger receives them), in batches of `batchSize` rows.
 * `timestamp` formats created_at/updated_at as the driver binds them.
 */
export function* placementBatches(
  plan: { days: string[]; orgs: PlanOrg[] },
  channels: BenchChannel[],
  batchSize: number,
  timestamp: (iso: string) => unknown,
): Generator<PlacementRow[]> {
  const unknown = PLACEMENT_COLUMNS.filter((c) => !KNOWN_COLUMNS.has(c));
  if (unknown.length) throw new Error(`bench does not know how to fill placement column(s) ${unknown.join(', ')}`);
  const random = rng(20211222);
  // Per organization: channels by tier (district: its own), weighted by kind.
  const choices = new Map<number, Record<Tier, [BenchChannel, number][]>>();
  for (const o of plan.orgs) {
    const byTier = { central: [], provincial: [], municipal: [], district: [] } as Record<Tier, [BenchChannel, number][]>;
    for (const c of channels) {
      if (c.tier === 'district' && c.ownerOrganizationId !== o.id) continue;
      byTier[c.tier].push([c, KIND_WEIGHT[c.kind] ?? 1]);
    }
    for (const t of Object.keys(byTier) as Tier[]) {
      if (byTier[t].length === 0) throw new Error(`organization ${o.org.slug} has no ${t} channel`);
    }
    choices.set(o.id, byTier);
  }
  const tiers = Object.entries(TIER_SHARE) as [Tier, number][];
  let serial = 0;
  let batch: PlacementRow[] = [];
  for (let d = 0; d < plan.days.length; d++) {
    const day = plan.days[d];
    const { year, month } = yearMonthOf(day);
    const created = timestamp(`${day}T10:00:00.000Z`);
    for (const o of plan.orgs) {
      for (let k = 0; k < o.perDay[d]; k++) {
        serial++;
        const tier = weighted(random(), tiers);
        const channel = weighted(random(), choices.get(o.id)![tier]);
        const sections = SECTIONS_BY_CHANNEL[channel.name] ?? SECTIONS_BY_KIND[channel.kind] ?? [null];
        const section = sections[Math.floor(random() * sections.length)];
        const prominence: Prominence =
          (channel.kind === 'newspaper' || channel.kind === 'website') && random() < 0.1 ? 'headline' : 'normal';
        const genre = weighted(random(), GENRES);
        const source = weighted(random(), SOURCES);
        const status = weighted(random(), STATUS_BY_SOURCE[source]);
        const linkShare = channel.kind === 'newspaper' ? 0.3 : channel.kind === 'tv' || channel.kind === 'radio' ? 0.1 : 0.9;
        const url = random() < linkShare ? `https://c${channel.id}.bench.example.cn/${day.slice(0, 7)}/${serial}.html` : null;
        const title = `${o.org.short}：${TOPICS[serial % TOPICS.length]}（${serial}）`;
        const authors = [SURNAMES[serial % 16] + GIVEN[(serial >> 4) % 16]];
        if (random() < 0.4) authors.push(SURNAMES[(serial >> 3) % 16] + GIVEN[(serial >> 7) % 16]);
        const row: Record<string, unknown> = {
          organization_id: o.id,
          channel_id: channel.id,
          title,
          url,
          published_on: day,
          year,
          month,
          section,
          prominence,
          genre,
          authors: JSON.stringify(authors),
          note: random() < 0.02 ? '转载' : null,
          source,
          status,
          dedup_key: placementDedupKey({ channelId: channel.id, url, publishedOn: day, title }),
          created_at: created,
          updated_at: created,
        };
        batch.push(PLACEMENT_COLUMNS.map((c) => row[c]));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
  }
  if (batch.length) yield batch;
}
