import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Who makes the request, from the X-Actor header (editors' names until
 * accounts exist). Headers carry only Latin-1, so names are percent-encoded.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers['x-actor'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? '';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not percent-encoded: keep as sent
  }
  const name = decoded.trim().slice(0, 90);
  return name ? `editor:${name}` : 'editor:api';
});
