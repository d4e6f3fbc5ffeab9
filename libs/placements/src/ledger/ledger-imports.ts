import { Injectable } from '@nestjs/common';
import { DomainError, PlacementDraft } from '@pl/domain';
import { randomUUID } from 'node:crypto';
import { LedgerField, LedgerReader, LedgerRowError, detectLedgerFormat, formatLedgerErrors, ledgerErrorsCsv, translateFieldError } from '../import';
import { IngestionQueue } from '../ingestion/ingestion-queue';
import { Organization } from '@pl/persistence';
import { ChannelDirectory } from './channel-directory';
import { PlacementSubmissions } from './placement-submissions';

/** A row's problem; for a medium the catalog does not know, the nearest names it does. */
export type ImportRowError = LedgerRowError & { suggestions?: string[] };

export interface ImportReceipt {
  ingestionId: string | null;
  fileName: string;
  /** Data rows read (blank rows skipped). */
  received: number;
  accepted: number;
  /** The first IMPORT_MAX_ERRORS row errors, by row. */
  errors: ImportRowError[];
  /** Every row error, kept in `errors` or not. */
  errorCount: number;
  /** The error report (CSV, the kept errors and a count of the rest), kept a while for download; null without errors. */
  reportId: string | null;
  /** The kept errors as a Chinese text report, one line per problem, and a count of the rest (what the CLI prints). */
  report: string;
}

/** What an import would do, before anything is queued. */
export interface ImportPreview {
  fileName: string;
  received: number;
  accepted: number;
  /** The headers the import reads, with the field each feeds, then the ones it ignores (field null). */
  columns: { column: string; field: LedgerField | null }[];
  /** The first IMPORT_MAX_ERRORS row errors, by row. */
  errors: ImportRowError[];
  errorCount: number;
  reportId: string | null;
  /** The first accepted rows as they would be written. */
  sample: (Omit<PlacementDraft, 'channelId'> & { channel: string })[];
}

/** Rows of a checked ledger: what would be written and what is wrong (the first errors, and how many in all). */
interface CheckedLedger {
  received: number;
  drafts: PlacementDraft[];
  channelNames: Map<number, string>;
  errors: ImportRowError[];
  errorCount: number;
  columns: Partial<Record<LedgerField, string>>;
  ignoredColumns: string[];
}

/** Rows resolved between two yields to the event loop (channel lookups are mostly cache hits). */
const ROWS_PER_TURN = 500;

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
    private readonly reader: LedgerReader,
    private readonly queue: IngestionQueue,
  ) {}

  async import(org: Organization, fileName: string, data: Buffer, actor: string): Promise<ImportReceipt> {
    const { received, drafts, errors, errorCount } = await this.check(fileName, data);
    const omitted = errorCount - errors.length;
    const report = formatLedgerErrors(errors) + (omitted > 0 ? `\n另有 ${omitted} 条错误未列出（只保留前 ${errors.length} 条）` : '');
    const reportId = await this.keepReport(org.id, errors, omitted);
    if (drafts.length === 0) {
      return { ingestionId: null, fileName, received, accepted: 0, errors, errorCount, reportId, report };
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
    return { ingestionId: receipt.ingestionId, fileName, received, accepted: drafts.length, errors, errorCount, reportId, report };
  }

  /** The organization's error report as CSV, while it is kept (a week), or null (another organization's too). */
  async report(organizationId: number, id: string): Promise<string | null> {
    return this.queue.importReport(`${organizationId}:${id}`);
  }

  private async keepReport(organizationId: number, errors: ImportRowError[], omitted: number): Promise<string | null> {
    if (errors.length === 0) return null;
    const id = randomUUID();
    await this.queue.keepImportReport(`${organizationId}:${id}`, ledgerErrorsCsv(errors, omitted));
    return id;
  }

  /** The import's dry run: the same reading and checks, nothing queued. */
  async preview(org: Organization, fileName: string, data: Buffer): Promise<ImportPreview> {
    const checked = await this.check(fileName, data);
    const { received, drafts, errors, errorCount, channelNames } = checked;
    const columns = [
      ...Object.entries(checked.columns).map(([field, column]) => ({ column: column as string, field: field as LedgerField })),
      ...checked.ignoredColumns.map((column) => ({ column, field: null })),
    ];
    const sample = drafts.slice(0, SAMPLE_ROWS).map(({ channelId, ...rest }) => ({ ...rest, channel: channelNames.get(channelId) ?? String(channelId) }));
    const reportId = await this.keepReport(org.id, errors, errorCount - errors.length);
    return { fileName, received, accepted: drafts.length, columns, errors, errorCount, reportId, sample };
  }

  /**
   * Reads and checks the file on the reader's worker thread (within the
   * caps: ImportLimitError for a file over one), then resolves each valid
   * row's channel here, yielding to the event loop between slices of rows.
   */
  private async check(fileName: string, data: Buffer): Promise<CheckedLedger> {
    const format = detectLedgerFormat(fileName, data.subarray(0, 8));
    if (!format) {
      throw DomainError.invalid('IMPORT_UNSUPPORTED_FILE', [{ field: 'file', message: `unsupported file type "${fileName}": use .xlsx or .csv` }], undefined, `不支持的文件类型「${fileName}」：请使用 .xlsx 或 .csv`);
    }
    const read = await this.reader.read(data, format);
    if (read.fileErrors.length > 0) {
      const report = formatLedgerErrors(read.fileErrors);
      // A missing required column names its field; an unreadable or empty file does not.
      const code = read.fileErrors.some((e) => e.field) ? 'IMPORT_BAD_HEADER' : 'IMPORT_BAD_FILE';
      throw new DomainError(code, 'invalid', report, read.fileErrors.map((e) => ({ field: 'file', message: e.reason })), report);
    }
    const errors: ImportRowError[] = [...read.errors];
    let errorCount = read.errorCount;
    const drafts: PlacementDraft[] = [];
    const channelNames = new Map<number, string>();
    for (let i = 0; i < read.valid.length; i++) {
      if (i > 0 && i % ROWS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
      const { row, value } = read.valid[i];
      const r = await this.submissions.resolve(value, row);
      if ('errors' in r) {
        for (const e of r.errors) {
          errorCount++;
          // Suggestions are looked up for the errors that are kept only.
          const suggestions = e.field === 'channel' && errors.length < this.reader.limits.maxErrors * 2 ? await this.channels.nearestNames(String(value.channel)) : [];
          errors.push({ row, field: e.field, ...translateFieldError(e), ...(suggestions.length ? { suggestions } : {}) });
        }
      } else {
        drafts.push(r.draft);
        channelNames.set(r.draft.channelId, r.channelName);
      }
    }
    errors.sort((a, b) => a.row - b.row);
    errors.length = Math.min(errors.length, this.reader.limits.maxErrors);
    return { received: read.received, drafts, channelNames, errors, errorCount, columns: read.columns, ignoredColumns: read.ignoredColumns };
  }
}
