import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Who makes the request, as events record it: the signed-in user
 * (`user:<username>`) or the API token (`token:<name>`), from the
 * credentials the auth hook checked. An X-Actor header is ignored.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('@Actor() on a route without a signed-in caller');
  return principal.actor;
});
