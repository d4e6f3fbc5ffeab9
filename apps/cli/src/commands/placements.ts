import { INestApplicationContext } from '@nestjs/common';
import { ParseArgsConfig, parseArgs } from 'node:util';
import { PlacementStatus, STATUS_LABELS } from '@pl/domain';
import { ChannelDirectory, IngestionsService, IngestionView, OrganizationsService, PlacementQueries, PlacementSubmissions } from '@pl/placements';
import { cliActor } from '../cli-actor';
import { CliError } from '../cli-error';
import { say } from '../output';
import { waitForIngestion } from '../wait-for-ingestion';

export const PLACEMENTS_USAGE = `  placements edit <id> --org <slug> [--title <t>] [--url <u>] [--published-on YYYY-MM-DD] [--channel <name>]
                   [--section <s>] [--prominence <p>] [--genre <g>] [--author <name>]… [--note <n>] [--no-wait]
                                   change a placement's fields (the others keep their values), through the queue as
                                   PATCH /api/orgs/:org/placements/:id does; --url '' clears the link
  placements withdraw <id> --org <slug> [--reason <text>] [--no-wait]
                                   withdraw a placement (counted nowhere, its history kept; restorable)
  placements restore <id> --org <slug> [--no-wait]
                                   restore a withdrawn placement to the status it was withdrawn from`;

/** The options of `placements edit`, by the field of the PATCH body each sets. */
const EDIT_OPTIONS: Record<string, string> = {
  title: 'title',
  url: 'url',
  'published-on': 'publishedOn',
  channel: 'channel',
  section: 'section',
  prominence: 'prominence',
  genre: 'genre',
  note: 'note',
};

/** The edited fields' Chinese names (as the UI's labels), for the summary line. */
const FIELD_ZH: Record<string, string> = {
  channelId: '渠道',
  title: '标题',
  url: '链接',
  publishedOn: '刊发日期',
  section: '版面栏目',
  prominence: '位置',
  genre: '体裁',
  authors: '作者',
  note: '备注',
};

const statusZh = (s: string): string => STATUS_LABELS[s as PlacementStatus] ?? s;

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function placementId(positionals: string[], sub: string): number {
  if (positionals.length !== 1 || !/^\d+$/.test(positionals[0])) throw new CliError(`placements ${sub} takes exactly one placement id (a number)`);
  return Number(positionals[0]);
}

/** A value as the summary shows it. */
function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (Array.isArray(v)) return v.length ? v.join('、') : '（空）';
  return `“${String(v)}”`;
}

/**
 * `placements edit|withdraw|restore`: the same requests as the HTTP routes
 * (PlacementSubmissions, so the same checks, 400/404/409 as DomainErrors the
 * CLI prints in Chinese), queued as the same jobs, recorded as `cli:<--as>`.
 * Unless --no-wait, the worker runs in the process and the command waits for
 * the ingestion, then prints what changed; a change the worker refuses
 * (another change got there first) exits 2 with the reason.
 */
export async function runPlacementsCommand(
  args: string[],
  withContext: <T>(withWorker: boolean, fn: (app: INestApplicationContext) => Promise<T>) => Promise<T>,
): Promise<void> {
  const [sub, ...rest] = args;
  const common = { org: { type: 'string' as const }, 'no-wait': { type: 'boolean' as const } };
  let request: (s: PlacementSubmissions, org: Parameters<PlacementSubmissions['requestEdit']>[0], id: number, actor: string) => Promise<{ ingestionId: string }>;
  let values: Record<string, unknown>;
  let id: number;
  switch (sub) {
    case 'edit': {
      const parsed = parse(rest, {
        ...common,
        ...Object.fromEntries(Object.keys(EDIT_OPTIONS).map((o) => [o, { type: 'string' as const }])),
        author: { type: 'string', multiple: true },
      });
      values = parsed.values;
      id = placementId(parsed.positionals, sub);
      const body: Record<string, unknown> = {};
      for (const [option, field] of Object.entries(EDIT_OPTIONS)) {
        if (values[option] !== undefined) body[field] = field === 'url' && values[option] === '' ? null : values[option];
      }
      if (values.author !== undefined) body.authors = values.author;
      if (Object.keys(body).length === 0) {
        throw new CliError(`placements edit needs at least one field to change: ${Object.keys(EDIT_OPTIONS).map((o) => `--${o}`).join(', ')}, --author`);
      }
      request = (s, org, pid, actor) => s.requestEdit(org, pid, body, actor);
      break;
    }
    case 'withdraw': {
      const parsed = parse(rest, { ...common, reason: { type: 'string' } });
      values = parsed.values;
      id = placementId(parsed.positionals, sub);
      request = (s, org, pid, actor) => s.requestWithdraw(org, pid, actor, values.reason as string | undefined);
      break;
    }
    case 'restore': {
      const parsed = parse(rest, common);
      values = parsed.values;
      id = placementId(parsed.positionals, sub);
      request = (s, org, pid, actor) => s.requestRestore(org, pid, actor);
      break;
    }
    default:
      throw new CliError(`placements takes edit, withdraw or restore:\n${PLACEMENTS_USAGE}`);
  }
  if (!values.org) throw new CliError('--org <slug> is required');
  const wait = !values['no-wait'];
  await withContext(wait, async (app) => {
    const org = await app.get(OrganizationsService).bySlug(String(values.org));
    const { ingestionId } = await request(app.get(PlacementSubmissions), org, id, cliActor());
    if (!wait) {
      say(`已提交队列：稿件 ${id}（ingestion ${ingestionId}）`);
      return;
    }
    const done = await waitForIngestion(app.get(IngestionsService), ingestionId);
    refusedOrDone(done, id);
    const placement = await app.get(PlacementQueries).get(org, id);
    const event = placement.events.filter((e) => e.ingestionId === ingestionId).pop();
    const data = event?.data as Record<string, unknown> | null | undefined;
    // A change of channel is recorded by id: shown by name.
    const channel = (data?.changes as Record<string, { from: unknown; to: unknown }> | undefined)?.channelId;
    if (channel) {
      const name = async (v: unknown) => (typeof v === 'number' ? ((await app.get(ChannelDirectory).resolve(v))?.name ?? v) : v);
      channel.from = await name(channel.from);
      channel.to = await name(channel.to);
    }
    say(summaryLine(sub, id, placement.title, placement.status, data));
  });
}

/** A change the worker refused: exit 2 with its reason. */
function refusedOrDone(view: IngestionView, id: number): void {
  if (view.rejected === 0) return;
  throw new CliError(view.refusal?.messageZh ?? `稿件 ${id} 的更改未能执行（ingestion ${view.id}）`);
}

/** What changed, in Chinese. */
function summaryLine(sub: string, id: number, title: string, status: string, data: Record<string, unknown> | null | undefined): string {
  if (!data) return `稿件 ${id}「${title}」没有变化`;
  if (sub === 'withdraw') return `已撤回稿件 ${id}「${title}」（原状态：${statusZh(String(data.from))}）${data.reason ? `，原因：${String(data.reason)}` : ''}`;
  if (sub === 'restore') return `已恢复稿件 ${id}「${title}」，状态：${statusZh(status)}`;
  const changes = (data.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
  const parts = Object.entries(changes).map(([f, c]) => `${FIELD_ZH[f] ?? f} ${shown(c.from)} → ${shown(c.to)}`);
  const back = data.status ? `；状态 ${statusZh(String((data.status as { from: string }).from))} → ${statusZh(String((data.status as { to: string }).to))}，待重新核实` : '';
  return `已修改稿件 ${id}：${parts.join('；')}${back}`;
}
