import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiParam, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseOr400 } from './validation';

/**
 * One schema per input, and it is the OpenAPI. Each decorator below takes a
 * zod schema, validates the request's part with it (a 400 naming every bad
 * field, as parseOr400 answers) and registers the same schema, as JSON
 * Schema, in the OpenAPI document. Nest's own @Body, @Query and @Param are
 * not used by controllers (eslint forbids them in apps/api; the OpenAPI test
 * fails on a handler using one), so what a route accepts is what the
 * document says.
 */

/** What a handler's decorators declared, read by the OpenAPI test. */
export interface ZodRouteMeta {
  /** The query parameters it accepts (its @ZodQuery schema's keys). */
  query?: string[];
  /** Its path parameters (each @ZodParam). */
  params: string[];
  /** It reads a body (@ZodBody) or declares none (@NoBody). */
  body?: 'schema' | 'none';
}

export const ZOD_ROUTE = 'pl:zod-route';

/** JSON Schema (OpenAPI 3.0 dialect) of what a zod schema accepts (`input`) or gives (`output`). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  // An answer's schema names the fields it promises; zod marks output objects closed, which an answer's extra fields would contradict.
  return io === 'output' ? open(json) : json;
}

function open(node: unknown): Record<string, unknown> {
  if (Array.isArray(node)) return node.map(open) as unknown as Record<string, unknown>;
  if (node === null || typeof node !== 'object') return node as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k, v]) => !(k === 'additionalProperties' && v === false))
      .map(([k, v]) => [k, open(v)]),
  );
}

function meta(target: object, key: string | symbol | undefined): { fn: object; meta: ZodRouteMeta; descriptor: PropertyDescriptor } {
  const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
  const fn = descriptor.value as object;
  const m = (Reflect.getMetadata(ZOD_ROUTE, fn) as ZodRouteMeta | undefined) ?? { params: [] };
  Reflect.defineMetadata(ZOD_ROUTE, m, fn);
  return { fn, meta: m, descriptor };
}

interface BodyOptions {
  /**
   * `false`: the route's service validates the body with this very schema (or,
   * for POST …/placements, with its fast path, checked against it): the
   * decorator only documents it, and the handler receives the body as sent.
   */
  validate?: boolean;
  /** The body may be left out (no body, an empty one or null read as `{}`). */
  optional?: boolean;
  description?: string;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

const bodyOf = createParamDecorator((opts: { schema: z.ZodType; validate: boolean; optional: boolean }, ctx: ExecutionContext) => {
  const body: unknown = ctx.switchToHttp().getRequest<FastifyRequest>().body;
  if (!opts.validate) return body;
  return parseOr400(opts.schema, opts.optional ? (body ?? {}) : body);
});

/** The request body: validated with `schema` (see BodyOptions.validate) and documented as its JSON Schema. */
export function ZodBody(schema: z.ZodType, options: BodyOptions = {}): ParameterDecorator {
  return (target, key, index) => {
    bodyOf({ schema, validate: options.validate ?? true, optional: options.optional ?? false })(target, key, index);
    const { meta: m, descriptor } = meta(target, key);
    m.body = 'schema';
    ApiBody({ schema: jsonSchemaOf(schema), required: !options.optional, description: options.description, examples: options.examples })(target, key!, descriptor);
  };
}

/** A POST that reads no body (what is sent is ignored): said so, for the OpenAPI test. */
export function NoBody(): MethodDecorator {
  return (target, key) => {
    meta(target, key).meta.body = 'none';
  };
}

// The schema travels wrapped: Nest takes a decorator's data with a `transform` method (as zod schemas have) for a pipe.
const queryOf = createParamDecorator(({ schema }: { schema: z.ZodType }, ctx: ExecutionContext) =>
  parseOr400(schema, ctx.switchToHttp().getRequest<FastifyRequest>().query),
);

/** The query string: validated with an object schema, each of its keys documented as a query parameter. */
export function ZodQuery<S extends z.ZodObject>(schema: S): ParameterDecorator {
  return (target, key, index) => {
    queryOf({ schema })(target, key, index);
    const { meta: m, descriptor } = meta(target, key);
    m.query = Object.keys(schema.shape);
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const { description, ...json } = jsonSchemaOf(field);
      ApiQuery({ name, required: !field.safeParse(undefined).success, schema: json, description: description as string | undefined })(target, key!, descriptor);
    }
  };
}

const paramOf = createParamDecorator((opts: { name: string; schema: z.ZodType }, ctx: ExecutionContext) =>
  parseOr400(opts.schema, (ctx.switchToHttp().getRequest<FastifyRequest>().params as Record<string, string>)[opts.name], opts.name),
);

/** A path parameter: validated with `schema` (its errors name the parameter) and documented. */
export function ZodParam(name: string, schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    paramOf({ name, schema })(target, key, index);
    const { meta: m, descriptor } = meta(target, key);
    m.params.push(name);
    const { description, ...json } = jsonSchemaOf(schema);
    ApiParam({ name, required: true, schema: json, description: description as string | undefined })(target, key!, descriptor);
  };
}

/** A JSON answer of the route, documented from the zod schema of what it gives. */
export function ZodResponse(status: number, schema: z.ZodType, description = ''): MethodDecorator {
  return (target, key, descriptor) => {
    ApiResponse({ status, description, content: { 'application/json': { schema: jsonSchemaOf(schema, 'output') } } })(target, key, descriptor);
  };
}

/** An answer that is a file (a report, a template's text, an evidence page), in one of these media types. */
export function FileResponse(status: number, mediaTypes: string[], description = ''): MethodDecorator {
  return (target, key, descriptor) => {
    ApiProduces(...mediaTypes)(target, key, descriptor);
    ApiResponse({
      status,
      description,
      content: Object.fromEntries(mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
    })(target, key, descriptor);
  };
}

/** An answer without a body (204). */
export function EmptyResponse(status = 204, description = 'No content'): MethodDecorator {
  return ApiResponse({ status, description });
}

/** A multipart upload of one file in `field` (the ledger imports). */
export function FileUpload(field: string, description: string): MethodDecorator {
  return (target, key, descriptor) => {
    ApiConsumes('multipart/form-data')(target, key, descriptor);
    ApiBody({ description, schema: { type: 'object', required: [field], properties: { [field]: { type: 'string', format: 'binary' } } } })(target, key, descriptor);
    meta(target, key).meta.body = 'schema';
  };
}
