import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@pl/domain';
import { LedgerError } from '@pl/placements';

const STATUS: Record<DomainError['kind'], HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** The accounts library's DomainError as the API's error answer (with its code). */
export async function answering<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DomainError) {
      const e = new LedgerError(STATUS[err.kind], err.message, err.errors);
      Object.assign(e.getResponse() as object, { code: err.code });
      throw e;
    }
    throw err;
  }
}
