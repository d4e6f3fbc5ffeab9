import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const started = new WeakMap<FastifyRequest, bigint>();

/**
 * `Server-Timing: app;dur=<ms>` on every answer: how long the API took from
 * the request's arrival to its answer being sent (hooks, guards, the route and
 * its database queries). Browsers show it in their network panel and in the
 * page's Resource Timing (`serverTiming`), which is how the UI's first-load
 * test splits a call's time between the server and the wire.
 */
export function installServerTiming(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    started.set(req, process.hrtime.bigint());
    done();
  });
  fastify.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    const t0 = started.get(req);
    if (t0 !== undefined && !reply.hasHeader('server-timing')) {
      reply.header('server-timing', `app;dur=${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)}`);
    }
    done(null, payload);
  });
}
