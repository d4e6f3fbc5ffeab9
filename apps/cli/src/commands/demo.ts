import { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { CATALOG, loadCatalog } from '../../../../libs/catalog/src';
import { repoRoot } from '../../../../libs/config/src';
import { OrganizationsService, PlacementQueries, Summary } from '../../../../libs/ledger/src';
import { say, table } from '../output';
import { countHighlights } from './highlights';
import { importLedger } from './import-ledger';

export const DEMO_ORG = 'daxiang';

/**
 * The quick start: catalog and demo organization, the demo ledger imported
 * through the queue and written by the in-process worker, then the tier
 * summary since founding and for 2021, counted from the ledger.
 */
export async function runDemo(app: INestApplicationContext): Promise<void> {
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const loaded = await loadCatalog(dataSource, CATALOG);
  say(`目录：${loaded.outlets} 家媒体，${loaded.channels} 个渠道`);
  const root = repoRoot();
  await importLedger(app, path.join(root, 'demo', DEMO_ORG, 'ledger.csv'), DEMO_ORG, true);

  const org = await app.get(OrganizationsService).bySlug(DEMO_ORG);
  const queries = app.get(PlacementQueries);
  say();
  say(`${org.name} 上稿统计`);
  printTiers(`自 ${org.foundedOn} 挂牌以来（截至 2021-12-22）`, await queries.summary(org, { to: '2021-12-22' }, 'tier'));
  const district = await queries.summary(org, { to: '2021-12-22', tier: 'district' }, 'channel');
  say(table(district.rows.map((r) => ['  区级 · ' + r.label, r.count])));
  printTiers('2021年（2021-01-01 至 2021-12-22）', await queries.summary(org, { from: '2021-01-01', to: '2021-12-22' }, 'tier'));
  const highlights = await countHighlights(dataSource, queries, org, path.join(root, 'demo', DEMO_ORG, 'highlights.json'));
  say();
  say(`2021年重点上稿（${highlights.from} 至 ${highlights.to}）`);
  say(
    table(
      highlights.lines.map((l) => ['  ' + l.label, l.count, l.of ? `其中${l.of.label} ${l.of.count}` : '']),
    ),
  );
}

function printTiers(title: string, s: Summary): void {
  say();
  say(title);
  say(table([...s.rows.map((r) => ['  ' + r.label, r.count]), ['  合计', s.total]]));
}
