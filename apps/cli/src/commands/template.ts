import { userInfo } from 'node:os';
import path from 'node:path';
import { DomainError } from '@pl/domain';
import { TEMPLATE_KINDS, TemplateKind } from '@pl/persistence';
import { RegionsService, StoredTemplatesService, TemplateOwner, isTemplateKind } from '@pl/reporting';
import { CliError } from '../cli-error';
import { say } from '../output';
import { WithApp, orgOrCliError, parseCommand, readInputFile } from './budget';

export const TEMPLATE_USAGE = `  template set <file.yaml|file.json> --kind report|indicators|points (--org <slug> | --region <slug|name>) [--actor <name>]
                                   store an organization's or a region's template (points: regions only); the API and the worker use it
  template show --kind <kind> (--org <slug> | --region <slug|name>)
                                   print the template in effect (its own, the region's or the default) as YAML or JSON
  template delete --kind <kind> (--org <slug> | --region <slug|name>)
                                   remove the stored one: the region's or the default applies again`;

const SOURCE_LABEL = { organization: '本单位', region: '所在地区', default: '默认' } as const;

/** `template set|show|delete …` */
export async function runTemplateCommand(args: string[], withApp: WithApp): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    kind: { type: 'string' },
    org: { type: 'string' },
    region: { type: 'string' },
    actor: { type: 'string' },
  });
  if (sub !== 'set' && sub !== 'show' && sub !== 'delete') throw new CliError(`template takes set, show or delete${sub ? `, not "${sub}"` : ''}\n${TEMPLATE_USAGE}`);
  const kind = String(values.kind ?? '');
  if (!isTemplateKind(kind)) throw new CliError(`--kind must be one of ${TEMPLATE_KINDS.join(', ')}`);
  if (Boolean(values.org) === Boolean(values.region)) throw new CliError('give either --org <slug> or --region <slug|name>');
  if (sub === 'set' && positionals.length !== 1) throw new CliError('template set takes exactly one file (.yaml, .yml or .json)');
  if (sub !== 'set' && positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
  const text = sub === 'set' ? readTemplateFile(positionals[0]!) : '';
  await withApp(async (app) => {
    const owner: TemplateOwner = values.org
      ? { organization: await orgOrCliError(app, values.org) }
      : { region: await app.get(RegionsService).resolve(String(values.region)).catch((err: unknown) => Promise.reject(regionError(err))) };
    const whose = 'organization' in owner ? owner.organization.name : owner.region.name;
    const templates = app.get(StoredTemplatesService);
    if (sub === 'set') {
      const actor = `cli:${(typeof values.actor === 'string' && values.actor.trim() ? values.actor.trim() : userInfo().username).slice(0, 90)}`;
      const { view, created } = await templates.put(owner, kind, text, actor).catch((err: unknown) => Promise.reject(templateError(err, positionals[0]!)));
      say(`模板${created ? '已保存' : '已更新'}：${whose} ${kindLabel(kind)}（${(view.template as { name: string }).name}）`);
      return;
    }
    if (sub === 'delete') {
      if (!(await templates.remove(owner, kind))) throw new CliError(`${whose} has no stored ${kind} template (--kind)`);
      say(`模板已删除：${whose} ${kindLabel(kind)}，恢复使用${'organization' in owner ? '所在地区或默认' : '默认'}模板`);
      return;
    }
    const view = (await templates.view(owner, kind))!;
    process.stderr.write(`${whose} ${kindLabel(kind)}：${SOURCE_LABEL[view.source]}${view.updatedBy ? `（${view.updatedBy}，${view.updatedAt}）` : ''}\n`);
    process.stdout.write(view.content.endsWith('\n') ? view.content : `${view.content}\n`);
  });
}

function kindLabel(kind: TemplateKind): string {
  return { report: '报表模板', indicators: '绩效自评指标', points: '积分标准' }[kind];
}

function readTemplateFile(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) throw new CliError(`template file must be .yaml, .yml or .json, not "${path.basename(file)}"`);
  return readInputFile(file, 'template').toString('utf8');
}

function regionError(err: unknown): unknown {
  return err instanceof DomainError && err.code === 'REGION_NOT_FOUND' ? new CliError(`${err.messageZh}（--region）`) : err;
}

/** A refused template: every line at fault, one per line of output. */
function templateError(err: unknown, file: string): unknown {
  if (err instanceof DomainError && err.kind === 'invalid') {
    return new CliError(`${path.basename(file)}: invalid template\n${err.errors.map((x) => `  ${x.message}`).join('\n')}`);
  }
  return err;
}
