import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Whether the request reached us over HTTPS: directly, or through a proxy
 * trusted by TRUST_PROXY that says so (X-Forwarded-Proto). The session
 * cookie's Secure flag and Strict-Transport-Security both follow it.
 */
export function servedOverHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/** Strict-Transport-Security, sent only on HTTPS answers (over plain HTTP a browser ignores it, and it would promise what the server cannot keep). */
export const HSTS = 'max-age=15552000; includeSubDomains';

/**
 * The web UI's policy (every route without one of its own, the API's JSON included):
 * - scripts only from the UI's own files (Vite's build has no inline script), no inline handlers;
 * - styles from its files and inline: ECharts writes its tooltips as HTML with style attributes
 *   (innerHTML, which CSP counts as inline; the browser test shows a tooltip under a policy without
 *   'unsafe-inline' and sees it refused), as may Element Plus and Vue's static subtrees;
 *   styles cannot run code, scripts stay files only;
 * - images from itself, data: (the favicon, icons in CSS) and blob: (downloads made in the page);
 *   ECharts draws on a canvas, which needs nothing;
 * - requests to the API only; frames only of its own stored pages (which carry a sandbox policy of their
 *   own); nothing frames the UI but itself; no plugins, no <base> elsewhere, forms post here only.
 */
export const UI_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'frame-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * The API documents (/docs, Swagger UI as @nestjs/swagger serves it): its page has an inline <style>, its
 * scripts are files; its icons are data: SVGs.
 */
const DOCS_CSP: Record<string, string[]> = { ...UI_CSP, 'img-src': ["'self'", 'data:'] };

/**
 * The queue dashboard (/admin/queues, bull-board): inline <style> and style attributes in its page,
 * scripts from its files, and its page links IBM Plex from Google Fonts (without Internet access the
 * fonts fall back, but the request is not a policy violation).
 */
const QUEUE_BOARD_CSP: Record<string, string[]> = {
  ...UI_CSP,
  'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
  'font-src': ["'self'", 'data:', 'https://fonts.gstatic.com'],
};

/** The policy of a route, by its URL pattern. */
function policyOf(url: string | undefined): Record<string, string[]> | null {
  if (url === undefined) return null;
  if (/^\/docs([-/]|$)/.test(url)) return DOCS_CSP;
  if (/^\/admin\/queues(\/|\*|$)/.test(url)) return QUEUE_BOARD_CSP;
  return null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The security headers of a route with a policy of its own (the documents, the queue dashboard). */
    securityHeaders?: Readonly<Record<string, string>>;
  }
}

/**
 * The headers helmet sets under a policy, worked out once: helmet's middleware
 * run against a response that only records them. Its headers depend on the
 * options alone (no nonces, nothing from the request), so every answer under
 * the policy gets the same ones.
 */
function helmetHeaders(directives: Record<string, string[]>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.freeze(headers);
}

/**
 * Security headers on every answer (helmet's): the Content-Security-Policy above (the
 * documents and the queue dashboard have their own, set per route as they are registered, so this
 * is installed before them), X-Content-Type-Options, X-Frame-Options (SAMEORIGIN), Referrer-Policy,
 * Cross-Origin-Opener/Resource-Policy and the rest of helmet's defaults, and Strict-Transport-Security
 * on HTTPS only (servedOverHttps).
 *
 * Referrer-Policy is `same-origin`, not helmet's `no-referrer`: under no-referrer a browser sends
 * `Origin: null` with the UI's own POSTs, which the request guards refuse as a foreign origin.
 * No upgrade-insecure-requests: on plain HTTP (127.0.0.1, the quick start) it would send the page's
 * requests to an HTTPS port that does not exist.
 *
 * Each policy's headers are computed by helmet once, at start, and set by one synchronous hook:
 * @fastify/helmet builds a new helmet middleware for every request (options parsed, the policy
 * serialised again) behind two async hooks, which cost a single POST more of the API's CPU than
 * the sign-in check.
 */
export async function installSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const common = helmetHeaders(UI_CSP);
  const byPolicy = new Map<Record<string, string[]>, Readonly<Record<string, string>>>();
  fastify.addHook('onRoute', (route) => {
    const directives = policyOf(route.url);
    if (!directives) return;
    if (!byPolicy.has(directives)) byPolicy.set(directives, helmetHeaders(directives));
    route.config = { ...route.config, securityHeaders: byPolicy.get(directives) };
  });
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.headers(req.routeOptions.config?.securityHeaders ?? common);
    if (servedOverHttps(req)) reply.header('strict-transport-security', HSTS);
    done();
  });
}
