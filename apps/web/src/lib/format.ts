import { todayInShanghai } from './domain-browser';

/** Dates and times as Chinese readers expect them, in Asia/Shanghai. */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d).replace(/\//g, '-');
}

/** Today in Asia/Shanghai as YYYY-MM-DD (the server's rule, from libs/domain). */
export const todayLocal = (): string => todayInShanghai();

/** Who did it, as the events record it (`user:张三`, `token:同步脚本`, `crawler`, `cli:admin`). */
export function actorLabel(actor: string | null | undefined): string {
  if (!actor) return '系统';
  const [kind, ...rest] = actor.split(':');
  const name = rest.join(':');
  const kinds: Record<string, string> = { user: '', editor: '', import: '导入·', token: '令牌·', cli: '命令行·', crawler: '抓取程序', system: '系统' };
  if (!name) return kinds[kind] ?? actor;
  return `${kinds[kind] ?? `${kind}·`}${name}`;
}
