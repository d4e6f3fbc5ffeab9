import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, findUnstorableText, unstorableText } from '@pl/domain';

/** Methods that change state: the ones a foreign page must not send with an editor's browser. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The routes that take an uploaded file (multipart/form-data); every other route takes JSON only. */
const MULTIPART_ROUTES = new Set(['/api/orgs/:org/imports', '/api/orgs/:org/imports/preview']);

/**
 * The routes that take a template, as YAML or JSON. YAML's media types are not
 * among the ones a cross-site form or simple fetch may send (text/plain,
 * form-encoded, multipart), so a foreign page still needs a CORS preflight.
 */
const YAML_ROUTES = new Set(['/api/orgs/:org/templates/:kind', '/api/regions/:region/templates/:kind']);
export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

const ACCEPTED_JSON = 'application/json';
const ACCEPTED_MULTIPART = 'multipart/form-data';


/** The origin (scheme://host[:port]) of a URL, or null when it is not one (including the literal `null` origin). */
function originOf(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Whether the request carries a body (a length above zero, or a chunked one). */
function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * The API's edge, before any body is read (an onRequest hook, so that no
 * parser, route or upload stream runs for a refused request). Installed after
 * the sign-in hook (auth-hook.ts): a caller without credentials is answered
 * 401 on every guarded route, whatever its origin or content type.
 *
 * - A state-changing request whose `Origin` (or, without one, `Referer`) is a
 *   foreign site is refused 403: a page an editor happens to open cannot make
 *   the browser write to the ledger (a form or `fetch` with a "simple"
 *   content type needs no CORS preflight). The API's own origin (the Host the
 *   request was sent to, which is what the web UI served at / uses) and
 *   PUBLIC_URL are not foreign. A request with neither header — scripts, the
 *   CLI, curl, the tests — passes: browsers always send Origin on a
 *   cross-site POST. Cookie sessions get their own CSRF token on top.
 * - Bodies are JSON, except multipart uploads on the import routes and YAML
 *   on the template routes (PUT …/templates/:kind): any other
 *   media type (a form-encoded or text/plain body, or multipart elsewhere) is
 *   answered 415 naming the types the route accepts. Fastify would otherwise
 *   hand text/plain bodies to the routes as strings.
 */
export function installRequestGuards(fastify: FastifyInstance, publicUrl: string | undefined): void {
  const publicOrigin = publicUrl ? originOf(publicUrl) : null;
  // A refusal goes to the error filter (done(error)), which answers it as every other error.
  fastify.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    if (STATE_CHANGING.has(req.method)) {
      const origin = req.headers.origin;
      const referer = req.headers.referer;
      const claimed = origin !== undefined ? origin : referer;
      if (claimed !== undefined) {
        const header = origin !== undefined ? 'origin' : 'referer';
        const url = originOf(claimed);
        const own = url !== null && (url.host === req.headers.host || (publicOrigin !== null && url.origin === publicOrigin.origin));
        if (!own) {
          return done(
            new DomainError(
              'HTTP_FOREIGN_ORIGIN',
              'forbidden',
              `Cross-site request refused: ${header} ${JSON.stringify(claimed)} is not this API's origin`,
              [{ field: header, message: `${header} must be this API's own origin${publicOrigin ? ` or ${publicOrigin.origin}` : ''} (or be absent)` }],
              '跨站请求被拒绝：请求来源不是本系统',
            ),
          );
        }
      }
    }
    const type = req.headers['content-type'];
    if (type !== undefined && hasBody(req)) {
      const media = type.split(';')[0].trim().toLowerCase();
      const route = req.routeOptions.url ?? '';
      const multipartRoute = MULTIPART_ROUTES.has(route);
      const yamlRoute = YAML_ROUTES.has(route);
      const accepted = multipartRoute ? ACCEPTED_MULTIPART : yamlRoute ? `${ACCEPTED_JSON} or ${YAML_MEDIA_TYPES[0]}` : ACCEPTED_JSON;
      const ok = multipartRoute ? media === ACCEPTED_MULTIPART : media === ACCEPTED_JSON || (yamlRoute && YAML_MEDIA_TYPES.includes(media));
      if (!ok) {
        return done(
          new DomainError(
            'HTTP_UNSUPPORTED_MEDIA_TYPE',
            'unsupported-media-type',
            `Unsupported media type ${JSON.stringify(media)}: this route accepts ${accepted}`,
            [{ field: 'content-type', message: `content-type must be ${accepted}${multipartRoute ? '' : ` (${ACCEPTED_MULTIPART} only for imports)`}` }],
            `不支持的请求内容类型 ${media}`,
          ),
        );
      }
    }
    done();
  });

  // Text that can never be stored (NUL and the other controls, lone surrogates) is refused here,
  // naming where it was, in whatever reaches the database: the body, the query, the path and the
  // actor header. Without this a NUL passed the routes that check nothing and failed in
  // PostgreSQL (a 500, or a queued job that could never be written).
  fastify.addHook('preValidation', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const found =
      findUnstorableText(req.params) ??
      findUnstorableText(req.query) ??
      actorProblem(req.headers['x-actor']) ??
      (req.body === undefined ? null : findUnstorableText(req.body));
    if (found) {
      return done(
        DomainError.invalid('HTTP_UNSTORABLE_TEXT', [{ field: found.field, message: `${found.field} ${found.problem}` }], `Invalid ${found.field}: ${found.field} ${found.problem}`, `${found.field} 含有无法保存的字符`),
      );
    }
    done();
  });
}

/** The X-Actor header as the Actor decorator reads it (percent-decoded), when it cannot be stored. */
function actorProblem(header: string | string[] | undefined): { field: string; problem: string } | null {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return null;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not percent-encoded: read as sent
  }
  const problem = unstorableText(decoded);
  return problem ? { field: 'x-actor', problem } : null;
}

/** How deep a JSON body may nest: the deepest real body (a budget, a profile) is 4 levels. */
export const JSON_MAX_DEPTH = 64;

/**
 * How deep the arrays and objects of a JSON text nest, read from the text
 * without recursion: checked before the body is walked (the checks of keys and
 * text recurse), where 10,000 levels overflowed the stack into a 500.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** A 400 for a body nested deeper than JSON_MAX_DEPTH. */
export function tooDeep(depth: number): DomainError {
  const message = `body must not nest more than ${JSON_MAX_DEPTH} levels of arrays and objects (it nests ${depth})`;
  return DomainError.invalid('HTTP_BODY_TOO_DEEP', [{ field: 'body', message }], `Request body refused: ${message}`, `请求体嵌套超过 ${JSON_MAX_DEPTH} 层`);
}

/** A 400 for a body key that could reach an object's prototype, naming where it was. */
export function forbiddenKey(key: '__proto__' | 'constructor', path: string = key): DomainError {
  const message = `keys named __proto__ or constructor are not accepted (found ${JSON.stringify(path)})`;
  return DomainError.invalid('HTTP_FORBIDDEN_KEY', [{ field: path, message }], `Request body refused: ${message}`, `请求体中不能有名为 ${key} 的键`);
}

/** Where in a parsed body a `constructor` key is (a dotted path), or null. */
export function forbiddenKeyPath(value: unknown, at: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const here = at ? `${at}.${key}` : key;
    if (key === 'constructor' || key === '__proto__') return here;
    const found = forbiddenKeyPath(child, here);
    if (found !== null) return found;
  }
  return null;
}
