import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { routeTable } from '../../apps/api/src/http/route-table';
import { errorBodySchema } from '../../apps/api/src/http/openapi';
import {
  authorRanking,
  channelView,
  crawlSourceView,
  health,
  ingestionReceipt,
  ingestionView,
  meView,
  organization,
  placementDetail,
  placementPage,
  previewAnswer,
  summary,
  templateList,
  userView,
} from '../../apps/api/src/http/responses';
import { ZOD_ROUTE, ZodRouteMeta } from '../../apps/api/src/http/zod-api';
import { z } from 'zod';
import { indicatorTemplateSchema } from '@pl/reporting';
import { previewOpenApiDocument } from '../../scripts/openapi-client';
import { startApi, TestApi, waitForIngestion } from '../support/harness';

/**
 * The OpenAPI document against what the API really serves: every route
 * Fastify registered for Nest's controllers is documented, with exactly the
 * path and query parameters its handler validates (the zod schemas of its
 * @ZodParam and @ZodQuery), a request body when it takes one, a 2xx answer,
 * and every error answer as the shared ErrorBody. A handler that reads its
 * input past the zod decorators (Nest's @Body, @Query, @Param) fails here.
 */

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

/**
 * The API's routes: /api/… and /health. The rest of Fastify's table is registered on Fastify
 * directly (the queue dashboard, the documents, the UI's files), covered by their own tests;
 * a Nest route elsewhere would still fail the comparison with the handlers below.
 */
const API_ROUTE = /^\/(api|health)(\/|$)/;


interface Handler {
  key: string;
  method: string;
  path: string;
  operationId: string;
  meta: ZodRouteMeta;
  rawArgs: string[];
}

