import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@pl/config';
import { ApiModule } from '../apps/api/src/api.module';
import { createHttpAdapter } from '../apps/api/src/create-api-app';
import { buildOpenApiDocument } from '../apps/api/src/http/openapi';

/**
 * `npm run openapi:client`: the API's OpenAPI document, made in process
 * without a server, a database or Redis (Nest's preview mode builds the
 * module graph without creating any provider), written to a temporary file
 * and turned into the web UI's typed client (apps/web/src/api/schema.d.ts)
 * by openapi-typescript. CI runs it and fails when the committed file differs.
 * With --json <file>: writes the document there instead.
 */
export async function previewOpenApiDocument(): Promise<OpenAPIObject> {
  // Any valid configuration: the document does not depend on it.
  const config = loadConfig({ SQLITE_PATH: ':memory:' });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, { withWorker: false }), createHttpAdapter(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..');
  const document = await previewOpenApiDocument();
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0) {
    writeFileSync(process.argv[jsonAt + 1], `${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'pl-openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const out = path.join(repo, 'apps/web/src/api/schema.d.ts');
    execFileSync(path.join(repo, 'node_modules', '.bin', 'openapi-typescript'), [file, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`wrote ${path.relative(repo, out)} (${Object.keys(document.paths).length} paths)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
