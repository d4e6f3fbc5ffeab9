import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { QueueUnavailableError } from '@pl/jobs';

/**
 * One JSON error shape for every failure: {statusCode, error, message,
 * errors: [{field, message}]}. Body errors from Fastify's parsers (too large,
 * bad or empty JSON, a media type the route does not take) and an unreachable
 * queue are mapped here; anything unexpected is a logged 500.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly bodyLimitBytes: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.toBody(exception);
    if (status >= 500 && !(exception instanceof QueueUnavailableError)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (!res.sent) res.status(status).send(body);
  }

  private toBody(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof QueueUnavailableError) {
      return this.body(
        HttpStatus.SERVICE_UNAVAILABLE,
        `The ${exception.queue} queue (Redis) is unavailable: nothing was recorded. Try again shortly.`,
        [{ field: 'queue', message: exception.message }],
      );
    }
    const e = exception as { status?: number; statusCode?: number; code?: string };
    const status = exception instanceof HttpException ? exception.getStatus() : 0;
    const r = exception instanceof HttpException ? exception.getResponse() : null;
    // Ours (LedgerError, validation) already name their fields.
    if (typeof r === 'object' && r && 'errors' in r) return { status, body: r as Record<string, unknown> };
    // Fastify's own errors reach here as HttpException(message, statusCode): a bare string.
    const fastifyMessage = typeof r === 'string' ? r : '';
    if (status === HttpStatus.PAYLOAD_TOO_LARGE && /body/i.test(fastifyMessage)) {
      const mb = (this.bodyLimitBytes / 1024 / 1024).toFixed(0);
      return this.body(HttpStatus.PAYLOAD_TOO_LARGE, `Request body exceeds the ${mb} MB limit`, [
        { field: 'body', message: `body must be at most ${this.bodyLimitBytes} bytes` },
      ]);
    }
    if (status === HttpStatus.BAD_REQUEST && /JSON|cannot be empty|prototype/.test(fastifyMessage)) {
      const empty = /cannot be empty/.test(fastifyMessage);
      return this.body(HttpStatus.BAD_REQUEST, empty ? 'Request body is empty' : 'Request body is not valid JSON', [
        { field: 'body', message: empty ? 'body must be a JSON object, not empty' : 'body must be valid JSON' },
      ]);
    }
    if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
      return this.body(status, 'Unsupported media type', [
        { field: 'content-type', message: 'content-type must be application/json (multipart/form-data for imports)' },
      ]);
    }
    if (exception instanceof HttpException) {
      const message =
        typeof r === 'string' ? r : Array.isArray((r as { message?: unknown }).message) ? ((r as { message: string[] }).message.join('; ')) : String((r as { message?: unknown }).message ?? exception.message);
      const field = /file/i.test(message) ? 'file' : 'request';
      return this.body(status, message, status >= 500 ? [] : [{ field, message }]);
    }
    // Errors of Fastify's plugins carry statusCode (multipart's: code FST_*FILE*/FST_*MULTIPART* and friends).
    const plain = e?.status ?? e?.statusCode;
    if (typeof plain === 'number' && plain >= 400 && plain < 500) {
      const field = /FILE|MULTIPART|PARTS/.test(e.code ?? '') ? 'file' : 'body';
      return this.body(plain, (exception as Error).message, [{ field, message: (exception as Error).message }]);
    }
    return this.body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', []);
  }

  private body(status: number, message: string, errors: { field: string; message: string }[]) {
    return { status, body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, errors } };
  }
}
