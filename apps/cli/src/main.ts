import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import path from 'node:path';
import { ParseArgsConfig, parseArgs } from 'node:util';
import { CATALOG, loadCatalog } from '../../../libs/catalog/src';
import { AppConfig, ConfigError, loadConfig } from '../../../libs/config/src';
import { openDatabase } from '../../../libs/persistence/src';
import { RedisUnreachableError, assertRedisReachable } from '../../../libs/queue/src';
import { CliError } from './cli-error';
import { CliModule } from './cli.module';
import { runDemo } from './commands/demo';
import { importLedger } from './commands/import-ledger';
import { say } from './output';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                          apply database migrations
  seed                             load the catalog of outlets and channels (and the demo organization)
  import <file.xlsx|file.csv> --org <slug> [--no-wait]
                                   import a placement ledger through the queue
  demo                             migrate, seed, import the demo ledger and print its summary

Environment: DATABASE_URL (PostgreSQL; default: SQLite at SQLITE_PATH), REDIS_URL.`;

async function withContext<T>(config: AppConfig, withWorker: boolean, fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  await assertRedisReachable(config.redis.url);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, { withWorker }), {
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
      const ds = await openDatabase(config.database);
      const applied = await ds.query(`SELECT name FROM migrations ORDER BY id`);
      await ds.destroy();
      say(`database up to date (${config.database.type}): ${applied.length} migration(s) applied`);
      return;
    }
    case 'seed': {
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
    case 'demo':
      parseCommand(rest, {});
      await withContext(config, true, runDemo);
      return;
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

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CliError) {
    process.stderr.write(`placement-ledger: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof ConfigError || err instanceof RedisUnreachableError) {
    process.stderr.write(`placement-ledger: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`placement-ledger: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
