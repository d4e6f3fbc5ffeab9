import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { z } from 'zod';
import { FieldError, toFieldErrors } from '@pl/domain';
import { DomainError } from '@pl/domain';

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

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: e.constraints?.whitelistValidation ? `unknown field: ${e.property}` : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Class-validator DTOs: unknown fields refused, errors as {field, message}. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => DomainError.invalid('REQUEST_INVALID', flatten(errors)),
});
