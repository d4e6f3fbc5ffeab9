import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError, ErrorKind, FieldError } from '@pl/domain';

/** The status of each kind of domain error: the only place a library's error becomes HTTP. */
const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-media-type': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Codes of errors raised by the HTTP layer itself (Nest, Fastify and its plugins), by status. */
const HTTP_CODES: Record<number, string> = {
  400: 'HTTP_BAD_REQUEST',
  401: 'HTTP_UNAUTHENTICATED',
  403: 'HTTP_FORBIDDEN',
  404: 'HTTP_NOT_FOUND',
  405: 'HTTP_METHOD_NOT_ALLOWED',
  406: 'HTTP_NOT_ACCEPTABLE',
  413: 'HTTP_BODY_TOO_LARGE',
  415: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
  429: 'HTTP_TOO_MANY_REQUESTS',
};

/** @fastify/multipart's errors (thrown while a controller reads the upload): they are about the uploaded file. */
const MULTIPART_CODES = new Set([
  'FST_REQ_FILE_TOO_LARGE',
  'FST_PARTS_LIMIT',
  'FST_FILES_LIMIT',
  'FST_FIELDS_LIMIT',
  'FST_PROTO_VIOLATION',
  'FST_INVALID_MULTIPART_CONTENT_TYPE',
  'FST_INVALID_JSON_FIELD_ERROR',
  'FST_FILE_BUFFER_NOT_FOUND',
  'FST_NO_FORM_DATA',
]);

/** The one JSON error body of the API (documented as `ErrorBody` in the OpenAPI document). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  errors: FieldError[];
}

/**
 * The one HTTP mapper: every failure becomes a status and the body
 * {statusCode, error, code, message, errors: [{field, message}]}.
 * - A DomainError (libraries and controllers) by its kind; its code, message and fields as they are.
 * - An HttpException of Nest or Fastify (unknown route, body over the limit, a media
 *   type no parser takes) by its status; bad JSON comes as a DomainError from our parser.
 * - An error of a Fastify plugin with a 4xx statusCode (multipart limits) by that status and its code.
 * - Anything else: a logged 500 that says nothing of the cause.
 * It decides by class, kind, status and code, never by the message text.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly bodyLimitBytes: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500 && !(exception instanceof DomainError)) {
      // The request id (Fastify's) ties the line to the request, whether or not LOG_REQUESTS logs requests.
      const req = host.switchToHttp().getRequest<FastifyRequest>();
      const cause = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`request ${req.id} (${req.method} ${req.url}) failed: ${cause}`);
    }
    if (!res.sent) res.status(body.statusCode).send(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return { ...exception.details, ...body(STATUS_OF_KIND[exception.kind], exception.code, exception.message, exception.errors) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
        // Fastify's FST_ERR_CTP_BODY_TOO_LARGE (uploads over their own limit are a DomainError of the import).
        const mb = (this.bodyLimitBytes / 1024 / 1024).toFixed(0);
        return body(status, HTTP_CODES[status], `Request body exceeds the ${mb} MB limit`, [
          { field: 'body', message: `body must be at most ${this.bodyLimitBytes} bytes` },
        ]);
      }
      if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
        return body(status, HTTP_CODES[status], 'Unsupported media type', [
          { field: 'content-type', message: 'content-type must be application/json (multipart/form-data for imports)' },
        ]);
      }
      const r = exception.getResponse();
      const m = typeof r === 'string' ? r : (r as { message?: unknown }).message;
      const message = Array.isArray(m) ? m.join('; ') : String(m ?? exception.message);
      const code = HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : `HTTP_${status}`);
      return body(status, code, message, status >= 500 ? [] : [{ field: 'request', message }]);
    }
    const e = exception as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
    if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      const upload = typeof e.code === 'string' && MULTIPART_CODES.has(e.code);
      const message = String(e.message);
      return body(e.statusCode, upload ? 'UPLOAD_REFUSED' : (HTTP_CODES[e.statusCode] ?? `HTTP_${e.statusCode}`), message, [
        { field: upload ? 'file' : 'body', message },
      ]);
    }
    return body(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR', 'Internal server error', []);
  }
}

function body(status: number, code: string, message: string, errors: FieldError[]): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message, errors };
}