/** Every handler of every controller: its route, what its zod decorators declared, and any of Nest's own input decorators. */
function handlers(api: TestApi): Handler[] {
  const out: Handler[] = [];
  for (const module of api.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const fn = (type.prototype as Record<string, unknown>)[name];
        if (typeof fn !== 'function' || name === 'constructor' || Reflect.getMetadata(PATH_METADATA, fn) === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, fn));
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
        const full = `/${[base, sub].map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {}) as Record<string, unknown>;
        const raw = Object.keys(args)
          .map((k) => Number(k.split(':')[0]))
          .filter((t) => [RouteParamtypes.BODY, RouteParamtypes.QUERY, RouteParamtypes.PARAM].includes(t))
          .map((t) => RouteParamtypes[t]);
        out.push({
          key: `${method} ${full}`,
          method,
          path: full,
          operationId: `${type.name}_${name}`,
          meta: (Reflect.getMetadata(ZOD_ROUTE, fn) as ZodRouteMeta | undefined) ?? { params: [] },
          rawArgs: raw,
        });
      }
    }
  }
  return out;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('the OpenAPI document describes every route the API serves', () => {
  let api: TestApi;
  let doc: Doc;
  let routes: string[];
  let all: Handler[];
  const operation = (h: Handler): Operation | undefined => doc.paths[h.path.replace(/:(\w+)/g, '{$1}')]?.[h.method.toLowerCase()];

  beforeAll(async () => {
    api = await startApi();
    doc = (await api.anonymous().get('/docs-json').expect(200)).body as Doc;
    routes = routeTable(api.app.getHttpAdapter().getInstance())
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && API_ROUTE.test(r.url))
      .map((r) => `${r.method} ${r.url}`);
    all = handlers(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists every route Fastify registered for Nest, and only those', () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(routes).toEqual(expect.arrayContaining(['GET /health', 'POST /api/orgs/:org/placements', 'GET /api/orgs/:org/summary']));
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(sorted(new Set(routes)).filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !routes.includes(r))).toEqual([]);
    // And the handlers found are those routes: the checks below see every one.
    expect(sorted(all.map((h) => h.key))).toEqual(sorted(new Set(routes)));
  });

  it('reads input only through the zod decorators: no handler uses Nest’s @Body, @Query or @Param', () => {
    expect(all.filter((h) => h.rawArgs.length > 0).map((h) => `${h.key}: @${h.rawArgs.join(', @')}`)).toEqual([]);
  });

  it('documents each path parameter, validated by the handler’s @ZodParam', () => {
    const wrong: string[] = [];
    for (const h of all) {
      const inPath = sorted([...h.path.matchAll(/:(\w+)/g)].map((m) => m[1]));
      const documented = sorted((operation(h)?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      if (String(sorted(h.meta.params)) !== String(inPath)) wrong.push(`${h.key}: validates ${sorted(h.meta.params).join(',') || 'none'}, path has ${inPath.join(',')}`);
      if (String(documented) !== String(inPath)) wrong.push(`${h.key}: documents ${documented.join(',') || 'none'}, path has ${inPath.join(',')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('documents exactly the query parameters each handler’s @ZodQuery schema accepts', () => {
    const wrong: string[] = [];
    for (const h of all) {
      const documented = sorted((operation(h)?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      const accepted = sorted(h.meta.query ?? []);
      if (String(documented) !== String(accepted)) wrong.push(`${h.key}: documents [${documented}], accepts [${accepted}]`);
      for (const p of operation(h)?.parameters ?? []) if (!p.schema) wrong.push(`${h.key}: ${p.in} parameter ${p.name} has no schema`);
    }
    expect(wrong).toEqual([]);
  });

  it('documents a request body (with its schema) for every POST, PUT and PATCH that reads one, and says so of those that do not', () => {
    const wrong: string[] = [];
    for (const h of all) {
      const op = operation(h);
      if (!['POST', 'PUT', 'PATCH'].includes(h.method)) {
        if (op?.requestBody) wrong.push(`${h.key}: a ${h.method} with a body`);
        continue;
      }
      if (h.meta.body === 'none') {
        if (op?.requestBody) wrong.push(`${h.key}: declared without a body, documents one`);
        continue;
      }
      const content = Object.values(op?.requestBody?.content ?? {});
      if (h.meta.body !== 'schema' || content.length === 0 || content.some((c) => !c.schema)) wrong.push(`${h.key}: no documented body (use @ZodBody, or @NoBody when it reads none)`);
    }
    expect(wrong).toEqual([]);
  });

  it('documents a 2xx answer of each route, with its body’s schema unless it has none', () => {
    const wrong: string[] = [];
    for (const h of all) {
      const ok = Object.entries(operation(h)?.responses ?? {}).filter(([s]) => /^2\d\d$/.test(s));
      if (ok.length === 0) wrong.push(`${h.key}: no 2xx answer`);
      for (const [status, r] of ok) {
        const content = Object.values(r.content ?? {});
        if (status !== '204' && (content.length === 0 || content.some((c) => !c.schema))) wrong.push(`${h.key}: ${status} without a schema`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents the error answers with the one ErrorBody component, as the error filter sends it', async () => {
    expect(doc.components.schemas.ErrorBody).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['statusCode', 'error', 'code', 'message', 'errors']),
    });
    const wrong: string[] = [];
    for (const h of all) {
      const errors = Object.entries(operation(h)?.responses ?? {}).filter(([s]) => /^[45]\d\d$/.test(s));
      if (!errors.some(([s]) => s === '400')) wrong.push(`${h.key}: no 400`);
      for (const [status, r] of errors) {
        // /health answers 503 with its own body, naming what is down.
        if (h.key === 'GET /health' && status === '503') continue;
        if ((r.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref !== '#/components/schemas/ErrorBody') wrong.push(`${h.key}: ${status} is not an ErrorBody`);
      }
    }
    expect(wrong).toEqual([]);
    // What the API answers a bad query is what the component describes.
    const res = await api.http().get('/api/orgs/daxiang/placements?pageSize=0').expect(400);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'error', 'errors', 'message', 'statusCode']);
    expect(res.body.errors).toEqual([{ field: 'pageSize', message: 'pageSize must be between 1 and 500' }]);
  });

  it('describes the answers as the API gives them (each read with its documented zod schema)', async () => {
    const placement = { channel: '央视', title: '大祥区：文档里的一条', publishedOn: '2021-05-12', authors: ['李明'] };
    const { ingestionId } = ingestionReceipt.parse((await api.http().post('/api/orgs/daxiang/placements').send(placement).expect(202)).body);
    await waitForIngestion(api, ingestionId);
    ingestionView.parse((await api.http().get(`/api/ingestions/${ingestionId}`).expect(200)).body);
    const page = placementPage.parse((await api.http().get('/api/orgs/daxiang/placements').expect(200)).body);
    expect(page.items.map((p) => p.title)).toContain(placement.title);
    placementDetail.parse((await api.http().get(`/api/orgs/daxiang/placements/${page.items[0].id}`).expect(200)).body);
    summary.parse((await api.http().get('/api/orgs/daxiang/summary?groupBy=tier,month&points=true').expect(200)).body);
    z.array(organization).min(1).parse((await api.http().get('/api/orgs').expect(200)).body);
    z.array(channelView).min(1).parse((await api.http().get('/api/channels').expect(200)).body);
    z.array(userView).min(1).parse((await api.http().get('/api/users').expect(200)).body);
    meView.parse((await api.http().get('/api/auth/me').expect(200)).body);
    z.array(crawlSourceView.extend({ channel: z.string() })).parse((await api.http().get('/api/crawl/sources').expect(200)).body);
    templateList.parse((await api.http().get('/api/orgs/daxiang/templates').expect(200)).body);
    authorRanking.parse((await api.http().get('/api/orgs/daxiang/rankings/authors').expect(200)).body);
    health.parse((await api.anonymous().get('/health').expect(200)).body);
    // An import's dry run with refused rows (an unknown medium gets the catalog's nearest names): each row error as documented.
    const ledger = ['刊发日期,标题,媒体', '2021-02-30,日期不存在的一行,红网', '2021-04-01,媒体写错的一行,湖南日服'].join('\n');
    const dryRun = previewAnswer.parse((await api.http().post('/api/orgs/daxiang/imports/preview').attach('file', Buffer.from(ledger), { filename: 'ledger.csv' }).expect(200)).body);
    expect(dryRun.errors.map((e) => [e.row, e.field, e.column])).toEqual([
      [2, 'publishedOn', '刊发日期'],
      [3, 'channel', '媒体'],
    ]);
    expect(dryRun.errors[1].suggestions).toContain('湖南日报');
    // The self-evaluation's indicators: the template as stored, each with its actual value's source and its rule.
    const evaluation = (await api.http().get('/api/orgs/daxiang/self-evaluation/2021').expect(200)).body as { template: unknown };
    expect(indicatorTemplateSchema.parse(evaluation.template).indicators.length).toBeGreaterThan(0);
    // An error answer: the ErrorBody component's schema.
    errorBodySchema.parse((await api.http().get('/api/orgs/daxiang/placements/abc').expect(400)).body);
  });

  it('is the document `npm run openapi:client` makes without a server, a database or Redis (the web UI’s typed client is made from it)', async () => {
    expect(JSON.parse(JSON.stringify(await previewOpenApiDocument()))).toEqual(doc);
  });
});
