/**
 * The bodies the API answers with, as the UI reads them: each is the 2xx
 * JSON answer of its route in the OpenAPI document (schema.d.ts, generated
 * from the API's zod schemas by `npm run openapi:client`), so an answer the
 * API changes is a compile error where the UI reads it. Nothing here is
 * written by hand but the names.
 */
import type { paths } from './schema';

type Path = keyof paths;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The JSON body of a response, or void when it has none. */
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : void;
/** The first 2xx answer a route documents. */
type SuccessOf<R> = R extends { 200: infer A } ? JsonOf<A> : R extends { 201: infer A } ? JsonOf<A> : R extends { 202: infer A } ? JsonOf<A> : void;
/** What `method path` answers when it succeeds, as the document says. */
export type Answer<P extends Path, M extends Method> = paths[P][M] extends { responses: infer R } ? SuccessOf<R> : never;

export type Me = Answer<'/api/auth/me', 'get'>;
export type Organization = Answer<'/api/orgs', 'get'>[number];
export type ChannelView = Answer<'/api/channels', 'get'>[number];
export type PlacementPage = Answer<'/api/orgs/{org}/placements', 'get'>;
export type PlacementView = PlacementPage['items'][number];
export type PlacementDetail = Answer<'/api/orgs/{org}/placements/{id}', 'get'>;
export type PlacementEvent = PlacementDetail['events'][number];
/** What the crawler's latest confirmation or discovery of a placement rests on (佐证). */
export type EvidenceView = NonNullable<PlacementDetail['evidence']>;
export type Summary = Answer<'/api/orgs/{org}/summary', 'get'>;
export type SummaryRow = Summary['rows'][number];
export type IngestionView = Answer<'/api/ingestions/{id}', 'get'>;
export type ImportReceipt = Answer<'/api/orgs/{org}/imports', 'post'>;
export type ImportPreview = Answer<'/api/orgs/{org}/imports/preview', 'post'>;
export type ImportRowError = ImportPreview['errors'][number];
export type LinkPreview = Answer<'/api/orgs/{org}/placements/preview', 'post'>;
export type ReportJob = Answer<'/api/reports/{id}', 'get'>;
export type CrawlSource = Answer<'/api/channels/{id}/sources', 'get'>[number];
export type CrawlRun = Answer<'/api/crawl/runs/{id}', 'get'>;
export type UserView = Answer<'/api/users', 'get'>[number];
export type TokenView = Answer<'/api/tokens', 'get'>[number];
