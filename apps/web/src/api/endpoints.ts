import { api, apiUrl, call, formData, toApiError } from './client';
import type { paths } from './schema';
import type { Answer, ReportJob } from './views';
import type { EvaluationEntry, IndicatorResult, SelfEvaluation } from '../lib/shared-input';

/**
 * Every API call of the UI, one function each. Paths are checked against the
 * OpenAPI document (schema.d.ts, generated from the API's zod schemas by
 * `npm run openapi:client`): a route renamed or removed, or called with a method it
 * does not take, is a compile error here.
 * Answers are typed by the document too (views.ts's Answer: the route's 2xx body).
 */
type Path = keyof paths;
/** The paths the document lists with this method (a GET of a path that only takes POST is a compile error). */
type PathWith<M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = { [P in Path]: paths[P] extends Record<M, object> ? P : never }[Path];
type Params = { path?: Record<string, string | number>; query?: Record<string, string | number | boolean | undefined> };

// openapi-fetch is typed by the document's parameter shapes, which are looser than what the API
// checks: the path name is what is checked here.
/* eslint-disable @typescript-eslint/no-explicit-any */
const client = api as any;
// The answer's type is the route's documented 2xx body (views.ts's Answer).
const get = <P extends PathWith<'get'>>(path: P, params: Params = {}) => call<Answer<P, 'get'>>(client.GET(path, { params }));
const post = <P extends PathWith<'post'>>(path: P, params: Params, body?: unknown) => call<Answer<P, 'post'>>(client.POST(path, { params, body }));
const put = <P extends PathWith<'put'>>(path: P, params: Params, body: unknown) => call<Answer<P, 'put'>>(client.PUT(path, { params, body }));
const patch = <P extends PathWith<'patch'>>(path: P, params: Params, body: unknown) => call<Answer<P, 'patch'>>(client.PATCH(path, { params, body }));
const del = <P extends PathWith<'delete'>>(path: P, params: Params) => call<Answer<P, 'delete'>>(client.DELETE(path, { params }));
/** A report asked for as format=json: the document describes it as a file (its format is a query parameter), the UI reads its JSON. */
const getReportJson = <T>(path: PathWith<'get'>, params: Params) => call<T>(client.GET(path, { params }));
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface PlacementQuery {
  from?: string;
  to?: string;
  tier?: string;
  channel?: string;
  outlet?: number;
  status?: string;
  source?: string;
  author?: string;
  actor?: string;
  linkGone?: boolean;
  q?: string;
  sort?: string;
  page?: number;
  pageSize?: number;
}

export interface PlacementInput {
  channel: string;
  title: string;
  publishedOn: string;
  url?: string | null;
  section?: string | null;
  prominence?: string | null;
  genre?: string | null;
  authors?: string[];
  note?: string | null;
}

export const auth = {
  me: () => get('/api/auth/me'),
  login: (username: string, password: string) => post('/api/auth/login', {}, { username, password }),
  logout: () => post('/api/auth/logout', {}, {}),
};

export const users = {
  list: () => get('/api/users'),
  add: (body: { username: string; password: string; role: string; org?: string; region?: string }) => post('/api/users', {}, body),
  update: (username: string, body: Record<string, unknown>) => patch('/api/users/{username}', { path: { username } }, body),
};

export const tokens = {
  list: () => get('/api/tokens'),
  add: (body: { name: string; user?: string }) => post('/api/tokens', {}, body),
  revoke: (name: string) => del('/api/tokens/{name}', { path: { name } }),
};

export const orgs = {
  list: () => get('/api/orgs'),
};

export const channels = {
  list: () => get('/api/channels'),
  add: (body: Record<string, unknown>) => post('/api/channels', {}, body),
};

export const placements = {
  list: (org: string, query: PlacementQuery) => get('/api/orgs/{org}/placements', { path: { org }, query: { ...query } }),
  get: (org: string, id: number) => get('/api/orgs/{org}/placements/{id}', { path: { org, id } }),
  create: (org: string, body: PlacementInput) => post('/api/orgs/{org}/placements', { path: { org } }, body),
  preview: (org: string, url: string) => post('/api/orgs/{org}/placements/preview', { path: { org } }, { url }),
  /** Fields as in create (any of them); 409 with `duplicateOf` when the edit would duplicate another placement. */
  edit: (org: string, id: number, body: Partial<PlacementInput>) => patch('/api/orgs/{org}/placements/{id}', { path: { org, id } }, body),
  setStatus: (org: string, id: number, status: string, reason?: string) =>
    patch('/api/orgs/{org}/placements/{id}', { path: { org, id } }, reason ? { status, reason } : { status }),
  withdraw: (org: string, id: number, reason?: string) =>
    post('/api/orgs/{org}/placements/{id}/withdraw', { path: { org, id } }, reason ? { reason } : {}),
  restore: (org: string, id: number) => post('/api/orgs/{org}/placements/{id}/restore', { path: { org, id } }, {}),
  summary: (org: string, query: Record<string, string | undefined>) => get('/api/orgs/{org}/summary', { path: { org }, query }),
};

export const ingestions = {
  get: (id: string) => get('/api/ingestions/{id}', { path: { id } }),
};

