import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrintedPage {
  /** Width and height in points. */
  width: number;
  height: number;
  text: string;
}

/**
 * Opens a Word or Excel file in LibreOffice and prints it to PDF, as an
 * office would, then reads the pages back with poppler (pdfinfo, pdftotext).
 * LibreOffice and poppler-utils are required (.ci/run installs them): a
 * missing one fails the test, it is never skipped.
 */
export async function printWithLibreOffice(file: Buffer, extension: 'docx' | 'xlsx'): Promise<PrintedPage[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pl-office-'));
  try {
    const input = path.join(dir, `report.${extension}`);
    await writeFile(input, file);
    // A profile of its own: parallel test files must not share LibreOffice's user directory.
    await run('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, input], {
      timeout: 240_000,
    });
    const pdf = path.join(dir, 'report.pdf');
    await readFile(pdf); // fails clearly if LibreOffice could not open the file
    const { stdout: info } = await run('pdfinfo', ['-f', '1', '-l', '100000', pdf]);
    const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => ({ width: Number(m[1]), height: Number(m[2]) }));
    const { stdout: text } = await run('pdftotext', ['-layout', pdf, '-'], { maxBuffer: 64 * 1024 * 1024 });
    const pages = text.split('\f');
    return sizes.map((s, i) => ({ ...s, text: pages[i] ?? '' }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
