import yauzl from 'yauzl';

/** The hard caps of an uploaded ledger (IMPORT_MAX_* settings). */
export interface ImportLimits {
  /** Bytes the workbook's zip entries may inflate to, all together. */
  maxDecompressedBytes: number;
  maxZipEntries: number;
  /** Data rows (the header and title rows above it not counted). */
  maxRows: number;
  maxCellsPerRow: number;
  /** Row errors kept in full; the rest are counted. */
  maxErrors: number;
}

/** A zip yauzl cannot read (or whose entries are not the size their headers say): not a workbook. */
export class ZipReadError extends Error {}

/** Which cap a file broke: the setting's name, so that an operator knows what to raise. */
export type ImportLimitName = 'IMPORT_MAX_DECOMPRESSED_BYTES' | 'IMPORT_MAX_ZIP_ENTRIES' | 'IMPORT_MAX_ROWS' | 'IMPORT_MAX_CELLS_PER_ROW';

/**
 * A file over one of the caps: refused as a whole (413 for sizes and counts,
 * 400 for a row of too many cells), its English message naming the limit,
 * its Chinese one for the CLI and the web UI.
 */
export class ImportLimitError extends Error {
  constructor(
    readonly limit: ImportLimitName,
    readonly value: number,
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
    this.name = 'ImportLimitError';
  }

  get tooLarge(): boolean {
    return this.limit !== 'IMPORT_MAX_CELLS_PER_ROW';
  }
}

/**
 * Checks a workbook's zip before anything reads it whole: the entry count
 * from the central directory, then each entry's declared size, then the
 * bytes each entry really inflates to, streamed and counted, stopping at the
 * cap — a zip bomb (or a zip whose headers lie about its sizes) never
 * inflates past IMPORT_MAX_DECOMPRESSED_BYTES, and is refused before ExcelJS
 * (which inflates every entry into memory at once) sees it. yauzl, because it
 * reads entries one at a time from a buffer and checks their sizes against
 * the headers (validateEntrySizes); ExcelJS's own JSZip cannot stop early.
 * A buffer that is not a zip is left for the reader to refuse.
 */
export async function checkZip(data: Buffer, limits: ImportLimits): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile | null>((resolve) => {
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, z) => resolve(err || !z ? null : z));
  });
  if (!zip) return;
  const cap = limits.maxDecompressedBytes;
  const tooBig = () =>
    new ImportLimitError(
      'IMPORT_MAX_DECOMPRESSED_BYTES',
      cap,
      `file inflates to more than ${cap} bytes (IMPORT_MAX_DECOMPRESSED_BYTES); refused before reading it`,
      `文件解压后超过 ${(cap / 1024 / 1024).toFixed(0)} MB 的上限（IMPORT_MAX_DECOMPRESSED_BYTES），已拒绝`,
    );
  try {
    if (zip.entryCount > limits.maxZipEntries) {
      throw new ImportLimitError(
        'IMPORT_MAX_ZIP_ENTRIES',
        limits.maxZipEntries,
        `file holds ${zip.entryCount} zip entries, more than ${limits.maxZipEntries} (IMPORT_MAX_ZIP_ENTRIES)`,
        `文件包含 ${zip.entryCount} 个压缩项，超过 ${limits.maxZipEntries} 个的上限（IMPORT_MAX_ZIP_ENTRIES）`,
      );
    }
    let declared = 0;
    let inflated = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => reject(e instanceof ImportLimitError ? e : new ZipReadError(`not a readable zip: ${e.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        declared += entry.uncompressedSize;
        if (declared > cap) return reject(tooBig());
        if (/\/$/.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(new ZipReadError(`not a readable zip: ${err?.message ?? 'no stream'}`));
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > cap) {
              stream.destroy();
              reject(tooBig());
            }
          });
          stream.on('error', (e: Error) => reject(inflated > cap ? tooBig() : new ZipReadError(`not a readable zip: ${e.message}`)));
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** A ledger of more data rows than the cap. */
export function tooManyRows(limits: ImportLimits): ImportLimitError {
  return new ImportLimitError(
    'IMPORT_MAX_ROWS',
    limits.maxRows,
    `file has more than ${limits.maxRows} rows (IMPORT_MAX_ROWS); split it into smaller files`,
    `文件超过 ${limits.maxRows} 行的上限（IMPORT_MAX_ROWS），请拆分成几个文件后分别导入`,
  );
}

/** A row of more cells than the cap. */
export function tooManyCells(limits: ImportLimits, row: number, cells: number): ImportLimitError {
  return new ImportLimitError(
    'IMPORT_MAX_CELLS_PER_ROW',
    limits.maxCellsPerRow,
    `row ${row} has ${cells} cells, more than ${limits.maxCellsPerRow} (IMPORT_MAX_CELLS_PER_ROW)`,
    `第${row}行有 ${cells} 个单元格，超过 ${limits.maxCellsPerRow} 个的上限（IMPORT_MAX_CELLS_PER_ROW）`,
  );
}

/** Rows above the header a ledger may have (a title, a unit line) before the row cap applies. */
export const ROWS_ABOVE_HEADER = 10;
