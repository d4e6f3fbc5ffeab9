import { z } from 'zod';

/**
 * The path parameters shared by several controllers, as zod schemas
 * (@ZodParam validates and documents each). An organization or region that
 * does not exist, or that the caller may not see, is a 404 of the service,
 * not a 400 here: their schemas take any text.
 */
export const orgSlug = z.string().meta({ description: 'The organization’s slug', example: 'daxiang' });
export const regionRef = z.string().meta({ description: 'The region’s slug or name', example: '邵阳市' });

/** A placement id (digits); `id must be a placement id` otherwise. */
export const placementId = z.string().regex(/^\d+$/, 'id must be a placement id').transform(Number);

/** A UUID of any version (an ingestion, a report job, a crawl run). */
export const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'id must be a UUID')
  .meta({ format: 'uuid' });

/** An integer id (a channel, a crawl source): `<field> must be an integer id` otherwise. */
export const integerId = (field: string) =>
  z
    .string()
    .regex(/^-?\d+$/, `${field} must be an integer id`)
    .transform(Number);
