import { HttpStatus, Injectable } from '@nestjs/common';
import { PlacementDraft } from '@pl/domain';
import {
  LedgerRowError,
  detectLedgerFormat,
  formatLedgerErrors,
  readLedger,
  translateFieldError,
  validateLedgerRows,
} from '../import';
import { Organization } from '@pl/persistence';
import { LedgerError } from './ledger-errors';
import { PlacementSubmissions } from './placement-submissions';

export interface ImportReceipt {
  ingestionId: string | null;
  fileName: string;
  /** Data rows read (blank rows skipped). */
  received: number;
  accepted: number;
  errors: LedgerRowError[];
  /** The errors as a Chinese text report, one line per problem. */
  report: string;
}

/**
 * Imports an editor's ledger (上稿台账, .xlsx or .csv): reads and validates
 * every row, resolves channels by name or alias, and queues the good rows;
 * bad rows never block good ones. Importing the same file twice adds
 * nothing: the worker's dedup sees every row again.
 */
@Injectable()
export class LedgerImports {
  constructor(private readonly submissions: PlacementSubmissions) {}

  async import(org: Organization, fileName: string, data: Buffer, actor: string): Promise<ImportReceipt> {
    const format = detectLedgerFormat(fileName, data.subarray(0, 8));
    if (!format) {
      throw LedgerError.invalid([{ field: 'file', message: `unsupported file type "${fileName}": use .xlsx or .csv` }]);
    }
    const parsed = await readLedger(data, format);
    const fileErrors = parsed.errors.filter((e) => e.row === 0);
    if (fileErrors.length > 0) {
      throw new LedgerError(HttpStatus.BAD_REQUEST, formatLedgerErrors(fileErrors), fileErrors.map((e) => ({ field: 'file', message: e.reason })));
    }
    const { valid, errors: rowErrors } = validateLedgerRows(parsed.rows);
    const errors = [...parsed.errors, ...rowErrors];
    const drafts: PlacementDraft[] = [];
    for (const { row, value } of valid) {
      const r = await this.submissions.resolve(value, row);
      if ('errors' in r) {
        for (const e of r.errors) errors.push({ row, field: e.field, ...translateFieldError(e) });
      } else drafts.push(r.draft);
    }
    errors.sort((a, b) => a.row - b.row);
    const received = parsed.rows.length;
    const report = formatLedgerErrors(errors);
    if (drafts.length === 0) {
      return { ingestionId: null, fileName, received, accepted: 0, errors, report };
    }
    const receipt = await this.submissions.submitDrafts(
      org,
      drafts,
      received,
      errors.map((e) => ({ index: e.row, field: e.field, message: e.reason })),
      'import',
      actor,
      'import',
    );
    return { ingestionId: receipt.ingestionId, fileName, received, accepted: drafts.length, errors, report };
  }
}
