import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who makes the request, from the X-Actor header (editors' names until accounts exist). */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const raw = ctx.switchToHttp().getRequest<Request>().header('x-actor');
  const name = raw?.trim().slice(0, 100);
  return name ? `editor:${name}` : 'editor:api';
});
