import { INestApplicationContext } from '@nestjs/common';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cliActor } from '../cli-actor';
import { IngestionsService, LedgerImports, OrganizationsService } from '@pl/placements';
import { CliError } from '../cli-error';
import { say } from '../output';
import { waitForIngestion } from '../wait-for-ingestion';

/** Imports a ledger file for an organization; with `wait`, until the worker has written it. */
export async function importLedger(
  app: INestApplicationContext,
  file: string,
  orgSlug: string,
  wait: boolean,
): Promise<{ inserted: number; duplicates: number; errors: number }> {
  let data: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    data = readFileSync(file);
  } catch {
    throw new CliError(`cannot read ledger file "${file}"`);
  }
  const org = await app.get(OrganizationsService).bySlug(orgSlug).catch(() => {
    throw new CliError(`unknown organization "${orgSlug}" (--org): create it first or run \`npm run cli -- seed\``);
  });
  const receipt = await app
    .get(LedgerImports)
    .import(org, path.basename(file), data, cliActor());
  say(`读取 ${receipt.received} 行，有效 ${receipt.accepted} 行，错误 ${receipt.errors.length} 处`);
  if (receipt.errors.length > 0) say(receipt.report);
  if (!receipt.ingestionId) return { inserted: 0, duplicates: 0, errors: receipt.errors.length };
  if (!wait) {
    say(`已提交队列：ingestion ${receipt.ingestionId}`);
    return { inserted: 0, duplicates: 0, errors: receipt.errors.length };
  }
  const done = await waitForIngestion(app.get(IngestionsService), receipt.ingestionId, (v) =>
    process.stderr.write(`  写入进度：新增 ${v.inserted}，重复 ${v.duplicates} / 共 ${v.accepted}\n`),
  );
  say(`导入完成：新增 ${done.inserted} 条，重复 ${done.duplicates} 条（ingestion ${done.id}）`);
  return { inserted: done.inserted, duplicates: done.duplicates, errors: receipt.errors.length };
}