export const imports = {
  preview: (org: string, file: File) => post('/api/orgs/{org}/imports/preview', { path: { org } }, formData({ file })),
  commit: (org: string, file: File) => post('/api/orgs/{org}/imports', { path: { org } }, formData({ file })),
  templateUrl: (format: 'xlsx' | 'csv') => apiUrl('/api/imports/template', { format }),
};

/** A rendered report: the file, or (for a large one) the queued job to follow. */
export type ReportOutcome = { file: Blob; fileName: string } | { job: ReportJob };

async function reportFile(path: PathWith<'get'>, params: Params): Promise<ReportOutcome> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { response, data, error } = await (api as any).GET(path, { params, parseAs: 'blob' });
  if (!response.ok) throw toApiError(response.status, error ?? (await response.clone().json().catch(() => null)));
  if (response.status === 202) return { job: JSON.parse(await (data as Blob).text()) as ReportJob };
  return { file: data as Blob, fileName: fileNameOf(response) ?? 'report' };
}

function fileNameOf(response: Response): string | null {
  const cd = response.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="([^"]+)"/i.exec(cd);
  return plain ? plain[1] : null;
}

export const reports = {
  annual: (org: string, query: { year: number; asOf?: string; format: string }) => reportFile('/api/orgs/{org}/reports/annual', { path: { org }, query }),
  monthly: (org: string, query: { month: string; format: string }) => reportFile('/api/orgs/{org}/reports/monthly', { path: { org }, query }),
  job: (id: string) => get('/api/reports/{id}', { path: { id } }),
  jobFile: async (job: ReportJob): Promise<ReportOutcome> => reportFile('/api/reports/{id}/file', { path: { id: job.id } }),
  rankings: (region: string, query: { from?: string; to?: string }) =>
    get('/api/regions/{region}/rankings', { path: { region }, query }),
};

export const budgets = {
  get: (org: string, year: number) => get('/api/orgs/{org}/budgets/{year}', { path: { org, year }, query: { unit: '万元' } }),
  put: (org: string, year: number, body: unknown) => put('/api/orgs/{org}/budgets/{year}', { path: { org, year } }, body),
};

/** The self-evaluation table as the API scores it, and a stored entry: the API's own types (libs/reporting). */
export type IndicatorRow = IndicatorResult;
export type SelfEvaluationTable = SelfEvaluation;
export type EvaluationEntryView = EvaluationEntry;

/** An indicator of the template in effect: where its actual value comes from and how it is scored. */
export type TemplateIndicator = Answer<'/api/orgs/{org}/self-evaluation/{year}', 'get'>['template']['indicators'][number];

export interface EntryInput {
  indicator: string;
  value?: string | null;
  score?: string | null;
  reason?: string | null;
}

export const evaluations = {
  get: (org: string, year: number) =>
    get('/api/orgs/{org}/self-evaluation/{year}', {
      path: { org, year },
    }),
  table: async (org: string, year: number) =>
    (await getReportJson<{ data: { selfEvaluation: SelfEvaluationTable } }>('/api/orgs/{org}/reports/self-evaluation', { path: { org }, query: { year, format: 'json' } })).data
      .selfEvaluation,
  put: (org: string, year: number, entries: EntryInput[]) =>
    put('/api/orgs/{org}/self-evaluation/{year}/entries', { path: { org, year } }, { entries }),
  remove: (org: string, year: number, indicator: string) =>
    del('/api/orgs/{org}/self-evaluation/{year}/entries/{indicator}', { path: { org, year, indicator } }),
};

/** Which template of a kind an organization's reports use: its own, its region's or the default. */
export const templates = {
  get: (org: string, kind: 'report' | 'indicators' | 'points') =>
    get(
      '/api/orgs/{org}/templates/{kind}',
      { path: { org, kind } },
    ),
};

export const profiles = {
  getStanding: (org: string) => get('/api/orgs/{org}/profile', { path: { org } }),
  putStanding: (org: string, body: unknown) => put('/api/orgs/{org}/profile', { path: { org } }, body),
  getYear: (org: string, year: number) => get('/api/orgs/{org}/profile/{year}', { path: { org, year } }),
  putYear: (org: string, year: number, body: unknown) => put('/api/orgs/{org}/profile/{year}', { path: { org, year } }, body),
};

export const crawl = {
  sources: () => get('/api/crawl/sources'),
  channelSources: (channelId: number) => get('/api/channels/{id}/sources', { path: { id: channelId } }),
  addSource: (channelId: number, body: Record<string, unknown>) => post('/api/channels/{id}/sources', { path: { id: channelId } }, body),
  updateSource: (id: number, body: Record<string, unknown>) => patch('/api/crawl/sources/{id}', { path: { id } }, body),
  setEnabled: (id: number, enabled: boolean) =>
    post(enabled ? '/api/crawl/sources/{id}/enable' : '/api/crawl/sources/{id}/disable', { path: { id } }, {}),
  runSource: (id: number, date?: string) => post('/api/crawl/sources/{id}/run', { path: { id } }, date ? { date } : {}),
  sourceRuns: (id: number) => get('/api/crawl/sources/{id}/runs', { path: { id } }),
  run: (id: string) => get('/api/crawl/runs/{id}', { path: { id } }),
  confirm: (org: string, placementIds?: number[]) => post('/api/orgs/{org}/crawl/confirm', { path: { org } }, placementIds ? { placementIds } : {}),
};
