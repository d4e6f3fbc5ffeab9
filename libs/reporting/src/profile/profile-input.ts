import { z } from 'zod';
import type { FieldError } from '@pl/domain';
import { TIERS } from '@pl/domain';
import { isFiscalYear, optionalText, requiredText, safeParseInput, YEAR_MESSAGE } from '../input-errors';
import type { AnnualProfileDocument, OrganizationProfileDocument } from './profile';

export type ParsedInput<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const paragraphs = (max: number, itemMax: number) =>
  z
    .array(requiredText(itemMax, true), { error: 'must be a list of paragraphs (strings)' })
    .max(max)
    .optional()
    .transform((l) => l ?? []);

/** Yearly targets: placements per tier, and the highlight lines (重点稿件) together. */
const TARGET_KEYS = [...TIERS, 'highlights'] as const;
type TargetKey = (typeof TARGET_KEYS)[number];

const count = (max: number) => z.number().int('must be a whole number').min(0).max(max);

/**
 * The standing profile as written (PUT /api/orgs/:org/profile, `profile
 * import`): `shortName` and `establishment` are required, everything else
 * optional; unknown fields are refused. Stored as {@link OrganizationProfileDocument}.
 *
 *     shortName: 区融媒体中心
 *     nature: 中共大祥区委直属正科级公益一类全额拨款事业单位
 *     supervisor: 区委宣传部
 *     units: [综合运行部, 采编部, 技术保障部, 综合服务部]
 *     establishment: {authorized: 8, actual: 4, kind: 全额事业编}
 *     leadership: [{title: 主任, count: 1}, {title: 副主任, count: 2}]
 *     duties: [坚决贯彻党管媒体原则…, …]
 */
export const profileInputSchema = z
  .object(
    {
      shortName: requiredText(100),
      nature: optionalText(200),
      supervisor: optionalText(100),
      units: z
        .array(requiredText(100), { error: 'must be a list of unit names' })
        .max(50)
        .optional()
        .transform((l) => l ?? []),
      establishment: z
        .object(
          { authorized: count(100_000), actual: count(100_000), kind: optionalText(50) },
          { error: 'must be an object {authorized, actual, kind?}' },
        )
        .strict(),
      leadership: z
        .array(
          z.object({ title: requiredText(50), count: count(1000) }, { error: 'must be an object {title, count}' }).strict(),
          { error: 'must be a list of {title, count}' },
        )
        .max(20)
        .optional()
        .transform((l) => l ?? []),
      duties: paragraphs(50, 5000),
    },
    { error: 'must be an object {shortName, nature, supervisor, units, establishment, leadership, duties}' },
  )
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.leadership.forEach((l, i) => {
      if (seen.has(l.title)) ctx.addIssue({ code: 'custom', path: ['leadership', i, 'title'], message: `"${l.title}" appears twice` });
      seen.add(l.title);
    });
  });

/**
 * One year's profile as written (PUT /api/orgs/:org/profile/:year, `profile
 * import --year`): every field optional; `year`, when present, must be the
 * year being written. Stored as {@link AnnualProfileDocument}.
 */
export const annualProfileInputSchema = z
  .object(
    {
      year: z.number().int().optional(),
      goals: paragraphs(50, 2000),
      achievements: paragraphs(50, 10_000),
      placementsLead: optionalText(500, true),
      improvements: paragraphs(50, 5000),
      targets: z
        .object(Object.fromEntries(TARGET_KEYS.map((t) => [t, count(10_000_000).optional()])) as Record<TargetKey, z.ZodOptional<ReturnType<typeof count>>>, {
          error: `must be an object {${TARGET_KEYS.join(', ')}} of yearly placement counts`,
        })
        .strict()
        .optional(),
    },
    { error: 'must be an object {goals, achievements, placementsLead, improvements, targets}' },
  )
  .strict();

export function parseProfileInput(raw: unknown): ParsedInput<OrganizationProfileDocument> {
  const r = safeParseInput(profileInputSchema, raw);
  if (!r.ok) return r;
  const v = r.value;
  return {
    ok: true,
    value: {
      shortName: v.shortName,
      nature: v.nature,
      supervisor: v.supervisor,
      units: v.units,
      establishment: { authorized: v.establishment.authorized, actual: v.establishment.actual, kind: v.establishment.kind },
      leadership: v.leadership,
      duties: v.duties,
    },
  };
}

export function parseAnnualProfileInput(raw: unknown, year: number): ParsedInput<AnnualProfileDocument> {
  if (!isFiscalYear(year)) return { ok: false, errors: [{ field: 'year', message: YEAR_MESSAGE }] };
  const r = safeParseInput(annualProfileInputSchema, raw);
  if (!r.ok) return r;
  const v = r.value;
  if (v.year !== undefined && v.year !== year) {
    return { ok: false, errors: [{ field: 'year', message: `year ${v.year} does not match the year being written, ${year}` }] };
  }
  const targets: AnnualProfileDocument['targets'] = {};
  for (const t of TARGET_KEYS) if (v.targets?.[t] !== undefined) targets[t] = v.targets[t];
  return {
    ok: true,
    value: {
      year,
      goals: v.goals,
      achievements: v.achievements,
      placementsLead: v.placementsLead,
      improvements: v.improvements,
      targets,
    },
  };
}
