/**
 * Text a spreadsheet would take for a formula: a cell starting with `=`, `+`,
 * `-` or `@`, or with a tab or carriage return (which some programs strip
 * before looking again). Excel and LibreOffice evaluate such a cell when a
 * CSV is opened, and when an .xlsx saved as CSV is opened again
 * (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `@SUM(…)`).
 */
const FORMULA_LIKE = /^[=+\-@\t\r]/;

/**
 * A text cell as every export writes it: formula-like text gets a leading
 * apostrophe, OWASP's advice against CSV injection, so that no spreadsheet
 * evaluates it, even after a round trip through CSV. Shown, the apostrophe
 * tells the reader the cell was neutralised; the sheets that carry such a
 * cell say so in their header note (SPREADSHEET_TEXT_NOTE).
 */
export function spreadsheetText(text: string): string {
  return FORMULA_LIKE.test(text) ? `'${text}` : text;
}

/** Whether spreadsheetText changes the text. */
export function isFormulaLike(text: string): boolean {
  return FORMULA_LIKE.test(text);
}

/** The header note of a sheet with neutralised cells (user-facing, so Chinese). */
export const SPREADSHEET_TEXT_NOTE = "注：以 = + - @ 或制表符开头的文字前加了 ' ，以免被表格软件当作公式执行";
