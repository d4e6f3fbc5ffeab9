import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig, useJsonLogs } from '@pl/config';
import { DomainError } from '@pl/domain';
import { ApiModule, ApiOptions } from './api.module';
import { ErrorFilter } from './http/error.filter';
import { buildOpenApiDocument } from './http/openapi';
import { JSON_MAX_DEPTH, YAML_MEDIA_TYPES, forbiddenKey, forbiddenKeyPath, installRequestGuards, jsonDepth, tooDeep } from './http/request-guards';
import { mountQueueBoard, QUEUE_BOARD_PATH } from './admin/queue-board';
import { installAuthHook } from './auth/auth-hook';
import { recordRoutes } from './http/route-table';
import { AuthService } from './auth/auth.service';
import { serveWebUi } from './web/web-ui';
import { installSecurityHeaders } from './http/security-headers';
import { installServerTiming } from './http/server-timing';

/**
 * The HTTP adapter of the API: Fastify, with the JSON body limit and one
 * uploaded file per request. Fastify answers about twice as many requests
 * per second as Express on this kind of machine (bench:ingest prints both),
 * which is what a single POST end to end is bound by. trustProxy: TRUST_PROXY
 * (a hop count is one of Fastify's forms, missing from the adapter's type).
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes, routerOptions: { ignoreTrailingSlash: true }, trustProxy: config.trustProxy as boolean | string[] });
}

/**
 * JSON bodies, with Fastify's wording of its errors (invalid JSON, too large), except that:
 *
 * - an empty body sent as `application/json` reaches the route as
 *   `undefined` instead of Fastify's 400 "Body cannot be empty": a route whose
 *   body is optional (POST …/crawl/confirm, …/run) then accepts no body, an
 *   empty one, `{}` and `null` alike, and a route that needs a body refuses
 *   `undefined` with a 400 naming it, as it refuses `null`;
 * - a `__proto__` or `constructor` key anywhere is a 400 saying so and
 *   naming where (Fastify's parser says only "not valid JSON", and lets a
 *   `constructor` key through unless it holds a `prototype`). JSON.parse
 *   makes `__proto__` an own key, never the prototype, so the walk is safe;
 * - a body nested deeper than JSON_MAX_DEPTH (64) levels is a 400 naming
 *   `body`, read from the text before any walk (10,000 levels overflowed the
 *   stack of the walks into a 500).
 *
 * Besides, YAML for the template routes (text, as sent). No other body parser
 * is registered (registering our own JSON parser stops Nest from adding its
 * form parser): form-encoded and text bodies are answered 415 by the request
 * guards, multipart goes to the import routes.
 */
function parseJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const json = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (req, body, done) => {
    if (body.length === 0) return done(null, undefined);
    const text = body.toString('utf8');
    // Kept for the routes that need the text as sent (an uploaded template's errors name its lines).
    (req as { rawText?: string }).rawText = text;
    const depth = jsonDepth(text);
    if (depth > JSON_MAX_DEPTH) return done(tooDeep(depth));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Fastify's parser takes a leading BOM (refusing __proto__ keys behind it); what it refuses is not JSON.
      return json(req as Parameters<typeof json>[0], text, (err, parsed) =>
        err
          ? done(DomainError.invalid('HTTP_BAD_JSON', [{ field: 'body', message: 'body must be valid JSON' }], 'Request body is not valid JSON', '请求体不是有效的 JSON'))
          : done(null, parsed),
      );
    }
    // A cheap look before walking: the key is spelled out, or may hide behind a \\u escape.
    const path = /__proto__|constructor|\\u/.test(text) ? forbiddenKeyPath(value, '') : null;
    if (path === null) return done(null, value);
    return done(forbiddenKey(path.endsWith('__proto__') ? '__proto__' : 'constructor', path));
  });
  // Templates are uploaded as YAML too (the request guards let YAML reach their routes only): the route gets the text.
  app.useBodyParser(YAML_MEDIA_TYPES, { bodyLimit }, (_req, body, done) => {
    done(null, body.toString('utf8'));
  });
}

/**
 * The HTTP application as `npm start` and the tests run it: security headers
 * (helmet, a Content-Security-Policy), body limits, the JSON error shape, validation, multipart uploads, sign-in (a hook on every
 * route, AccessGuard on Nest's), OpenAPI at /docs, the queue dashboard at
 * /admin/queues (administrators), the web UI at /.
 */
export async function createApiApp(config: AppConfig, options: ApiOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, options), createHttpAdapter(config), { bufferLogs: true });
  useJsonLogs(app);
  recordRoutes(app.getHttpAdapter().getInstance());
  // First, so that the time it reports covers every other hook (sign-in, guards) too.
  installServerTiming(app.getHttpAdapter().getInstance());
  // Security headers on every answer, refusals included; before the documents' and the dashboard's routes, which get their own policy.
  await installSecurityHeaders(app);
  parseJsonBodies(app, config.http.bodyLimitBytes);
  // Sign-in first: the hook runs for every route, Nest's or not (the queue dashboard, the UI's files, the documents).
  await app.register(cookie);
  installAuthHook(app, app.get(AuthService), QUEUE_BOARD_PATH);
  // Then the request guards (origin, media type): a caller without credentials gets 401 whatever it sends.
  installRequestGuards(app.getHttpAdapter().getInstance(), config.http.publicUrl);
  await app.register(multipart, {
    limits: { fileSize: config.http.uploadLimitBytes, files: 1, fields: 10, parts: 20 },
  });
  app.useGlobalFilters(new ErrorFilter(config.http.bodyLimitBytes));
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app));
  await mountQueueBoard(app, config);
  await serveWebUi(app, options.webUiDir);
  return app;
}
