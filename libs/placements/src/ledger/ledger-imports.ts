import { HttpStatus, Injectable } from '@nestjs/common';
import { PlacementDraft } from '@pl/domain';
import {
  LedgerField,
  LedgerRowError,
  ParsedLedger,
  detectLedgerFormat,
  formatLedgerErrors,
  readLedger,
  translateFieldError,
  validateLedgerRows,
} from '../import';
import { Organization } from '@pl/persistence';
import { ChannelDirectory } from './channel-directory';
import { LedgerError } from './ledger-errors';
import { PlacementSubmissions } from './placement-submissions';

/** A row's problem; for a medium the catalog does not know, the nearest names it does. */
export type ImportRowError = LedgerRowError & { suggestions?: string[] };

export interface ImportReceipt {
  ingestionId: string | null;
  fileName: string;
  /** Data rows read (blank rows skipped). */
  received: number;
  accepted: number;
  errors: ImportRowError[];
  /** The errors as a Chinese text report, one line per problem. */
  report: string;
}

/** What an import would do, before anything is queued. */
export interface ImportPreview {
  fileName: string;
  received: number;
  accepted: number;
  /** The headers the import reads, with the field each feeds, then the ones it ignores (field null). */
  columns: { column: string; field: LedgerField | null }[];
  errors: ImportRowError[];
  /** The first accepted rows as they would be written. */
  sample: (Omit<PlacementDraft, 'channelId'> & { channel: string })[];
}

/** Rows of a checked ledger: what would be written and what is wrong. */
interface CheckedLedger {
  received: number;
  drafts: PlacementDraft[];
  channelNames: Map<number, string>;
  errors: ImportRowError[];
  parsed: ParsedLedger;
}

const SAMPLE_ROWS = 5;

/**
 * Imports an editor's ledger (上稿台账, .xlsx or .csv): reads and validates
 * every row, resolves channels by name or alias, and queues the good rows;
 * bad rows never block good ones. Importing the same file twice adds
 * nothing: the worker's dedup sees every row again.
 */
@Injectable()
export class LedgerImports {
  constructor(
    private readonly submissions: PlacementSubmissions,
    private readonly channels: ChannelDirectory,
  ) {}

  async import(org: Organization, fileName: string, data: Buffer, actor: string): Promise<ImportReceipt> {
    const { received, drafts, errors } = await this.check(fileName, data);
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

  /** The import's dry run: the same reading and checks, nothing queued. */
  async preview(fileName: string, data: Buffer): Promise<ImportPreview> {
    const { received, drafts, errors, parsed, channelNames } = await this.check(fileName, data);
    const columns = [
      ...Object.entries(parsed.columns).map(([field, column]) => ({ column: column as string, field: field as LedgerField })),
      ...parsed.ignoredColumns.map((column) => ({ column, field: null })),
    ];
    const sample = drafts.slice(0, SAMPLE_ROWS).map(({ channelId, ...rest }) => ({ ...rest, channel: channelNames.get(channelId) ?? String(channelId) }));
    return { fileName, received, accepted: drafts.length, columns, errors, sample };
  }

  private async check(fileName: string, data: Buffer): Promise<CheckedLedger> {
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
    const errors: ImportRowError[] = [...parsed.errors, ...rowErrors];
    const drafts: PlacementDraft[] = [];
    const channelNames = new Map<number, string>();
    for (const { row, value } of valid) {
      const r = await this.submissions.resolve(value, row);
      if ('errors' in r) {
        for (const e of r.errors) {
          const suggestions = e.field === 'channel' ? await this.channels.nearestNames(String(value.channel)) : [];
          errors.push({ row, field: e.field, ...translateFieldError(e), ...(suggestions.length ? { suggestions } : {}) });
        }
      } else {
        drafts.push(r.draft);
        channelNames.set(r.draft.channelId, r.channelName);
      }
    }
    errors.sort((a, b) => a.row - b.row);
    return { received: parsed.rows.length, drafts, channelNames, errors, parsed };
  }
}
