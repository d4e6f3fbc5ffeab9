import multipart from '@fastify/multipart';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, nestLogLevels } from '@pl/config';
import { ApiModule, ApiOptions } from './api.module';
import { ErrorFilter } from './http/error.filter';
import { validationPipe } from './http/validation';
import { mountQueueBoard } from './admin/queue-board';
import { serveWebUi } from './web/web-ui';

/**
 * The HTTP adapter of the API: Fastify, with the JSON body limit and one
 * uploaded file per request. Fastify answers about twice as many requests
 * per second as Express on this kind of machine (bench:ingest prints both),
 * which is what a single POST end to end is bound by.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes, routerOptions: { ignoreTrailingSlash: true } });
}

/**
 * JSON and form bodies as Nest would parse them, except that an empty body
 * sent as `application/json` reaches the route as `undefined` instead of
 * Fastify's 400 "Body cannot be empty": a route whose body is optional
 * (POST …/crawl/confirm, …/run) then accepts no body, an empty one, `{}` and
 * `null` alike, and a route that needs a body refuses `undefined` with a 400
 * naming it, as it refuses `null`. Registering our own JSON parser stops
 * Nest from registering its defaults, so the form parser is registered here
 * too (URLSearchParams, as Nest's: fields as strings).
 */
function acceptEmptyJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const json = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (req, body, done) => {
    if (body.length === 0) return done(null, undefined);
    json(req as Parameters<typeof json>[0], body.toString('utf8'), done);
  });
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  });
}

/**
 * The HTTP application as `npm start` and the tests run it: body limits, the
 * JSON error shape, validation, multipart uploads, OpenAPI at /docs, the
 * queue dashboard at /admin/queues, the web UI at /.
 */
export async function createApiApp(config: AppConfig, options: ApiOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, options), createHttpAdapter(config), {
    logger: nestLogLevels(config),
  });
  acceptEmptyJsonBodies(app, config.http.bodyLimitBytes);
  await app.register(multipart, {
    limits: { fileSize: config.http.uploadLimitBytes, files: 1, fields: 10, parts: 20 },
  });
  app.useGlobalFilters(new ErrorFilter(config.http.bodyLimitBytes));
  app.useGlobalPipes(validationPipe);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Placement Ledger')
      .setDescription('上稿台账: placements by outlet tier, fed through a queue, turned into reports.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  await mountQueueBoard(app, config);
  await serveWebUi(app, options.webUiDir);
  return app;
}
