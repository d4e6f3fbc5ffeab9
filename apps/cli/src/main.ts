import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import path from 'node:path';
import { ParseArgsConfig, parseArgs } from 'node:util';
import { CATALOG, loadCatalog } from '@pl/placements';
import { AppConfig, loadConfig } from '@pl/config';
import { assertDatabaseReachable, openDatabase } from '@pl/persistence';
import { assertRedisReachable } from '@pl/jobs';
import { CliError, toCliFailure } from './cli-error';
import { CliModule } from './cli.module';
import { BUDGET_USAGE, runBudgetCommand } from './commands/budget';
import { ACCOUNTS_USAGE, runTokensCommand, runUsersCommand } from './commands/accounts';
import { runDemo } from './commands/demo';
import { importLedger } from './commands/import-ledger';
import { PROFILE_USAGE, runProfileCommand } from './commands/profile';
import { PLACEMENTS_USAGE, runPlacementsCommand } from './commands/placements';
import { EVALUATION_USAGE, runEvaluationCommand } from './commands/evaluation';
import { TEMPLATE_USAGE, runTemplateCommand } from './commands/template';
import { parseFormats, readTemplate, writeRegionReports, writeReports } from './commands/report';
import { say } from './output';
import type { DataSource } from 'typeorm';
import { cliActor, takeAsOption } from './cli-actor';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                          apply database migrations
  seed                             load the catalog of outlets and channels (and the demo organization)
  import <file.xlsx|file.csv> --org <slug> [--no-wait]
                                   import a placement ledger through the queue
