import { INestApplicationContext } from '@nestjs/common';
import path from 'node:path';
import { ProfilesService } from '@pl/reporting';
import { CliError } from '../cli-error';
import { say } from '../output';
import { WithApp, orgOrCliError, parseCommand, parseJsonOrYaml, readInputFile, yearOption } from './budget';

export const PROFILE_USAGE = `  profile import <file.yaml|file.json> --org <slug> [--year <y>]
                                   create or replace the organization's profile (with --year: that year's goals,
                                   achievements, improvement measures and targets)`;

function readProfileFile(file: string): unknown {
  const ext = path.extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    throw new CliError(`profile file must be .yaml, .yml or .json, not "${path.basename(file)}"`);
  }
  return parseJsonOrYaml(readInputFile(file, 'profile'), file, false);
}

/** Imports the standing profile (no year) or a year's profile; prints one line. */
export async function importProfile(app: INestApplicationContext, file: string, orgSlug: string, year?: number): Promise<void> {
  const raw = readProfileFile(file);
  const org = await orgOrCliError(app, orgSlug);
  const profiles = app.get(ProfilesService);
  if (year === undefined) {
    const { document: p, created } = await profiles.putStanding(org, raw);
    say(
      `单位概况已${created ? '导入' : '更新'}：${org.name}（${p.shortName}），核定编制 ${p.establishment.authorized} 名、` +
        `实有 ${p.establishment.actual} 人，内设机构 ${p.units.length} 个，主要职责 ${p.duties.length} 条`,
    );
    return;
  }
  const { document: a, created } = await profiles.putAnnual(org, year, raw);
  const targets = Object.values(a.targets).length;
  say(
    `${year} 年度概况已${created ? '导入' : '更新'}：${org.name}，绩效目标 ${a.goals.length} 条，` +
      `绩效情况 ${a.achievements.length} 段，改进措施 ${a.improvements.length} 条，上稿目标 ${targets} 项`,
  );
}

/** `profile import …` */
export async function runProfileCommand(args: string[], withApp: WithApp): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new CliError(`profile takes import${sub ? `, not "${sub}"` : ''}\n${PROFILE_USAGE}`);
  const { values, positionals } = parseCommand(rest, { org: { type: 'string' }, year: { type: 'string' } });
  if (positionals.length !== 1) throw new CliError('profile import takes exactly one file: npm run cli -- profile import <file.yaml|file.json> --org <slug> [--year <y>]');
  if (!values.org) throw new CliError('--org <slug> is required');
  const year = values.year === undefined ? undefined : yearOption(values.year);
  const file = path.resolve(positionals[0]);
  readProfileFile(file); // file problems before connecting anywhere
  await withApp((app) => importProfile(app, file, String(values.org), year));
}
