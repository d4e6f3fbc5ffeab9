import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { PlacementInput } from '@pl/domain';
import { validateLedgerRows } from './errors';
import { ImportLimitError, ImportLimitName, ImportLimits } from './limits';
import { readLedger } from './read';
import type { LedgerFormat, LedgerRowError, ParsedLedger } from './types';

export interface ReadTask {
  data: Uint8Array;
  format: LedgerFormat;
  limits: ImportLimits;
}

/** A ledger read and checked: what the API's main thread needs, errors capped. */
export interface ReadLedgerResult {
  ok: true;
  /** Data rows read (blank rows skipped). */
  received: number;
  valid: { row: number; value: PlacementInput }[];
  /** Problems with the file as a whole (row 0): the import is refused with them. */
  fileErrors: LedgerRowError[];
  /** The first `limits.maxErrors` row errors, by row. */
  errors: LedgerRowError[];
  /** Every row error, kept or not. */
  errorCount: number;
  columns: ParsedLedger['columns'];
  ignoredColumns: string[];
}

/** A file over one of the caps (ImportLimitError, as data: errors lose their class between threads). */
export interface ReadLedgerRefusal {
  ok: false;
  limit: ImportLimitName;
  value: number;
  message: string;
  messageZh: string;
}

/**
 * What the reading thread does with each file it is sent: reads an uploaded
 * ledger and checks every row, within the caps. Runs off the API's event
 * loop: inflating and parsing a big workbook takes seconds of CPU.
 */
export async function readAndValidateLedger(task: ReadTask): Promise<ReadLedgerResult | ReadLedgerRefusal> {
  const data = Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength);
  try {
    const parsed = await readLedger(data, task.format, task.limits);
    const fileErrors = parsed.errors.filter((e) => e.row === 0);
    const { valid, errors: rowErrors } = fileErrors.length > 0 ? { valid: [], errors: [] } : validateLedgerRows(parsed.rows);
    const all = [...parsed.errors.filter((e) => e.row > 0), ...rowErrors].sort((a, b) => a.row - b.row);
    return {
      ok: true,
      received: parsed.rows.length,
      valid,
      fileErrors,
      errors: all.slice(0, task.limits.maxErrors),
      errorCount: all.length,
      columns: parsed.columns,
      ignoredColumns: parsed.ignoredColumns,
    };
  } catch (e) {
    if (e instanceof ImportLimitError) return { ok: false, limit: e.limit, value: e.value, message: e.message, messageZh: e.messageZh };
    throw e;
  }
}

// As the reading thread's entry (LedgerReader starts it): reads each file it is sent, one at a time, and answers it.
if (!isMainThread && parentPort && (workerData as { ledgerReader?: boolean } | null)?.ledgerReader) {
  const port = parentPort;
  port.on('message', ({ task }: { task: ReadTask }) => {
    readAndValidateLedger(task).then(
      (result) => port.postMessage({ result }),
      (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }),
    );
  });
}
