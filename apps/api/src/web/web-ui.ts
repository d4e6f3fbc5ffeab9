import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@pl/config';

/** Paths that belong to the API, its documents and its dashboard: never answered with the UI's page. */
const SERVER_PATHS = /^\/(api|docs|docs-json|health|admin\/queues)(\/|$|\?)/;
/** A file name (the UI's own routes have none): a missing asset is a 404, not the page. */
const FILE_PATH = /^(?!\/index\.html(\?|$))[^?]*\/[^/?]*\.[A-Za-z0-9]+(\?|$)/;

/** Where `npm run build` puts the UI (vite, apps/web → dist/web). */
export function webUiDir(): string {
  return path.join(repoRoot(), 'dist', 'web');
}

/**
 * Serves the editors' web UI from the API's port: the built files as they
 * are (hashed assets cached for a year, brotli or gzip when the build
 * compressed them and the browser accepts it), and index.html for every other GET
 * that is not the API's (the UI routes in the browser, so /ledger or
 * /entry?id=5 opened directly must load it too). Without a built UI, `/`
 * says how to build it.
 */
export async function serveWebUi(app: NestFastifyApplication, root: string = webUiDir()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const indexFile = path.join(root, 'index.html');
  const built = existsSync(indexFile);
  // The UI's files are public (the sign-in page is one of them): the auth hook lets routes marked so through.
  const isPublic = { config: { access: 'public' as const } };
  if (built) {
    await fastify.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: 'public' };
      });
      await scope.register(fastifyStatic, {
      root,
      prefix: '/',
      // Routes for the files present at start (a build replaces the folder and restarts the server).
      wildcard: false,
      index: false,
      // Swagger's own registration decorates nothing either; index.html is sent from memory below.
      decorateReply: false,
      maxAge: '365d',
      immutable: true,
      // The build writes a brotli and a gzip copy of each script and style sheet (vite.config.mts):
      // sent with their Content-Encoding to a browser that accepts them, never as files of their own.
      preCompressed: true,
      // index.html is never cached: it is sent by the route below.
      globIgnore: ['index.html', '**/*.br', '**/*.gz'],
      });
    });
  }
  const page = built
    ? readFileSync(indexFile)
    : Buffer.from(
        '<!doctype html><meta charset="utf-8"><title>上稿台账</title><p>网页界面尚未构建：请运行 <code>npm run build</code> 后重启服务。接口文档见 <a href="/docs">/docs</a>。</p>',
      );
  const sendPage = (req: FastifyRequest, reply: FastifyReply) => {
    if (SERVER_PATHS.test(req.url) || FILE_PATH.test(req.url)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
  };
  fastify.get('/', isPublic, sendPage);
  fastify.get('/*', isPublic, sendPage);
}
