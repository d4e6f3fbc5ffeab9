/**
 * Chinese names of the domain's values. The vocabulary itself (tiers,
 * statuses, genres and their Chinese labels) is the domain library's
 * (`@pl/domain`, in the browser the part of it that runs there: lib/domain-browser.ts).
 */
import {
  CHANNEL_KINDS,
  GENRE_LABELS,
  GENRES,
  PLACEMENT_SOURCES,
  PLACEMENT_STATUSES,
  PROMINENCES,
  STATUS_LABELS,
  TIER_LABELS,
  TIERS,
  type ChannelKind,
  type Genre,
  type PlacementSource,
  type PlacementStatus,
  type Prominence,
  type Tier,
} from '@pl/domain';

export { CHANNEL_KINDS, GENRES, PLACEMENT_SOURCES, PROMINENCES, TIERS };
export type { ChannelKind, Genre, PlacementSource, PlacementStatus, Prominence, Tier };

export const tierLabel = (t: string): string => TIER_LABELS[t as Tier] ?? t;
export const genreLabel = (g: string | null | undefined): string => (g ? (GENRE_LABELS[g as Genre] ?? g) : '');

/** Every status the UI shows (withdrawn, 已撤回, among them). */
export const STATUSES = PLACEMENT_STATUSES;
export type Status = (typeof STATUSES)[number];
const STATUS_TEXT: Record<string, string> = { ...STATUS_LABELS };
export const statusLabel = (s: string): string => STATUS_TEXT[s] ?? s;
/** Element Plus tag colour of a status. */
export const statusTagType = (s: string): 'success' | 'warning' | 'info' | 'danger' | 'primary' =>
  s === 'confirmed' ? 'success' : s === 'discovered' ? 'warning' : s === 'rejected' ? 'danger' : s === 'claimed' ? 'primary' : 'info';

const SOURCE_TEXT: Record<PlacementSource, string> = { editor: '录入', import: '导入', crawler: '抓取' };
export const sourceLabel = (s: string): string => SOURCE_TEXT[s as PlacementSource] ?? s;

const PROMINENCE_TEXT: Record<Prominence, string> = { headline: '头条', normal: '普通' };
export const prominenceLabel = (p: string): string => PROMINENCE_TEXT[p as Prominence] ?? p;

const KIND_TEXT: Record<ChannelKind, string> = {
  newspaper: '报纸',
  tv: '电视',
  radio: '广播',
  website: '网站',
  wechat: '微信公众号',
  app: '客户端',
  'platform-account': '平台账号',
  other: '其他',
};
export const kindLabel = (k: string): string => KIND_TEXT[k as ChannelKind] ?? k;

const EVENT_TEXT: Record<string, string> = {
  logged: '录入',
  imported: '导入',
  discovered: '抓取发现',
  confirmed: '核实',
  rejected: '否决',
  dismissed: '忽略',
  'link-gone': '链接失效',
  'link-restored': '链接恢复',
  edited: '修改',
  withdrawn: '撤回',
  restored: '恢复',
};
export const eventLabel = (t: string): string => EVENT_TEXT[t] ?? t;

const ROLE_TEXT: Record<string, string> = {
  admin: '管理员',
  editor: '编辑',
  reviewer: '审核员',
  viewer: '只读',
  'region-viewer': '区域查看',
};
export const roleLabel = (r: string): string => ROLE_TEXT[r] ?? r;

/** Chinese names of the API's field names, for error messages shown away from their field. */
export const FIELD_LABELS: Record<string, string> = {
  channel: '渠道',
  title: '标题',
  publishedOn: '刊发日期',
  url: '链接',
  section: '版面栏目',
  prominence: '位置',
  genre: '体裁',
  authors: '作者',
  note: '备注',
  status: '状态',
  reason: '原因',
  file: '文件',
  username: '用户名',
  password: '密码',
  name: '名称',
  outlet: '媒体',
  tier: '级别',
  kind: '类型',
  aliases: '别名',
  urlPatterns: '链接规则',
  type: '类型',
  schedule: '计划',
  selectors: '选择器',
  total: '合计',
  'basic.total': '基本支出合计',
  'basic.personnel': '人员经费',
  'basic.public': '公用经费',
  'basic.capital': '资本性支出',
  projects: '项目支出',
  threePublic: '三公经费',
  carryover: '结转结余',
  'entries.0.value': '实际完成值',
  'entries.0.score': '得分',
  'entries.0.reason': '偏差原因',
  unit: '单位',
  shortName: '简称',
  establishment: '编制',
  'establishment.authorized': '核定编制',
  'establishment.actual': '实有人数',
  year: '年度',
  month: '月份',
  asOf: '截至日期',
  from: '开始日期',
  to: '结束日期',
  q: '搜索',
  body: '请求内容',
  queue: '队列',
};

export function fieldLabel(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  const project = /^projects\.(\d+)\.(name|amount)/.exec(field);
  if (project) return `第${Number(project[1]) + 1}个项目的${project[2] === 'name' ? '名称' : '金额'}`;
  const head = field.split('.')[0];
  return FIELD_LABELS[head] ?? field;
}
