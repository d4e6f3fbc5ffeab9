/**
 * The standing description of an organization that the annual report's
 * 一、基本情况 is written from.
 */
export interface OrganizationProfileDocument {
  /** How the report refers to the organization in running text, e.g. 区融媒体中心. */
  shortName: string;
  /** Its standing, e.g. 中共大祥区委直属正科级公益一类全额拨款事业单位. */
  nature: string | null;
  /** Who it reports to, e.g. 区委宣传部 (归口…管理). */
  supervisor: string | null;
  /** Internal units (内设机构), e.g. 综合运行部、采编部… */
  units: string[];
  /** 核定编制 and 实有人数 (到位). */
  establishment: { authorized: number; actual: number; kind: string | null };
  /** Leadership posts and how many hold each, e.g. [{title: 主任, count: 1}, {title: 副主任, count: 2}]. */
  leadership: { title: string; count: number }[];
  /** Main duties, one paragraph each (主要职责). */
  duties: string[];
}

/** Per fiscal year: what the organization set out to do and what it did. */
export interface AnnualProfileDocument {
  year: number;
  /** 部门年度整体支出绩效目标, one per item. */
  goals: string[];
  /** Paragraphs of 部门整体支出绩效情况 that come before the placement figures. */
  achievements: string[];
  /** The sentence that leads into the placement figures, e.g. 紧扣时代主题，不断提升新闻策划宣传质量。 */
  placementsLead: string | null;
  /** 下一步改进措施, one paragraph each. */
  improvements: string[];
  /** Yearly placement targets by tier and of the highlight lines together (重点稿件), for the bulletins and the self-evaluation. */
  targets: Partial<Record<'central' | 'provincial' | 'municipal' | 'district' | 'highlights', number>>;
}