${PLACEMENTS_USAGE}
${BUDGET_USAGE}
${PROFILE_USAGE}
  crawl sources list               list the crawl sources (the catalog's real outlets start disabled)
  crawl sources enable <id>        let the crawler fetch a source, by its schedule if it has one
  crawl sources disable <id>       stop fetching a source (its schedule is removed)
  report annual --org <slug> --year <y> [--as-of YYYY-MM-DD] [--format md|html|docx|xlsx|json|all] [--out <dir>] [--template <file.yaml|file.json>]
  report monthly --org <slug> --month YYYY-MM [--format …] [--out <dir>] [--template <file.yaml|file.json>]
  report self-evaluation --org <slug> --year <y> [--as-of YYYY-MM-DD] [--format …] [--out <dir>]
  report region-monthly --region <slug|name> --month YYYY-MM [--format …] [--out <dir>]
                                   write the annual evaluation report, the monthly bulletin or the self-evaluation table (default: all formats, ./out)
${EVALUATION_USAGE}
${TEMPLATE_USAGE}
${ACCOUNTS_USAGE}
  demo [--no-reports]              migrate, seed, import the demo ledger, print its summary and write its 2021 report to ./out

Every command takes --as <name>: the actor it records (cli:<name>; default: the operating-system user).

Environment: DATABASE_URL (PostgreSQL; default: SQLite at SQLITE_PATH), REDIS_URL.`;

/**
 * Runs `fn` in the CLI's Nest context. `withWorker`: the ingestion worker
 * runs in the process (a command that waits for its import); `'no-queue'`:
 * the command never queues (reports render in the process), so Redis is
 * neither checked nor connected to and the command works while it is down.
 */
async function withContext<T>(
  config: AppConfig,
  withWorker: boolean | 'no-queue',
  fn: (app: INestApplicationContext) => Promise<T>,
  modules: Type[] = [],
): Promise<T> {
  const queue = withWorker !== 'no-queue';
  if (queue) await assertRedisReachable(config.redis.url);
  await assertDatabaseReachable(config.database);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, { withWorker: withWorker === true, queue, modules }), {
    logger: ['error', 'warn'],
  });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    say(USAGE);
    return;
  }
  const config = loadConfig(process.env);
  switch (command) {
    case 'migrate': {
      await assertDatabaseReachable(config.database);
      const ds = await openDatabase(config.database);
      const applied = await ds.query(`SELECT name FROM migrations ORDER BY id`);
      await ds.destroy();
      say(`database up to date (${config.database.type}): ${applied.length} migration(s) applied`);
      return;
    }
    case 'seed': {
      await assertDatabaseReachable(config.database);
      const ds = await openDatabase(config.database);
      const r = await loadCatalog(ds, CATALOG).finally(() => ds.destroy());
      say(`catalog loaded: ${r.organizations} organization(s), ${r.outlets} outlets, ${r.channels} channels`);
      return;
    }
    case 'import': {
      const { values, positionals } = parseCommand(rest, { org: { type: 'string' }, 'no-wait': { type: 'boolean' } });
      if (positionals.length !== 1) throw new CliError('import takes exactly one file: npm run cli -- import <file.xlsx|file.csv> --org <slug>');
      if (!values.org) throw new CliError('--org <slug> is required');
      const wait = !values['no-wait'];
      const r = await withContext(config, wait, (app) =>
        importLedger(app, path.resolve(positionals[0]), String(values.org), wait),
      );
      if (r.errors > 0) process.exitCode = 3;
      return;
    }
    case 'placements':
      await runPlacementsCommand(rest, (wait, fn) => withContext(config, wait, fn));
      return;
    case 'budget':
      await runBudgetCommand(rest, (fn) => withContext(config, false, fn));
      return;
    case 'profile':
      await runProfileCommand(rest, (fn) => withContext(config, false, fn));
      return;
    case 'crawl': {
      // Loaded on demand: the crawling lib (extraction, the title matcher's dictionaries) costs every other command start-up time.
      const { runCrawlCommand, CrawlingModule } = await import('./commands/crawl.js');
      await runCrawlCommand(rest, (fn) => withContext(config, false, fn, [CrawlingModule]));
      return;
    }
    case 'report': {
      const [kind, ...args] = rest;
      if (kind === 'region-monthly') {
        const { values, positionals } = parseCommand(args, { region: { type: 'string' }, month: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } });
        if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
        if (!values.region) throw new CliError('--region <slug|name> is required');
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(String(values.month ?? ''))) throw new CliError('--month YYYY-MM is required for the region bulletin');
        const formats = parseFormats(values.format as string | undefined);
        const out = path.resolve(String(values.out ?? 'out'));
        const files = await withContext(config, 'no-queue', (app) => writeRegionReports(app, String(values.region), String(values.month), formats, out));
        for (const f of files) say(f);
        return;
      }
      const { values, positionals } = parseCommand(args, {
        org: { type: 'string' },
        year: { type: 'string' },
        'as-of': { type: 'string' },
        month: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        template: { type: 'string' },
      });
      if (kind !== 'annual' && kind !== 'monthly' && kind !== 'self-evaluation') {
        throw new CliError('report takes `annual`, `monthly` or `self-evaluation`: npm run cli -- report annual --org <slug> --year <y>');
      }
      if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
      if (!values.org) throw new CliError('--org <slug> is required');
      const formats = parseFormats(values.format as string | undefined);
      const template = readTemplate(values.template as string | undefined);
      let request: Parameters<typeof writeReports>[2];
      if (kind === 'annual' || kind === 'self-evaluation') {
        if (!/^\d{4}$/.test(String(values.year ?? ''))) throw new CliError(`--year <yyyy> is required for the ${kind === 'annual' ? 'annual report' : 'self-evaluation table'}`);
        request = { kind, year: Number(values.year), asOf: values['as-of'] as string | undefined, template };
      } else {
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(String(values.month ?? ''))) throw new CliError('--month YYYY-MM is required for the monthly bulletin');
        request = { kind, month: String(values.month), template };
      }
      const out = path.resolve(String(values.out ?? 'out'));
      const files = await withContext(config, 'no-queue', (app) => writeReports(app, String(values.org), request, formats, out));
      for (const f of files) say(f);
      return;
    }
    case 'users':
    case 'tokens': {
      const withDatabase = async <T>(fn: (ds: DataSource) => Promise<T>): Promise<T> => {
        const ds = await openDatabase(config.database);
        try {
          return await fn(ds);
        } finally {
          await ds.destroy();
        }
      };
      if (command === 'users') await runUsersCommand(rest, withDatabase);
      else await runTokensCommand(rest, cliActor(), withDatabase);
      return;
    }
    case 'evaluation':
      await runEvaluationCommand(rest, (fn) => withContext(config, false, fn));
      return;
    case 'template':
      await runTemplateCommand(rest, (fn) => withContext(config, false, fn));
      return;
    case 'demo': {
      const { values } = parseCommand(rest, { 'no-reports': { type: 'boolean' } });
      await withContext(config, true, (app) => runDemo(app, { reports: !values['no-reports'] }));
      return;
    }
    default:
      throw new CliError(`unknown command "${command}"\n${USAGE}`);
  }
}

function parseCommand(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

run(takeAsOption(process.argv.slice(2))).catch((err: unknown) => {
  const { exitCode, message } = toCliFailure(err);
  process.stderr.write(`placement-ledger: ${message}\n`);
  process.exit(exitCode);
});
