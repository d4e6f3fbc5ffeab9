import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request arrived (Server-Timing). */
    receivedAt: number;
  }
}

/**
 * `Server-Timing: app;dur=<ms>` on every answer: how long the API took from
 * the request's arrival to its answer being sent (hooks, guards, the route and
 * its database queries). Browsers show it in their network panel and in the
 * page's Resource Timing (`serverTiming`), which is how the UI's first-load
 * test splits a call's time between the server and the wire.
 * The arrival time is a number on the request (decorated, so every request has
 * the same shape), not a WeakMap entry and a BigInt per request (issue 14).
 */
export function installServerTiming(fastify: FastifyInstance): void {
  fastify.decorateRequest('receivedAt', 0);
  fastify.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    req.receivedAt = performance.now();
    done();
  });
  fastify.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    if (req.receivedAt !== 0 && !reply.hasHeader('server-timing')) {
      reply.header('server-timing', `app;dur=${(performance.now() - req.receivedAt).toFixed(1)}`);
    }
    done(null, payload);
  });
}
