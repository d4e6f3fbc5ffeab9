import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Principal } from '@pl/accounts';
import { ROUTE_ACCESS } from './access';
import { AuthService } from './auth.service';

/** Methods that change nothing: no CSRF token needed. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/** The API's JSON error shape, sent from the hook (before Nest). */
export function refuse(reply: FastifyReply, status: 401 | 403, field: string, message: string): FastifyReply {
  return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status], message, errors: [{ field, message }] });
}

/**
 * The first check of every request, on Fastify itself, so that routes
 * registered outside Nest (the queue dashboard, the UI's files, the API
 * documents) pass it too:
 * - a route marked public (`@Public()`, or `config.access = 'public'` on a
 *   Fastify route) passes as it is;
 * - anything else needs a valid session cookie or Bearer token (401), and a
 *   cookie session's state-changing request its CSRF token (403);
 * - /admin/… (the queue dashboard) needs an administrator (403).
 * What a signed-in caller may do on a Nest route is then AccessGuard's.
 */
export function installAuthHook(app: NestFastifyApplication, auth: AuthService, adminPrefix: string): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest('principal', null);
  /** What the caller may do here, once its principal is known; calls done() when it may go on. */
  const admit = (req: FastifyRequest, reply: FastifyReply, principal: Principal | null, adminOnly: boolean, done: (err?: Error) => void): void => {
    if (!principal) {
      refuse(reply, 401, 'authorization', 'Sign in first: a session cookie or an Authorization: Bearer token is required');
      return;
    }
    req.principal = principal;
    if (principal.kind === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (sent !== principal.csrfToken) {
        refuse(reply, 403, CSRF_HEADER, `A signed-in browser's ${req.method} needs the session's CSRF token in the X-CSRF-Token header`);
        return;
      }
    }
    if (adminOnly && !principal.admin) {
      refuse(reply, 403, 'role', 'Administrators only');
      return;
    }
    done();
  };
  // A callback hook: a caller whose credentials were checked moments ago (AuthService keeps them) goes
  // through without a promise; only a credential to read from the database waits for it.
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const route = req.routeOptions;
    const url = route.url;
    const access = route.config?.[ROUTE_ACCESS] ?? (url && /^\/docs([-/]|$)/.test(url) ? 'public' : undefined);
    if (access === 'public') return done();
    // By the route's pattern, not the request's URL: bull-board's wildcard is `/admin/queues*`.
    const adminOnly = access === 'admin' || !!url?.startsWith(adminPrefix);
    const known = auth.known(req);
    if (known !== undefined) return admit(req, reply, known, adminOnly, done);
    auth.authenticate(req).then(
      (principal) => admit(req, reply, principal, adminOnly, done),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  });
}
