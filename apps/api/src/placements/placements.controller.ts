import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  GENRES,
  GENRE_ALIASES,
  PLACEMENT_SOURCES,
  PLACEMENT_STATUSES,
  PROMINENCES,
  PROMINENCE_ALIASES,
  TIERS,
  aliasOf,
  isIsoDate,
  placementInputSchema,
} from '@pl/domain';
import {
  BULK_MAX,
  BulkReceipt,
  GROUP_BY,
  GroupBy,
  LIST_SORT_KEYS,
  ListSortKey,
  OrganizationsService,
  PlacementQueries,
  PlacementSubmissions,
  Summary,
} from '@pl/placements';
import { PointsService } from '@pl/reporting';
import { EvidenceStore } from '@pl/crawling';
import { Actor } from '../http/actor.decorator';
import { parseOr400 } from '../http/validation';
import { jsonSchemaOf, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../http/zod-api';
import { orgSlug, placementId } from '../http/params';
import { bulkReceipt, ingestionReceipt, placementDetail, placementPage, summary } from '../http/responses';
import { OrgRole } from '../auth/access';

const REVIEW_DECISIONS = ['confirmed', 'rejected', 'dismissed'];

const date = (field: string) =>
  z.string().refine(isIsoDate, `${field} must be a real calendar date written YYYY-MM-DD`).optional();

const positiveInt = (field: string, def: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${field} must be a positive integer`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `${field} must be between 1 and ${max}`)
    .optional()
    .transform((n) => n ?? def);

const statusList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .refine(
    (l) => l.every((s) => (PLACEMENT_STATUSES as readonly string[]).includes(s)),
    `status must be one or more of ${PLACEMENT_STATUSES.join(', ')}, comma-separated`,
  )
  .optional()
  .meta({ description: `One or more of ${PLACEMENT_STATUSES.join(', ')}, comma-separated` }) as z.ZodType<(typeof PLACEMENT_STATUSES)[number][] | undefined>;

const filterShape = {
  from: date('from'),
  to: date('to'),
  tier: z.enum(TIERS, { error: `tier must be one of ${TIERS.join(', ')}` }).optional(),
  channel: z.string().trim().min(1, 'channel must not be empty').optional(),
  outlet: z.string().regex(/^\d+$/, 'outlet must be an outlet id').transform(Number).optional(),
  section: z.string().trim().min(1).max(100).optional(),
  prominence: z
    .string()
    .transform((s) => aliasOf(PROMINENCE_ALIASES, s) ?? s)
    .pipe(z.enum(PROMINENCES, { error: `prominence must be one of ${PROMINENCES.join(', ')}` }))
    .optional(),
  genre: z
    .string()
    .transform((s) => aliasOf(GENRE_ALIASES, s) ?? s)
    .pipe(z.enum(GENRES, { error: `genre must be one of ${GENRES.join(', ')}` }))
    .optional(),
  status: statusList,
};

const listQuery = z.object({
  ...filterShape,
  q: z.string().trim().max(200, 'q must be at most 200 characters').optional(),
  source: z.enum(PLACEMENT_SOURCES, { error: `source must be one of ${PLACEMENT_SOURCES.join(', ')}` }).optional(),
  author: z.string().trim().min(1, 'author must not be empty').max(100, 'author must be at most 100 characters').optional(),
  linkGone: z.enum(['true', 'false'], { error: 'linkGone must be true or false' }).transform((v) => v === 'true').optional(),
  sort: z
    .string()
    .refine(
      (v) => (LIST_SORT_KEYS as readonly string[]).includes(v.replace(/^-/, '')),
      `sort must be one of ${LIST_SORT_KEYS.join(', ')}, with - in front for descending`,
    )
    .transform((v) => v as ListSortKey | `-${ListSortKey}`)
    .optional()
    .meta({ description: `One of ${LIST_SORT_KEYS.join(', ')}; - in front for descending (default -publishedOn)` }),
  page: positiveInt('page', 1, 1_000_000),
  pageSize: positiveInt('pageSize', 50, 500),
});

const summaryQuery = z.object({
  ...filterShape,
  points: z
    .enum(['true', 'false'], { error: 'points must be true or false' })
    .optional()
    .meta({ description: "Add each row's points (积分) by the region's points table" }),
  groupBy: z
    .string()
    .optional()
    .default('tier')
    .transform((s) => s.split(',').map((x) => x.trim()))
    .refine(
      (l) => l.every((d) => (GROUP_BY as readonly string[]).includes(d)),
      `groupBy must be one or two of ${GROUP_BY.join(', ')}, comma-separated`,
    )
    .refine((l) => l.length <= 2 && new Set(l).size === l.length, 'groupBy takes one dimension or two different ones, e.g. tier,month')
    .transform((l) => l as GroupBy[])
    .meta({ description: `One or two of ${GROUP_BY.join(', ')}, comma-separated (e.g. tier,month; default tier)` }),
});

const bulkBody = z
  .object(
    {
      placements: z
        // Each entry is checked on its own (a bad one is rejected, the others go ahead): documented as a placement.
        .array(z.unknown().meta(jsonSchemaOf(placementInputSchema)), { error: 'placements must be a list of placements' })
        .min(1, 'placements must not be empty')
        .max(BULK_MAX, `placements must hold at most ${BULK_MAX} entries per request`),
    },
    { error: 'body must be an object {placements: [...]}' },
  )
  .strict();

const statusBody = z
  .object(
    {
      status: z.enum(['confirmed', 'rejected', 'dismissed'], { error: 'status must be confirmed, rejected or dismissed' }),
      reason: z.string().trim().max(1000, 'reason must be at most 1000 characters').optional(),
    },
    { error: 'body must be an object {status, reason?}' },
  )
  .strict();

const withdrawBody = z
  .object(
    { reason: z.string().trim().max(1000, 'reason must be at most 1000 characters').optional() },
    { error: 'body must be an object {reason?}' },
  )
  .strict();

const emptyBody = z.object({}, { error: 'body must be empty or {}' }).strict();

function filterOf(q: z.output<typeof listQuery> | z.output<typeof summaryQuery>) {
  return {
    from: q.from,
    to: q.to,
    tier: q.tier,
    channel: q.channel,
    outletId: q.outlet,
    section: q.section,
    prominence: q.prominence,
    genre: q.genre,
    statuses: q.status,
  };
}

const placementExample = {
  channel: '湖南日报',
  title: '大祥区：“一件事一次办”跑出便民加速度',
  publishedOn: '2021-05-12',
  url: 'https://hnrb.voc.com.cn/article/202105/2021051207.html',
  section: '要闻',
  prominence: 'normal',
  genre: '通讯',
  authors: ['李明', '王芳'],
  note: '',
};

@ApiTags('placements')
@Controller('api/orgs/:org')
export class PlacementsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly submissions: PlacementSubmissions,
    private readonly queries: PlacementQueries,
    private readonly points: PointsService,
    private readonly evidence: EvidenceStore,
  ) {}

  /** Log one placement; it is written by the worker. 202 with the ingestion to poll. */
  @Post('placements')
  @HttpCode(202)
  @ZodResponse(202, ingestionReceipt, 'Queued: poll GET /api/ingestions/{ingestionId}')
  async create(
    @ZodParam('org', orgSlug) slug: string,
    // Checked by the submissions' fast path, which a property test holds to this schema.
    @ZodBody(placementInputSchema, { validate: false, examples: { placement: { value: placementExample } } }) body: unknown,
    @Actor() actor: string,
  ): Promise<{ ingestionId: string }> {
    const org = await this.orgs.bySlug(slug);
    return this.submissions.submitOne(org, body, actor);
  }

  /** Up to 10,000 placements; valid ones go ahead even when others are rejected. */
  @Post('placements/bulk')
  @HttpCode(202)
  @ZodResponse(202, bulkReceipt, 'Queued: the accepted entries, and each rejected one with its errors')
  async bulk(
    @ZodParam('org', orgSlug) slug: string,
    @ZodBody(bulkBody, { examples: { bulk: { value: { placements: [placementExample] } } } }) { placements }: z.output<typeof bulkBody>,
    @Actor() actor: string,
  ): Promise<BulkReceipt> {
    const org = await this.orgs.bySlug(slug);
    return this.submissions.submitBulk(org, placements, actor);
  }

  @Get('placements')
  @ZodResponse(200, placementPage)
  async list(@ZodParam('org', orgSlug) slug: string, @ZodQuery(listQuery) q: z.output<typeof listQuery>) {
    const org = await this.orgs.bySlug(slug);
    return this.queries.list(
      org,
      { ...filterOf(q), q: q.q || undefined, source: q.source, author: q.author, linkGone: q.linkGone, sort: q.sort },
      q.page,
      q.pageSize,
    );
  }

  @Get('placements/:id')
  @ZodResponse(200, placementDetail)
  async get(@ZodParam('org', orgSlug) slug: string, @ZodParam('id', placementId) pid: number) {
    const org = await this.orgs.bySlug(slug);
    const placement = await this.queries.get(org, pid);
    // What the crawler vouched with: its latest confirmation's evidence, or where it discovered the placement.
    const evidence = await this.evidence.ofPlacement(placement.events);
    return { ...placement, evidence: evidence && { ...evidence, ...(evidence.stored ? { page: `/api/orgs/${org.slug}/placements/${pid}/evidence` } : {}) } };
  }

  /**
   * Edit a placement's fields (any of those a new placement takes), or, with
   * `status`, confirm, reject or dismiss it. Either is an event through the
   * queue like every write: 202 with the ingestion to poll.
   */
  @Patch('placements/:id')
  // Review decisions are a reviewer's; any other change an editor's.
  @OrgRole((req) => (REVIEW_DECISIONS.includes((req.body as { status?: string } | undefined)?.status ?? '') ? 'reviewer' : 'editor'))
  @HttpCode(202)
  @ZodResponse(202, ingestionReceipt, 'Queued: poll GET /api/ingestions/{ingestionId}')
  async patch(
    @ZodParam('org', orgSlug) slug: string,
    @ZodParam('id', placementId) pid: number,
    // Either is checked below: a decision with statusBody, an edit by the submissions (the placement's own schema, every field optional).
    @ZodBody(z.union([statusBody, placementInputSchema.partial()]), {
      validate: false,
      examples: {
        edit: { value: { title: '大祥区：“一件事一次办”跑出便民加速度', section: '要闻' }, summary: 'Edit fields' },
        status: { value: { status: 'confirmed', reason: '已在报纸版面核实' }, summary: 'Confirm, reject or dismiss' },
      },
    })
    body: unknown,
    @Actor() actor: string,
  ): Promise<{ ingestionId: string }> {
    // A status decision carries `status` (and maybe its `reason`); anything else is an edit of fields.
    const isStatus = typeof body === 'object' && body !== null && ('status' in body || 'reason' in body);
    const decision = isStatus ? parseOr400(statusBody, body) : null;
    const org = await this.orgs.bySlug(slug);
    if (decision) return this.submissions.requestStatus(org, pid, decision.status, actor, decision.reason);
    return this.submissions.requestEdit(org, pid, body, actor);
  }

  /** Withdraw a placement: status withdrawn, counted nowhere, its history kept; restorable. */
  @Post('placements/:id/withdraw')
  @HttpCode(202)
  @ZodResponse(202, ingestionReceipt, 'Queued: poll GET /api/ingestions/{ingestionId}')
  async withdraw(
    @ZodParam('org', orgSlug) slug: string,
    @ZodParam('id', placementId) pid: number,
    @ZodBody(withdrawBody, { optional: true, examples: { withdraw: { value: { reason: '重复登记' } } } }) { reason }: z.output<typeof withdrawBody>,
    @Actor() actor: string,
  ): Promise<{ ingestionId: string }> {
    const org = await this.orgs.bySlug(slug);
    return this.submissions.requestWithdraw(org, pid, actor, reason);
  }

  /** Restore a withdrawn placement to the status it was withdrawn from. */
  @Post('placements/:id/restore')
  @HttpCode(202)
  @ZodResponse(202, ingestionReceipt, 'Queued: poll GET /api/ingestions/{ingestionId}')
  async restore(
    @ZodParam('org', orgSlug) slug: string,
    @ZodParam('id', placementId) pid: number,
    @ZodBody(emptyBody, { optional: true }) _body: unknown,
    @Actor() actor: string,
  ): Promise<{ ingestionId: string }> {
    const org = await this.orgs.bySlug(slug);
    return this.submissions.requestRestore(org, pid, actor);
  }

  @Get('summary')
  @ZodResponse(200, summary)
  async summary(@ZodParam('org', orgSlug) slug: string, @ZodQuery(summaryQuery) q: z.output<typeof summaryQuery>): Promise<Summary> {
    const org = await this.orgs.bySlug(slug);
    const weights = q.points === 'true' ? this.points.weights(await this.points.tableFor(org.region)) : undefined;
    return this.queries.summary(org, filterOf(q), q.groupBy, weights);
  }
}
