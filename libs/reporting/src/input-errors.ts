import { z } from 'zod';
import { DomainError, foldLineBreaks, unstorableText, type FieldError } from '@pl/domain';

/**
 * Default wording of zod's own issues, phrased as a predicate: the field
 * name is put in front by {@link toInputFieldErrors} ("basic must be an object").
 */
export const inputErrorMap = (issue: z.core.$ZodRawIssue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = String(issue.expected);
      const article = /^[aeiou]/.test(expected) ? 'an' : 'a';
      return `must be ${expected === 'array' ? 'a list' : `${article} ${expected}`}`;
    }
    case 'too_big':
      return issue.origin === 'array'
        ? `must hold at most ${String(issue.maximum)} items`
        : issue.origin === 'string'
          ? `must be at most ${String(issue.maximum)} characters`
          : `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must hold at least ${String(issue.minimum)} item(s)`
        : issue.origin === 'string'
          ? 'must not be empty'
          : `must be at least ${String(issue.minimum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
};

/**
 * Zod issues as field errors: `field` is the dotted path, the message starts
 * with it; unknown fields are named one by one with their full path.
 */
export function toInputFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const field = [...path, k].join('.');
        return { field, message: `unknown field ${field}` };
      });
    }
    const field = path.join('.') || 'body';
    if (issue.code === 'invalid_type' && issue.input === undefined) return [{ field, message: `${field} is required` }];
    return [{ field, message: `${field} ${issue.message}` }];
  });
}

/** Parses with the friendly wording; errors as {@link toInputFieldErrors}. */
export function safeParseInput<S extends z.ZodType>(
  schema: S,
  raw: unknown,
): { ok: true; value: z.output<S> } | { ok: false; errors: FieldError[] } {
  const r = schema.safeParse(raw, { reportInput: true, error: inputErrorMap });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: toInputFieldErrors(r.error.issues) };
}

/**
 * A trimmed piece of text that can be stored (see @pl/domain's safe-text), at
 * most `max` characters. One-line by default (names, titles: tabs and line
 * breaks fold to a space); `multiline` keeps line breaks (descriptions,
 * profile text, where Excel's Alt+Enter is real input).
 */
export const inputText = (max: number, multiline = false) =>
  z
    .string()
    .transform((s) => (multiline ? s : foldLineBreaks(s)).trim())
    .refine((s) => s.length <= max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      const problem = unstorableText(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** Required, non-empty text. */
export const requiredText = (max: number, multiline = false) => inputText(max, multiline).refine((s) => s.length > 0, 'must not be empty');

/** Optional text: missing, null or blank → null. */
export const optionalText = (max: number, multiline = false) =>
  inputText(max, multiline)
    .nullish()
    .transform((s) => (s ? s : null));

/** The fiscal years the platform accepts. */
export const MIN_YEAR = 1990;
export const MAX_YEAR = 2999;

export function isFiscalYear(year: unknown): year is number {
  return typeof year === 'number' && Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
}

export const YEAR_MESSAGE = `year must be a fiscal year between ${MIN_YEAR} and ${MAX_YEAR}`;

/** Refuses a year outside the fiscal years, with the caller's error code. */
export function assertFiscalYear(year: number, code: 'BUDGET_BAD_YEAR' | 'PROFILE_BAD_YEAR' | 'EVALUATION_BAD_YEAR'): void {
  if (!isFiscalYear(year)) {
    throw DomainError.invalid(code, [{ field: 'year', message: YEAR_MESSAGE }], undefined, `年度应为 ${MIN_YEAR} 至 ${MAX_YEAR} 之间的年份`);
  }
}

/** A fiscal year written in a path or option: four digits, 1990..2999. */
export const fiscalYearText = z
  .string()
  .regex(/^\d{4}$/, YEAR_MESSAGE)
  .transform(Number)
  .refine(isFiscalYear, YEAR_MESSAGE);
