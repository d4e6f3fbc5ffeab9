import { Workbook } from 'exceljs';
import { GENRE_LABELS, GENRES } from '@pl/domain';
import { LEDGER_FIELD_LABELS, LEDGER_FIELDS, REQUIRED_LEDGER_FIELDS } from './columns';

export const LEDGER_TEMPLATE_NAME = '上稿台账模板';

/** The template's headers: every field's Chinese label, required ones marked (the import reads 刊发日期（必填） as 刊发日期). */
export function ledgerTemplateHeaders(): string[] {
  return LEDGER_FIELDS.map((f) => (REQUIRED_LEDGER_FIELDS.includes(f) ? `${LEDGER_FIELD_LABELS[f]}（必填）` : LEDGER_FIELD_LABELS[f]));
}

/** A blank ledger as CSV: UTF-8 with a BOM (so Excel on Chinese Windows reads it), the header row only. */
export function ledgerTemplateCsv(): Buffer {
  return Buffer.from(`\ufeff${ledgerTemplateHeaders().join(',')}\r\n`, 'utf8');
}

/** A blank ledger as .xlsx: the header row, column widths, and a second sheet saying what each column takes. */
export async function ledgerTemplateXlsx(): Promise<Buffer> {
  const wb = new Workbook();
  const sheet = wb.addWorksheet('上稿台账');
  const headers = ledgerTemplateHeaders();
  sheet.addRow(headers).font = { bold: true };
  sheet.columns.forEach((c, i) => (c.width = LEDGER_FIELDS[i] === 'title' || LEDGER_FIELDS[i] === 'url' ? 48 : 16));
  sheet.getColumn(LEDGER_FIELDS.indexOf('publishedOn') + 1).numFmt = 'yyyy-mm-dd';
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const help = wb.addWorksheet('填写说明');
  help.columns = [{ width: 16 }, { width: 80 }];
  help.addRow(['列', '填写说明']).font = { bold: true };
  const notes: Record<(typeof LEDGER_FIELDS)[number], string> = {
    publishedOn: '必填。如 2021-03-05、2021/4/12、2021年7月20日，或 Excel 日期',
    title: '必填。稿件标题',
    channel: '必填。媒体或渠道名称，可用别名，如 央视、湖南日报、红网大祥站',
    section: '版面或栏目，如 要闻、县区版、首页',
    prominence: '头条、头版头条、首页头条，或留空（普通）',
    genre: `${GENRES.map((g) => GENRE_LABELS[g]).join('、')}，可留空`,
    authors: '多人用顿号、逗号或空格分隔',
    url: '网络稿件的链接（http:// 或 https://），报纸、电视可不填',
    note: '备注',
  };
  LEDGER_FIELDS.forEach((f, i) => help.addRow([headers[i], notes[f]]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
