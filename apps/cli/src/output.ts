import { textWidth } from '@pl/domain';

/** Operator-facing output goes to stdout; diagnostics to stderr. */
export const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** A simple aligned table for terminal output (CJK characters count double). */
export function table(rows: (string | number)[][]): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => textWidth(String(r[i] ?? '')))));
  return rows
    .map((r) =>
      r
        .map((c, i) => {
          const s = String(c ?? '');
          const pad = ' '.repeat(widths[i] - textWidth(s));
          return typeof c === 'number' ? pad + s : s + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
