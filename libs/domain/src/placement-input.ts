import { z } from 'zod';
import { isIsoDate } from './local-date';
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

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .transform((s) => s.trim())
    .refine((s) => s.length <= max, `${field} must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), `${field} must not contain control characters`);

const optionalText = (field: string, max: number) =>
  text(field, max)
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
  .refine((s) => s === '' || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(s), 'url must be an http(s) link')
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
    (Array.isArray(a) ? a : (a ?? '').split(/[、，,;；\s]+/))
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
  note: optionalText('note', 2000),
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

export function parsePlacementInput(raw: unknown): Parsed<PlacementInput> {
  const r = placementInputSchema.safeParse(raw, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: toFieldErrors(r.error) };
}

export function parsePlacementDraft(raw: unknown): Parsed<PlacementDraft> {
  const r = placementDraftSchema.safeParse(raw, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: toFieldErrors(r.error) };
}
