import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { foldLineBreaks } from '@pl/domain';

/**
 * Who makes the request, from the X-Actor header (editors' names until
 * accounts exist). Headers carry only Latin-1, so names are percent-encoded.
 * One line (tabs and line breaks fold to a space); what cannot be stored was
 * refused with a 400 by the request guards before any route ran.
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
  // By code points: cutting by UTF-16 units could leave half of a surrogate pair.
  const name = Array.from(foldLineBreaks(decoded).trim()).slice(0, 90).join('');
  return name ? `editor:${name}` : 'editor:api';
});
