import { z } from 'zod';
import { GENRES, PLACEMENT_STATUSES, PROMINENCES, TIERS } from '@pl/domain';
import type { UserView, TokenView } from '@pl/accounts';
import type { CrawlRunView, CrawlSourceView } from '@pl/crawling';
import type { BulkReceipt, ChannelView, IngestionView, PlacementView, Summary } from '@pl/placements';
import type { AuthorRanking, EvaluationEntry, Ranking, ReportJobView } from '@pl/reporting';

/**
 * The zod schemas of the API's JSON answers, documented in the OpenAPI
 * document through @ZodResponse. Each is checked at compile time against the
 * type the service returns (`documents<T>()`): a documented field the type
 * lacks, or of another type, fails the typecheck.
 */
export const documents =
  <T>() =>
  <S extends z.ZodType>(schema: S, ..._check: [T] extends [z.output<S>] ? [] : ['the schema does not describe the type']): S =>
    schema;

const isoDate = z.string().meta({ format: 'date', example: '2021-05-12' });
const timestamp = z.string().meta({ format: 'date-time' });
const fieldError = z.object({ field: z.string(), message: z.string() });

export const ingestionReceipt = z.object({ ingestionId: z.string().meta({ format: 'uuid' }) });

export const bulkReceipt = documents<BulkReceipt>()(
  z.object({
    ingestionId: z.string().meta({ format: 'uuid' }),
    accepted: z.number().int(),
    rejected: z.array(fieldError.extend({ index: z.number().int() })),
  }),
);

export const ingestionView = documents<IngestionView>()(
  z.object({
    id: z.string().meta({ format: 'uuid' }),
    kind: z.string(),
    state: z.string(),
    received: z.number().int(),
    accepted: z.number().int(),
    inserted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    /** Why the worker refused a change to a placement that the API had accepted (only then). */
    refusal: z
      .object({
        code: z.string(),
        field: z.string(),
        message: z.string(),
        messageZh: z.string(),
        duplicateOf: z.object({ id: z.number().int(), title: z.string(), status: z.string() }).optional(),
      })
      .optional(),
  }),
);

