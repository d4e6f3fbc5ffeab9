import { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { CATALOG, loadCatalog, OrganizationsService, PlacementQueries, Summary } from '@pl/placements';
import { APP_CONFIG, AppConfig, repoRoot } from '@pl/config';
import { Accounts } from '@pl/accounts';
import { randomBytes } from 'node:crypto';
import { say, table } from '../output';
import { importBudget } from './budget';
import { importLedger } from './import-ledger';
import { importProfile } from './profile';
import { writeReports } from './report';
import { DEFAULT_TEMPLATE, REPORT_FORMATS, ReportFacts } from '@pl/reporting';

export const DEMO_ORG = 'daxiang';

/**
 * The quick start: catalog and demo organization, the demo ledger imported
 * through the queue and written by the in-process worker, then the tier
 * summary since founding and for 2021, counted from the ledger.
 */
export async function runDemo(app: INestApplicationContext, options: { reports: boolean } = { reports: true }): Promise<void> {
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const loaded = await loadCatalog(dataSource, CATALOG);
  say(`目录：${loaded.outlets} 家媒体，${loaded.channels} 个渠道`);
  const root = repoRoot();
  // The demo organization's 2021 budget and its profile, through the same services as the API and `budget import`.
  await importBudget(app, path.join(root, 'demo', DEMO_ORG, 'budget-2021.yaml'), DEMO_ORG, 2021);
  await importProfile(app, path.join(root, 'demo', DEMO_ORG, 'profile.yaml'), DEMO_ORG);
  await importProfile(app, path.join(root, 'demo', DEMO_ORG, 'profile-2021.yaml'), DEMO_ORG, 2021);
  await importLedger(app, path.join(root, 'demo', DEMO_ORG, 'ledger.csv'), DEMO_ORG, true);

  const org = await app.get(OrganizationsService).bySlug(DEMO_ORG);
  const queries = app.get(PlacementQueries);
  say();
  say(`${org.name} 上稿统计`);
  printTiers(`自 ${org.foundedOn} 挂牌以来（截至 2021-12-22）`, await queries.summary(org, { to: '2021-12-22' }, 'tier'));
  const district = await queries.summary(org, { to: '2021-12-22', tier: 'district' }, 'channel');
  say(table(district.rows.map((r) => ['  区级 · ' + r.label, r.count])));
  printTiers('2021年（2021-01-01 至 2021-12-22）', await queries.summary(org, { from: '2021-01-01', to: '2021-12-22' }, 'tier'));
  // The seed's 2021 lines, as the default report template names them.
  const highlights = await app.get(ReportFacts).highlights(org.id, DEFAULT_TEMPLATE, '2021-01-01', '2021-12-22');
  say();
  say('2021年重点上稿（2021-01-01 至 2021-12-22）');
  say(table(highlights.map((l) => ['  ' + l.label, l.count, l.of ? `其中${l.of.label} ${l.of.count}` : ''])));

  await demoUsers(dataSource, app.get<AppConfig>(APP_CONFIG));

  if (options.reports) {
    const files = await writeReports(app, DEMO_ORG, { kind: 'annual', year: 2021, asOf: '2021-12-22' }, [...REPORT_FORMATS], path.resolve('out'));
    say();
    say('2021年度部门整体支出绩效评价报告：');
    for (const f of files) say(`  ${f}`);
  }
}

/** The demo organization's users, as `users add` makes them. */
export const DEMO_USERS = [
  { username: `${DEMO_ORG}-editor`, role: 'editor', label: '编辑（录入、导入、审核、预算和概况）' },
  { username: `${DEMO_ORG}-viewer`, role: 'viewer', label: '查看者（只读、下载报表）' },
] as const;

/**
 * An editor and a viewer of the demo organization, with DEMO_PASSWORD or a
 * new random password each run (printed here once: only its hash is kept).
 */
async function demoUsers(dataSource: DataSource, config: AppConfig): Promise<void> {
  const accounts = new Accounts(dataSource);
  const existing = new Set((await accounts.listUsers()).map((u) => u.username));
  say();
  say('登录网页界面（npm start 后打开 http://127.0.0.1:' + config.port + '/ ）：');
  for (const u of DEMO_USERS) {
    const password = config.demoPassword ?? randomBytes(9).toString('base64url');
    if (existing.has(u.username)) await accounts.setPassword(u.username, password);
    else await accounts.addUser({ username: u.username, password, role: u.role, org: DEMO_ORG });
    say(`  ${u.label}：用户名 ${u.username}  密码 ${password}`);
  }
  if (!config.demoPassword) say('  （密码只显示这一次；忘了可重新运行 npm run demo，或 npm run cli -- users passwd <用户名>）');
}

function printTiers(title: string, s: Summary): void {
  say();
  say(title);
  say(table([...s.rows.map((r) => ['  ' + r.label, r.count]), ['  合计', s.total]]));
}
