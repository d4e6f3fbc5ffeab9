import { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { CATALOG, loadCatalog, OrganizationsService, PlacementQueries, Summary } from '@pl/placements';
import { repoRoot } from '@pl/config';
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

  if (options.reports) {
    const files = await writeReports(app, DEMO_ORG, { kind: 'annual', year: 2021, asOf: '2021-12-22' }, [...REPORT_FORMATS], path.resolve('out'));
    say();
    say('2021年度部门整体支出绩效评价报告：');
    for (const f of files) say(`  ${f}`);
  }
}

function printTiers(title: string, s: Summary): void {
  say();
  say(title);
  say(table([...s.rows.map((r) => ['  ' + r.label, r.count]), ['  合计', s.total]]));
}
