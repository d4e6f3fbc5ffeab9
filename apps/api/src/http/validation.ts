import type { z } from 'zod';
import { DomainError, toFieldErrors } from '@pl/domain';

/**
 * Parses with a zod schema or throws a 400 naming every bad field. `field`
 * names a lone value (a path parameter): its errors are about that field.
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, field?: string): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) {
    const errors = toFieldErrors(r.error);
    throw DomainError.invalid('REQUEST_INVALID', field ? errors.map((e) => ({ ...e, field })) : errors);
  }
  return r.data;
}
