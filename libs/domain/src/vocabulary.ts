/** Outlet tiers, in the order reports list them. Tier lives on the channel. */
export const TIERS = ['central', 'provincial', 'municipal', 'district'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_LABELS: Record<Tier, string> = {
  central: '中央级',
  provincial: '省级',
  municipal: '市级',
  district: '区级',
};

export const CHANNEL_KINDS = [
  'newspaper',
  'tv',
  'radio',
  'website',
  'wechat',
  'app',
  'platform-account',
  'other',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const PROMINENCES = ['headline', 'normal'] as const;
export type Prominence = (typeof PROMINENCES)[number];

export const GENRES = ['news', 'feature', 'commentary', 'photo', 'video', 'other'] as const;
export type Genre = (typeof GENRES)[number];

export const PLACEMENT_SOURCES = ['editor', 'import', 'crawler'] as const;
export type PlacementSource = (typeof PLACEMENT_SOURCES)[number];

export const PLACEMENT_STATUSES = [
  'claimed',
  'confirmed',
  'rejected',
  'discovered',
  'dismissed',
  /** Taken back by an editor: kept with its history, counted nowhere, restorable to the status it had. */
  'withdrawn',
] as const;
export type PlacementStatus = (typeof PLACEMENT_STATUSES)[number];

/** Statuses a summary counts unless told otherwise. */
export const COUNTED_STATUSES: readonly PlacementStatus[] = ['claimed', 'confirmed'];

/** Whether a placement of this status counts (in summaries, reports, rankings, points): claimed or confirmed. */
export const isCounted = (status: string): boolean => (COUNTED_STATUSES as readonly string[]).includes(status);

/** Which status may follow which (claimed → confirmed | rejected; discovered → confirmed | dismissed). */
export const STATUS_TRANSITIONS: Record<PlacementStatus, readonly PlacementStatus[]> = {
  claimed: ['confirmed', 'rejected'],
  discovered: ['confirmed', 'dismissed'],
  confirmed: ['rejected'],
  rejected: ['confirmed'],
  dismissed: ['confirmed'],
  // Only a restore leaves it (back to the status it was withdrawn from), and only a withdrawal enters it.
  withdrawn: [],
};

export const EVENT_TYPES = [
  'logged',
  'imported',
  'discovered',
  'confirmed',
  'rejected',
  'dismissed',
  'link-gone',
  'link-restored',
  /** An editor changed fields (old and new values in its data). */
  'edited',
  'withdrawn',
  'restored',
] as const;
export type PlacementEventType = (typeof EVENT_TYPES)[number];

/** The event that records a placement's first appearance, by its source. */
export const CREATION_EVENT: Record<PlacementSource, PlacementEventType> = {
  editor: 'logged',
  import: 'imported',
  crawler: 'discovered',
};

/**
 * The entry of an alias table for what a user wrote, or undefined. Only the
 * table's own entries: a plain lookup (table[key]) would also find what every
 * object inherits, and take "constructor" or "toString" for a genre.
 */
export function aliasOf<T>(aliases: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(aliases, key) ? aliases[key] : undefined;
}

/** Genre names as editors write them, Chinese or English. */
export const GENRE_ALIASES: Record<string, Genre> = {
  news: 'news',
  消息: 'news',
  新闻: 'news',
  简讯: 'news',
  feature: 'feature',
  通讯: 'feature',
  通讯稿: 'feature',
  特写: 'feature',
  专题: 'feature',
  commentary: 'commentary',
  评论: 'commentary',
  言论: 'commentary',
  时评: 'commentary',
  photo: 'photo',
  图片: 'photo',
  图片新闻: 'photo',
  摄影: 'photo',
  video: 'video',
  视频: 'video',
  短视频: 'video',
  other: 'other',
  其他: 'other',
  其它: 'other',
};

export const GENRE_LABELS: Record<Genre, string> = {
  news: '消息',
  feature: '通讯',
  commentary: '评论',
  photo: '图片',
  video: '视频',
  other: '其他',
};

export const PROMINENCE_ALIASES: Record<string, Prominence> = {
  headline: 'headline',
  normal: 'normal',
  头条: 'headline',
  头版头条: 'headline',
  首页头条: 'headline',
  版面头条: 'headline',
  普通: 'normal',
  一般: 'normal',
  非头条: 'normal',
};

export const STATUS_LABELS: Record<PlacementStatus, string> = {
  claimed: '已登记',
  confirmed: '已核实',
  rejected: '已否决',
  discovered: '待审核',
  dismissed: '已忽略',
  withdrawn: '已撤回',
};
