/** Operator-facing output goes to stdout; diagnostics to stderr. */
export const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** A simple aligned table for terminal output (CJK characters count double). */
export function table(rows: (string | number)[][]): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffdc]/.test(ch) ? 2 : 1), 0);
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => width(String(r[i] ?? '')))));
  return rows
    .map((r) =>
      r
        .map((c, i) => {
          const s = String(c ?? '');
          const pad = ' '.repeat(widths[i] - width(s));
          return typeof c === 'number' ? pad + s : s + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