export const placementView = documents<PlacementView>()(
  z.object({
    id: z.number().int(),
    title: z.string(),
    url: z.string().nullable(),
    publishedOn: isoDate,
    channel: z.object({ id: z.number().int(), name: z.string(), tier: z.enum(TIERS) }),
    outlet: z.object({ id: z.number().int(), name: z.string() }),
    section: z.string().nullable(),
    prominence: z.enum(PROMINENCES),
    genre: z.enum(GENRES).nullable(),
    authors: z.array(z.string()),
    note: z.string().nullable(),
    source: z.string(),
    status: z.enum(PLACEMENT_STATUSES),
    linkGoneAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);

export const placementPage = z.object({ items: z.array(placementView), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const placementDetail = placementView.extend({
  events: z
    .array(
      z.object({
        id: z.number().int(),
        type: z.string(),
        actor: z.string(),
        ingestionId: z.string().nullable(),
        data: z.record(z.string(), z.unknown()).nullable(),
        occurredAt: timestamp,
      }),
    )
    .meta({ description: 'The placement’s history' }),
  evidence: z
    .looseObject({
      url: z.string(),
      fetchedAt: timestamp,
      status: z.number().int(),
      sha256: z.string(),
      matchedTitle: z.string(),
      similarity: z.number().optional(),
      foundIn: z.string(),
      foundOn: z.string().optional(),
      size: z.number().int(),
      stored: z.boolean(),
      note: z.string().optional(),
      page: z.string().optional(),
    })
    .nullable()
    .meta({ description: 'What the crawler vouched with; `page` is the stored page’s address' }),
});

export const summary = documents<Summary>()(
  z.object({
    from: isoDate,
    to: isoDate,
    groupBy: z.string(),
    rows: z.array(z.object({ key: z.string(), label: z.string(), count: z.number().int(), points: z.number().optional() })),
    total: z.number().int(),
    points: z.number().optional(),
  }),
);

/** A report rendered by the worker (a large one is queued: 202 with this). */
export const reportJobView = documents<ReportJobView>()(
  z.object({
    id: z.string().meta({ format: 'uuid' }),
    kind: z.string(),
    format: z.string(),
    state: z.string(),
    params: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
    fileName: z.string().nullable(),
    fileUrl: z.string().meta({ description: 'Where to download the file once the state is completed' }),
    createdAt: timestamp,
    finishedAt: timestamp.nullable(),
  }),
);

export const crawlRunView = documents<CrawlRunView>()(
  z.object({
    id: z.string().meta({ format: 'uuid' }),
    kind: z.string(),
    sourceId: z.number().int().nullable(),
    organizationId: z.number().int().nullable(),
    state: z.string(),
    pages: z.number().int(),
    items: z.number().int(),
    confirmed: z.number().int(),
    discovered: z.number().int(),
    linkGone: z.number().int(),
    errors: z.array(z.unknown()),
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
  }),
);

export const crawlSourceView = documents<CrawlSourceView>()(
  z.object({
    id: z.number().int(),
    channelId: z.number().int(),
    type: z.string(),
    url: z.string(),
    selectors: z.record(z.string(), z.unknown()).nullable(),
    schedule: z.string().nullable(),
    enabled: z.boolean(),
  }),
);

export const runReceipt = z.object({ runId: z.string().meta({ format: 'uuid' }) });

const orgMembership = z.object({ slug: z.string(), name: z.string(), role: z.string() });

export const userView = documents<UserView>()(
  z.object({
    id: z.number().int(),
    username: z.string(),
    role: z.string().nullable(),
    region: z.string().nullable(),
    disabled: z.boolean(),
    organizations: z.array(orgMembership),
    createdAt: timestamp,
  }),
);

export const tokenView = documents<TokenView>()(
  z.object({
    id: z.number().int(),
    name: z.string(),
    user: z.string(),
    role: z.string().nullable(),
    createdBy: z.string(),
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
  }),
);

export const newToken = tokenView.extend({ token: z.string().meta({ description: 'The secret: shown in this answer only' }) });

export const meView = z.object({
  username: z.string(),
  role: z.string().nullable(),
  region: z.string().nullable(),
  organizations: z.array(orgMembership),
  via: z.enum(['session', 'token']),
  csrfToken: z.string().optional().meta({ description: 'A session’s CSRF token, for the X-CSRF-Token header of its writes' }),
  token: z.string().optional().meta({ description: 'The token’s name, when signed in with one' }),
});

export const organization = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  region: z.string(),
  foundedOn: isoDate,
  keywords: z.array(z.string()),
  createdAt: timestamp,
});

export const channelView = documents<ChannelView>()(
  z.object({
    id: z.number().int(),
    name: z.string(),
    tier: z.enum(TIERS),
    kind: z.string(),
    outlet: z.object({ id: z.number().int(), name: z.string() }),
    owner: z.string().nullable(),
    aliases: z.array(z.string()),
    urlPatterns: z.array(z.string()),
    displayOrder: z.number().int(),
  }),
);

export const linkPreview = z.object({
  url: z.string(),
  title: z.string().nullable(),
  publishedOn: isoDate.nullable(),
  channel: z.object({ id: z.number().int(), name: z.string(), tier: z.enum(TIERS) }).nullable(),
  duplicateOf: z.object({ id: z.number().int(), title: z.string(), publishedOn: isoDate, status: z.string(), channel: z.string() }).nullable(),
  fetch: z.union([
    z.object({ ok: z.literal(true), status: z.number().int() }),
    z.object({ ok: z.literal(false), reason: z.string(), status: z.number().int().nullable() }),
  ]),
});

/** A row the import refused (LedgerRowError, with the catalog's nearest names for an unknown medium). */
const importRowError = z.object({
  row: z.number().int().meta({ description: '1-based row; 0 for a problem with the file' }),
  field: z.string().meta({ description: "The field, e.g. 'title'; '' when not about one field" }),
  column: z.string().meta({ description: "The column's header as written in the file; '' when not about one column" }),
  reason: z.string().meta({ description: 'Why, in Chinese' }),
  suggestions: z.array(z.string()).optional().meta({ description: 'For an unknown medium: the nearest names in the catalog' }),
});

export const importAnswer = z.object({
  ingestionId: z.string().nullable(),
  fileName: z.string(),
  received: z.number().int(),
  accepted: z.number().int(),
  errors: z.array(importRowError),
  errorCount: z.number().int(),
  reportUrl: z.string().nullable().meta({ description: 'The error report (CSV) to download, when there are errors' }),
});

export const previewAnswer = z.object({
  fileName: z.string(),
  received: z.number().int(),
  accepted: z.number().int(),
  columns: z.array(z.object({ column: z.string(), field: z.string().nullable() })),
  errors: z.array(importRowError),
  errorCount: z.number().int(),
  reportUrl: z.string().nullable(),
  sample: z.array(z.record(z.string(), z.unknown())).meta({ description: 'The first accepted rows as they would be written' }),
});

const tierCounts = z.object(Object.fromEntries(TIERS.map((t) => [t, z.number().int()])) as Record<(typeof TIERS)[number], z.ZodNumber>).meta({ description: 'Placements by tier' });

export const rankingView = documents<Ranking>()(
  z.object({
    region: z.string(),
    from: isoDate,
    to: isoDate,
    sortBy: z.enum(['count', 'points']),
    rows: z.array(
      z.object({
        rank: z.number().int(),
        organization: z.object({ slug: z.string(), name: z.string() }),
        tiers: tierCounts,
        total: z.number().int(),
        points: z.number(),
      }),
    ),
  }),
);

export const authorRanking = documents<AuthorRanking>()(
  z.object({
    organization: z.object({ slug: z.string(), name: z.string() }),
    from: isoDate,
    to: isoDate,
    pointsTable: z.object({ name: z.string(), authorCredit: z.enum(['full', 'split']) }),
    rows: z.array(z.object({ rank: z.number().int(), author: z.string(), count: z.number().int(), points: z.number(), tiers: tierCounts })),
  }),
);

export const evaluationEntry = documents<EvaluationEntry>()(
  z.object({
    indicator: z.string(),
    value: z.string().nullable(),
    score: z.string().nullable(),
    reason: z.string().nullable(),
    enteredBy: z.string(),
    enteredAt: timestamp,
  }),
);

export const templateView = z.object({
  kind: z.string(),
  source: z.enum(['organization', 'region', 'default']),
  organization: z.string().nullable(),
  region: z.string().nullable(),
  format: z.enum(['yaml', 'json']),
  content: z.string().meta({ description: 'The text as uploaded (or the shipped file)' }),
  updatedBy: z.string().nullable(),
  updatedAt: timestamp.nullable(),
  template: z.record(z.string(), z.unknown()).meta({ description: 'The template as parsed' }),
});

export const templateList = z.object({
  templates: z.array(
    z.object({
      kind: z.string(),
      source: z.enum(['organization', 'region', 'default']),
      name: z.string().nullable(),
      format: z.enum(['yaml', 'json']),
      updatedBy: z.string().nullable(),
      updatedAt: timestamp.nullable(),
    }),
  ),
});

/** A JSON document given back as stored (a budget in the unit asked for, a profile): its fields as the input schema describes. */
export const storedDocument = (description: string) => z.record(z.string(), z.unknown()).meta({ description });

export const health = z.looseObject({
  status: z.enum(['ok', 'error']),
  database: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down']),
  info: z.record(z.string(), z.unknown()).optional(),
  error: z.record(z.string(), z.unknown()).optional(),
  details: z.record(z.string(), z.unknown()),
});
