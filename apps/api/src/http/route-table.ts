import type { FastifyInstance } from 'fastify';

const tables = new WeakMap<object, { method: string; url: string }[]>();

/**
 * Keeps every route Fastify registers, Nest's and those registered on Fastify
 * directly, as Fastify's onRoute hook reports them (full URL, methods), so
 * that the isolation test checks each one. Installed first, before any route.
 */
export function recordRoutes(fastify: FastifyInstance): void {
  const table: { method: string; url: string }[] = [];
  tables.set(fastify, table);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push({ method: String(method), url: route.url });
  });
}

/** The routes recorded on this Fastify instance (see recordRoutes). */
export function routeTable(fastify: object): { method: string; url: string }[] {
  return [...(tables.get(fastify) ?? [])];
}
