import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The one way the UI talks to the API: openapi-fetch typed by the paths of
 * the API's OpenAPI document (schema.d.ts is generated from /docs-json with
 * openapi-typescript; regenerate it when the API changes). Every request goes
 * through this client, so a header every write needs (CSRF) is one line in
 * `requestHeaders` below.
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

/** The CSRF token of the session, when the API hands one out (see session.ts). */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Headers added to every request. */
function requestHeaders(request: Request): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const csrf = csrfToken ?? readCookie('csrf-token');
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  return headers;
}

function readCookie(name: string): string | null {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : null;
}

/** Signed out (401): the session module sends the user to the sign-in page. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const middleware: Middleware = {
  onRequest({ request }) {
    for (const [k, v] of Object.entries(requestHeaders(request))) {
      if (!request.headers.has(k)) request.headers.set(k, v);
    }
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/')) onUnauthorized();
    return response;
  },
};
api.use(middleware);

/** One problem with one field, as the API names it (`field` is a dotted path, e.g. `basic.total`). */
export interface FieldProblem {
  field: string;
  message: string;
  code?: string;
}

/** A failed call: the HTTP status and the API's `{message, errors}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldProblem[],
    readonly code?: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  message?: unknown;
  code?: unknown;
  errors?: unknown;
}

/** The API's error body as an ApiError (anything else: a generic one with the status). */
export function toApiError(status: number, body: unknown): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as ErrorBody;
  const errors = Array.isArray(b.errors)
    ? b.errors
        .filter((e): e is FieldProblem => !!e && typeof e === 'object' && typeof (e as FieldProblem).field === 'string')
        .map((e) => ({ field: e.field, message: String(e.message ?? ''), code: typeof e.code === 'string' ? e.code : undefined }))
    : [];
  return new ApiError(status, typeof b.message === 'string' ? b.message : `HTTP ${status}`, errors, typeof b.code === 'string' ? b.code : undefined);
}

/**
 * Awaits an openapi-fetch call and returns its body, or throws an ApiError.
 * `T` is the body's type where the OpenAPI document does not describe it yet
 * (views.ts); a network failure is an ApiError with status 0.
 */
export async function call<T>(pending: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: unknown; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch (err) {
    throw new ApiError(0, err instanceof Error ? err.message : String(err), []);
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}

/**
 * A URL of the API for the browser to open or download (reports, templates,
 * stored pages): same origin, so the session cookie goes with it.
 */
export function apiUrl(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A multipart upload through the same client (the import). */
export function formData(fields: Record<string, Blob | string>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}
