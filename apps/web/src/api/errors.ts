import { fieldLabel } from '../labels';
import { ApiError } from './client';

/**
 * The API speaks English (its messages name fields and rules); users read
 * Chinese. This is the one place that turns an API error into Chinese text:
 * a message already in Chinese is kept, a known rule is rephrased, anything
 * else gets a plain sentence naming the field (the original stays available
 * as `detail`, e.g. for a tooltip).
 */
export interface ChineseError {
  /** The sentence for the form or the page. */
  message: string;
  /** Per field (the API's dotted field names), the sentence to show next to it. */
  fields: Record<string, string>;
  /** The API's own words, for whoever needs them. */
  detail: string;
}

const HAS_CJK = /[\u3400-\u9fff]/;

const RULES: [RegExp, (label: string, m: RegExpExecArray) => string][] = [
  [/must not be empty|is required|required|cannot be empty/i, (l) => `请填写${l}`],
  [/real calendar date|YYYY-MM-DD/i, (l) => `${l}应为有效日期，格式 YYYY-MM-DD`],
  [/YYYY-MM\b/i, (l) => `${l}应为有效月份，格式 YYYY-MM`],
  [/http\(s\) link|valid url|must be a url/i, (l) => `${l}应为 http:// 或 https:// 开头的链接`],
  [/at most (\d+) characters/i, (l, m) => `${l}最多 ${m[1]} 个字`],
  [/at most (\d+) bytes/i, (l, m) => `${l}超过大小上限（${(Number(m[1]) / 1024 / 1024).toFixed(0)} MB）`],
  [/unknown channel|no channel/i, (l) => `${l}不在媒体目录中，请从列表中选择`],
  [/no organization/i, () => '单位不存在'],
  [/does not equal/i, (l, m) => `${l}与各分项之和不相等${amountIn(m.input)}`],
  [/negative/i, (l) => `${l}不能为负数`],
  [/fen|finer than|decimal places/i, (l) => `${l}最多保留到分（两位小数）`],
  [/must be a (decimal|number|amount)|not a number/i, (l) => `${l}应为金额数字`],
  [/must be an? (positive )?integer|whole number/i, (l) => `${l}应为整数`],
  [/must be one of|must be (confirmed|headline)/i, (l) => `${l}的取值无效`],
  [/unrecognized key|unknown field|not allowed/i, (l) => `不支持的字段：${l}`],
  [/cannot become/i, () => '当前状态下不能执行此操作（可能已被他人处理），请刷新后重试'],
  [/already (the name|exists)/i, (l) => `${l}已存在`],
  [/after to|is after/i, () => '开始日期不能晚于结束日期'],
  [/unsupported file type|\.xlsx or \.csv/i, () => '只支持 .xlsx 或 .csv 文件'],
  [/not a valid regular expression/i, (l) => `${l}不是有效的正则表达式`],
  [/duplicate/i, (l) => `${l}与已有稿件重复`],
];

function amountIn(text: string): string {
  const m = /=\s*([\d.]+\s*(万元|元))/.exec(text);
  return m ? `（分项之和为 ${m[1]}）` : '';
}

/** One field's message in Chinese. */
export function fieldMessage(field: string, message: string): string {
  if (HAS_CJK.test(message) && !/^[\x20-\x7e]*[a-z]{4,} [a-z]{3,}/i.test(message)) return message;
  const label = fieldLabel(field);
  for (const [re, say] of RULES) {
    const m = re.exec(message);
    if (m) return say(label, m);
  }
  return `${label}填写有误`;
}

const BY_STATUS: Record<number, string> = {
  0: '无法连接服务器，请检查网络后重试',
  401: '登录已失效，请重新登录',
  403: '没有权限执行此操作',
  404: '要找的内容不存在，或您无权查看',
  409: '与已有数据冲突',
  413: '文件或内容超过大小上限',
  429: '操作太频繁，请稍后再试',
  503: '服务暂时不可用，本次内容未保存，请稍后重试',
};

/**
 * Errors told by their code (the API's stable error codes), whatever their fields: a role too low
 * names the field `role`, which is no field of any form — "角色填写有误" would be wrong.
 */
const BY_CODE: Record<string, string> = {
  AUTH_FORBIDDEN: '没有权限执行此操作：您的角色不允许（如需此权限，请联系管理员）',
  AUTH_REQUIRED: BY_STATUS[401],
};

/** An error of any kind as Chinese text for the page and for each field. */
export function toChinese(err: unknown): ChineseError {
  if (!(err instanceof ApiError)) {
    const detail = err instanceof Error ? err.message : String(err);
    return { message: '操作失败，请稍后重试', fields: {}, detail };
  }
  if (err.code && BY_CODE[err.code]) return { message: BY_CODE[err.code], fields: {}, detail: err.message };
  const fields: Record<string, string> = {};
  for (const e of err.errors) fields[e.field] ??= fieldMessage(e.field, e.message);
  let message: string;
  const fieldTexts = Object.values(fields);
  if (err.status === 400 && fieldTexts.length) message = `请修改后重试：${fieldTexts.join('；')}`;
  else if (err.status === 409 && fieldTexts.length) message = fieldTexts.join('；');
  else if (HAS_CJK.test(err.message)) message = err.message;
  else message = BY_STATUS[err.status] ?? (err.status >= 500 ? '服务器出错，请稍后重试' : '请求有误，请检查后重试');
  return { message, fields, detail: err.message };
}
