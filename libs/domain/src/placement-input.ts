import { z } from 'zod';
import { isIsoDate } from './local-date';
import { foldLineBreaks, isStorableText, unstorableText } from './safe-text';
import {
  GENRE_ALIASES,
  GENRES,
  Genre,
  PROMINENCE_ALIASES,
  PROMINENCES,
  Prominence,
  aliasOf,
} from './vocabulary';

/** One problem with one field of the input; `field` is a dotted path. */
export interface FieldError {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false, errors: FieldError[] };

export const TITLE_MAX = 500;
export const URL_MAX = 2048;

/** An http(s) link as the url field takes it (URL must parse it too). */
const URL_SHAPE = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
/** What separates the names of an authors string. */
const AUTHOR_SEPARATORS = /[、，,;；\s]+/;
/**
 * Trimmed text that can be stored (see safe-text.ts). One-line fields (the
 * title, channel, section, authors) fold tabs and line breaks to a space; the
 * note keeps its line breaks.
 */
const text = (field: string, max: number, oneLine = true) =>
  z
    .string({ error: `${field} must be a string` })
    .transform((s) => (oneLine ? foldLineBreaks(s) : s).trim())
    .refine((s) => s.length <= max, `${field} must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      const problem = unstorableText(s);
      if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
    });

const optionalText = (field: string, max: number, oneLine = true) =>
  text(field, max, oneLine)
    .nullish()
    .transform((s) => (s ? s : null));

const title = text('title', TITLE_MAX).refine((s) => s.length > 0, 'title must not be empty');

const publishedOn = z
  .string({ error: 'publishedOn must be a date string YYYY-MM-DD' })
  .trim()
  .refine(isIsoDate, 'publishedOn must be a real calendar date written YYYY-MM-DD');

const url = z
  .string({ error: 'url must be a string' })
  .trim()
  .max(URL_MAX, `url must be at most ${URL_MAX} characters`)
  .refine((s) => s === '' || URL_SHAPE.test(s), 'url must be an http(s) link')
  .refine((s) => {
    if (s === '') return true;
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  }, 'url must be an http(s) link')
  .nullish()
  .transform((s) => (s ? s : null));

const prominence = z
  .string({ error: `prominence must be one of ${PROMINENCES.join(', ')}` })
  .trim()
  .nullish()
  .transform((s, ctx): Prominence => {
    if (!s) return 'normal';
    const p = aliasOf(PROMINENCE_ALIASES, s.toLowerCase()) ?? aliasOf(PROMINENCE_ALIASES, s);
    if (!p) {
      ctx.addIssue({
        code: 'custom',
        message: `prominence must be one of ${PROMINENCES.join(', ')} (or 头条, 头版头条, 普通)`,
      });
      return z.NEVER;
    }
    return p;
  });

const genre = z
  .string({ error: `genre must be one of ${GENRES.join(', ')}` })
  .trim()
  .nullish()
  .transform((s, ctx): Genre | null => {
    if (!s) return null;
    const g = aliasOf(GENRE_ALIASES, s.toLowerCase()) ?? aliasOf(GENRE_ALIASES, s);
    if (!g) {
      ctx.addIssue({
        code: 'custom',
        message: `genre must be one of ${GENRES.join(', ')} (or 消息, 通讯, 评论, 图片, 视频)`,
      });
      return z.NEVER;
    }
    return g;
  });

/** Authors as a list, or one string separated by 、，,;； or spaces. */
const authors = z
  .union([z.array(text('authors', 100)), text('authors', 1000)], {
    error: 'authors must be a list of names or a string',
  })
  .nullish()
  .transform((a) =>
    (Array.isArray(a) ? a : (a ?? '').split(AUTHOR_SEPARATORS))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((a) => a.length <= 30, 'authors must list at most 30 names')
  .refine((a) => a.every((s) => s.length <= 100), 'each author must be at most 100 characters');

const common = {
  title,
  publishedOn,
  url,
  section: optionalText('section', 100),
  prominence,
  genre,
  authors,
  note: optionalText('note', 2000, false),
};

/** A placement as an editor submits it: the channel named by id, name or alias. */
export const placementInputSchema = z
  .object({
    channel: z.union(
      [
        z.number().int().positive(),
        text('channel', 200).refine((s) => s.length > 0, 'channel must not be empty'),
      ],
      { error: 'channel must be a channel id, name or alias' },
    ),
    ...common,
  })
  .strict();

export type PlacementInput = z.output<typeof placementInputSchema>;

/**
 * A placement ready for the ingestion worker: the channel resolved to its id,
 * every field normalised. This is the payload the queue carries; the worker
 * validates it again with the same schema.
 */
export const placementDraftSchema = z
  .object({
    channelId: z.number().int().positive(),
    /** Position of the entry in what was submitted (bulk index or ledger row). */
    row: z.number().int().nonnegative().optional(),
    ...common,
  })
  .strict();

export type PlacementDraft = z.output<typeof placementDraftSchema>;

/** Maps zod issues to field errors: the field path and a message naming it. */
export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      return {
        field: prefix + keys.join(','),
        message: `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
      };
    }
    const field = prefix + (issue.path.map(String).join('.') || '(body)');
    let message = issue.message;
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      message = `${issue.path.map(String).join('.') || 'value'} is required`;
    }
    return { field, message };
  });
}

// ---------------------------------------------------------------------------
// The fast path. Every placement is parsed twice (by the API, then again by
// the worker), and zod, a general schema interpreter, spends ~6 µs on one:
// a tenth of the API's work per single POST. An input in the plain shape
// editors and imports send (known fields, each of the expected type and
// valid) is read here directly; anything else, every error included, goes to
// zod, which stays the definition: the fast path only ever gives what zod
// would give for the same input (placement-input.spec.ts checks this on
// generated inputs, valid and not).

