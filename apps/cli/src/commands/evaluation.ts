import { NOT_EVALUATED, SelfEvaluationService, StoredTemplatesService } from '@pl/reporting';
import { CliError } from '../cli-error';
import { cliActor } from '../cli-actor';
import { say, table } from '../output';
import { WithApp, orgOrCliError, parseCommand, yearOption } from './budget';

export const EVALUATION_USAGE = `  evaluation set --org <slug> --year <y> --indicator <id> [--value <v>] [--score <n>] [--reason <text>] [--actor <name>]
                                   enter an indicator's actual value, a reviewer's score or the reason for a shortfall
  evaluation show --org <slug> --year <y>
                                   print the year's self-evaluation table (自评表) with who entered what`;

/** `evaluation set …` and `evaluation show …` */
export async function runEvaluationCommand(args: string[], withApp: WithApp): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    org: { type: 'string' },
    year: { type: 'string' },
    indicator: { type: 'string' },
    value: { type: 'string' },
    score: { type: 'string' },
    reason: { type: 'string' },
    actor: { type: 'string' },
  });
  if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
  if (sub !== 'set' && sub !== 'show') throw new CliError(`evaluation takes set or show${sub ? `, not "${sub}"` : ''}\n${EVALUATION_USAGE}`);
  const year = yearOption(values.year);
  if (sub === 'set' && !values.indicator) throw new CliError('--indicator <id> is required (see `evaluation show` for the ids)');
  await withApp(async (app) => {
    const org = await orgOrCliError(app, values.org);
    const evaluations = app.get(SelfEvaluationService);
    const template = await app.get(StoredTemplatesService).indicatorsFor(org);
    if (sub === 'set') {
      const entry = { indicator: values.indicator, value: values.value, score: values.score, reason: values.reason };
      await evaluations.putEntries(org, year, template, { entries: [entry] }, cliActor(values.actor));
      say(`已录入：${org.name} ${year} 年 ${String(values.indicator)}`);
      return;
    }
    const entries = new Map((await evaluations.entries(org, year)).map((e) => [e.indicator, e]));
    say(`${org.name} ${year} 年绩效自评指标（${template.name}）`);
    say(
      table([
        ['指标', '三级指标', '分值', '录入值', '评分', '偏差原因', '录入人'],
        ...template.indicators.map((i) => {
          const e = entries.get(i.id);
          return [i.id, i.level3, i.weight, e?.value ?? (i.actual === 'manual' ? NOT_EVALUATED : '（数据）'), e?.score ?? '', e?.reason ?? '', e?.enteredBy ?? ''];
        }),
      ]),
    );
  });
}
