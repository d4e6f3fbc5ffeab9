import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { QueueUnavailableError } from '../../../../libs/queue/src';

/**
 * One JSON error shape for every failure: {statusCode, error, message,
 * errors: [{field, message}]}. Body-parser errors (too large, bad JSON) and
 * an unreachable queue are mapped here; anything unexpected is a logged 500.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly bodyLimitBytes: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toBody(exception);
    if (status >= 500 && !(exception instanceof QueueUnavailableError)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (!res.headersSent) res.status(status).json(body);
  }

  private toBody(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof QueueUnavailableError) {
      return this.body(
        HttpStatus.SERVICE_UNAVAILABLE,
        'The ingestion queue (Redis) is unavailable: nothing was recorded. Try again shortly.',
        [{ field: 'queue', message: exception.message }],
      );
    }
    const e = exception as { type?: string; status?: number; statusCode?: number };
    if (e?.type === 'entity.too.large') {
      const mb = (this.bodyLimitBytes / 1024 / 1024).toFixed(0);
      return this.body(HttpStatus.PAYLOAD_TOO_LARGE, `Request body exceeds the ${mb} MB limit`, [
        { field: 'body', message: `body must be at most ${this.bodyLimitBytes} bytes` },
      ]);
    }
    if (e?.type === 'entity.parse.failed') {
      return this.body(HttpStatus.BAD_REQUEST, 'Request body is not valid JSON', [
        { field: 'body', message: 'body must be valid JSON' },
      ]);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      if (typeof r === 'object' && r && 'errors' in r) return { status, body: r as Record<string, unknown> };
      const message =
        typeof r === 'string' ? r : Array.isArray((r as { message?: unknown }).message) ? ((r as { message: string[] }).message.join('; ')) : String((r as { message?: unknown }).message ?? exception.message);
      // Multer's "File too large" and friends concern the uploaded file.
      const field = /JSON/.test(message) ? 'body' : status === HttpStatus.PAYLOAD_TOO_LARGE || /file/i.test(message) ? 'file' : 'request';
      return this.body(status, message, status >= 500 ? [] : [{ field, message }]);
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      return this.body(e.status, (exception as Error).message, [{ field: 'body', message: (exception as Error).message }]);
    }
    return this.body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', []);
  }

  private body(status: number, message: string, errors: { field: string; message: string }[]) {
    return { status, body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, errors } };
  }
}