const INPUT_KEYS = new Set(['channel', 'title', 'publishedOn', 'url', 'section', 'prominence', 'genre', 'authors', 'note']);
const DRAFT_KEYS = new Set(['channelId', 'row', 'title', 'publishedOn', 'url', 'section', 'prominence', 'genre', 'authors', 'note']);
/** Marks a field the fast path leaves to zod. */
const UNSURE = Symbol('unsure');
type Unsure = typeof UNSURE;

/** text(field, max, oneLine): the trimmed string, or UNSURE. */
function fastText(v: unknown, max: number, oneLine = true): string | Unsure {
  if (typeof v !== 'string') return UNSURE;
  const s = (oneLine ? foldLineBreaks(v) : v).trim();
  return s.length <= max && isStorableText(s) ? s : UNSURE;
}

/** optionalText(field, max, oneLine). */
function fastOptionalText(v: unknown, max: number, oneLine = true): string | null | Unsure {
  if (v === undefined || v === null) return null;
  const s = fastText(v, max, oneLine);
  return s === '' ? null : s;
}

function fastUrl(v: unknown): string | null | Unsure {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return UNSURE;
  const s = v.trim();
  if (s === '') return null;
  if (s.length > URL_MAX || !URL_SHAPE.test(s) || !URL.canParse(s)) return UNSURE;
  return s;
}

function fastAlias<T>(v: unknown, aliases: Record<string, T>, absent: T): T | Unsure {
  if (v === undefined || v === null) return absent;
  if (typeof v !== 'string') return UNSURE;
  const s = v.trim();
  if (!s) return absent;
  return aliasOf(aliases, s.toLowerCase()) ?? aliasOf(aliases, s) ?? UNSURE;
}

function fastAuthors(v: unknown): string[] | Unsure {
  let names: string[];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    names = [];
    for (const a of v) {
      const s = fastText(a, 100);
      if (s === UNSURE) return UNSURE;
      if (s) names.push(s);
    }
  } else {
    const s = fastText(v, 1000);
    if (s === UNSURE) return UNSURE;
    names = s.split(AUTHOR_SEPARATORS).map((n) => n.trim()).filter(Boolean);
  }
  return names.length <= 30 && names.every((n) => n.length <= 100) ? names : UNSURE;
}

/** The fields both schemas share (`common`), or null when zod must decide. */
function fastCommon(o: Record<string, unknown>): Omit<PlacementDraft, 'channelId' | 'row'> | null {
  const title = fastText(o.title, TITLE_MAX);
  if (title === UNSURE || title === '') return null;
  if (typeof o.publishedOn !== 'string') return null;
  const publishedOn = o.publishedOn.trim();
  if (!isIsoDate(publishedOn)) return null;
  const url = fastUrl(o.url);
  const section = fastOptionalText(o.section, 100);
  const prominence = fastAlias<Prominence>(o.prominence, PROMINENCE_ALIASES, 'normal');
  const genre = fastAlias<Genre | null>(o.genre, GENRE_ALIASES, null);
  const authors = fastAuthors(o.authors);
  const note = fastOptionalText(o.note, 2000, false);
  if (url === UNSURE || section === UNSURE || prominence === UNSURE || genre === UNSURE || authors === UNSURE || note === UNSURE) {
    return null;
  }
  return { title, publishedOn, url, section, prominence, genre, authors, note };
}

/** A plain object whose keys are all among `keys` (what .strict() allows), else null. */
function plainObject(raw: unknown, keys: Set<string>): Record<string, unknown> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const proto = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return null;
  for (const k in raw) if (!keys.has(k)) return null;
  return raw as Record<string, unknown>;
}

/** parsePlacementInput's fast path alone (null: left to zod); exported for its tests. */
export function fastPlacementInput(raw: unknown): PlacementInput | null {
  const o = plainObject(raw, INPUT_KEYS);
  if (!o) return null;
  let channel: number | string;
  if (typeof o.channel === 'number') {
    if (!Number.isSafeInteger(o.channel) || o.channel <= 0) return null;
    channel = o.channel;
  } else {
    const s = fastText(o.channel, 200);
    if (s === UNSURE || s === '') return null;
    channel = s;
  }
  const common = fastCommon(o);
  return common && { channel, ...common };
}

/** parsePlacementDraft's fast path alone (null: left to zod); exported for its tests. */
export function fastPlacementDraft(raw: unknown): PlacementDraft | null {
  const o = plainObject(raw, DRAFT_KEYS);
  if (!o) return null;
  const { channelId, row } = o;
  if (typeof channelId !== 'number' || !Number.isSafeInteger(channelId) || channelId <= 0) return null;
  if (row !== undefined && (typeof row !== 'number' || !Number.isSafeInteger(row) || row < 0)) return null;
  const common = fastCommon(o);
  return common && { channelId, ...('row' in o ? { row } : {}), ...common };
}

export function parsePlacementInput(raw: unknown): Parsed<PlacementInput> {
  const fast = fastPlacementInput(raw);
  if (fast) return { ok: true, value: fast };
  const r = placementInputSchema.safeParse(raw, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: toFieldErrors(r.error) };
}

export function parsePlacementDraft(raw: unknown): Parsed<PlacementDraft> {
  const fast = fastPlacementDraft(raw);
  if (fast) return { ok: true, value: fast };
  const r = placementDraftSchema.safeParse(raw, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: toFieldErrors(r.error) };
}
