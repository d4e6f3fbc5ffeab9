import { CrawlSources, CrawlSourceView } from '@pl/crawling';

export { CrawlingModule } from '@pl/crawling';
import { CliError } from '../cli-error';
import { say, table } from '../output';
import { parseCommand, WithApp } from './budget';

const CRAWL_USAGE = `  crawl sources list | enable <id> | disable <id>`;

const TYPE_LABELS: Record<CrawlSourceView['type'], string> = { list: '列表页', epaper: '电子报', feed: 'RSS/Atom' };

function describe(s: CrawlSourceView & { channel?: string }): string {
  return `${s.id}（${s.channel ? `${s.channel} · ` : ''}${TYPE_LABELS[s.type]} · ${s.url}）`;
}

/** `crawl sources list|enable <id>|disable <id>`. */
export async function runCrawlCommand(args: string[], withApp: WithApp): Promise<void> {
  const [group, sub, ...rest] = args;
  if (group !== 'sources') throw new CliError(`crawl takes sources${group ? `, not "${group}"` : ''}\n${CRAWL_USAGE}`);
  const { positionals } = parseCommand(rest, {});
  if (sub === 'list') {
    if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
    const sources = await withApp((app) => app.get(CrawlSources).listAll());
    if (sources.length === 0) {
      say('没有抓取源');
      return;
    }
    say(
      table([
        ['编号', '渠道', '类型', '状态', '计划', '地址'],
        ...sources.map((s) => [s.id, s.channel, TYPE_LABELS[s.type], s.enabled ? '已启用' : '已停用', s.schedule ?? '—', s.url]),
      ]),
    );
    return;
  }
  if (sub !== 'enable' && sub !== 'disable') throw new CliError(`crawl sources takes list, enable or disable${sub ? `, not "${sub}"` : ''}\n${CRAWL_USAGE}`);
  if (positionals.length !== 1 || !/^\d+$/.test(positionals[0])) {
    throw new CliError(`crawl sources ${sub} takes one source id: npm run cli -- crawl sources ${sub} <id> (see crawl sources list)`);
  }
  const id = Number(positionals[0]);
  const enabled = sub === 'enable';
  const source = await withApp(async (app) => {
    const sources = app.get(CrawlSources);
    const changed = await sources.setEnabled(id, enabled);
    return (await sources.listAll()).find((s) => s.id === changed.id) ?? changed;
  });
  if (!enabled) say(`已停用抓取源 ${describe(source)}`);
  else if (source.schedule) say(`已启用抓取源 ${describe(source)}，按计划 ${source.schedule}（北京时间）抓取`);
  else say(`已启用抓取源 ${describe(source)}；它没有计划，按需运行：POST /api/crawl/sources/${source.id}/run`);
}
