import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { ACCESS, Access } from '../auth/access';
import { SESSION_COOKIE } from '../auth/auth.service';
import { jsonSchemaOf } from './zod-api';

/** The one JSON error body (error.filter.ts), as documented: a shared component every 4xx and 5xx refers to. */
export const errorBodySchema = z
  .looseObject({
    statusCode: z.number().int().meta({ example: 400 }),
    error: z.string().meta({ example: 'Bad Request' }),
    code: z.string().meta({ description: 'Stable code of the case, e.g. REQUEST_INVALID, LEDGER_DUPLICATE_KEY', example: 'REQUEST_INVALID' }),
    message: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).meta({ description: 'The fields at fault' }),
  })
  .meta({ description: 'Every error: the status, a stable code, a message and the fields at fault; some codes add details (e.g. duplicateOf).' });

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

/** The errors every route may answer, and those of signed-in routes. */
const COMMON_ERRORS: Record<string, string> = {
  '400': 'Bad input: `errors` names each field at fault',
  '404': 'Not found (or not visible to the caller)',
  '500': 'Internal error (nothing of the cause is said)',
};
const GUARDED_ERRORS: Record<string, string> = {
  '401': 'Not signed in',
  '403': 'Signed in without the role this needs',
};

type Operation = { responses: Record<string, { description: string; content?: unknown }>; operationId?: string; security?: unknown };

/**
 * The OpenAPI document of the API, generated from the controllers: Nest's
 * routes, the zod schemas of their parameters and bodies and answers
 * (zod-api.ts), and the error body as one component referenced by every
 * error response. Served at /docs-json and written by `npm run openapi:client`.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Placement Ledger')
      .setDescription('上稿台账: placements by outlet tier, fed through a queue, turned into reports.')
      .setVersion('0.1.0')
      .addCookieAuth(SESSION_COOKIE)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API token', description: 'An API token (tokens add, POST /api/tokens)' })
      .addSecurityRequirements('cookie')
      .addSecurityRequirements('bearer')
      .build(),
  );
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ErrorBody: jsonSchemaOf(errorBodySchema, 'output') } };
  const publicOps = new Set(publicOperationIds(app));
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as Operation[]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const guarded = !publicOps.has(op.operationId ?? '');
      for (const [status, description] of Object.entries({ ...COMMON_ERRORS, ...(guarded ? GUARDED_ERRORS : {}) })) {
        op.responses[status] ??= { description, content: { 'application/json': { schema: ERROR_REF } } };
      }
      if (!guarded) op.security = [];
    }
  }
  return document;
}

/** Operation ids (Controller_method) of the routes marked @Public(). */
function publicOperationIds(app: INestApplication): string[] {
  const ids: string[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const fn = (type.prototype as Record<string, unknown>)[name];
        if (typeof fn !== 'function') continue;
        const access = (Reflect.getMetadata(ACCESS, fn) ?? Reflect.getMetadata(ACCESS, type)) as Access | undefined;
        if (access?.kind === 'public') ids.push(`${type.name}_${name}`);
      }
    }
  }
  return ids;
}
