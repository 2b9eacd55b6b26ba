/**
 * Aligned text tables for people: a header row, columns padded to their widest cell, numbers
 * right-aligned. `--json` is the machine format; this is not parsed by anything.
 */
export type Column<T> = {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
};

/** Numbers rounded for people: 1.1520000000000001 → 1.15, 48213.7 → 48,214. */
export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const d = abs >= 1000 ? 0 : abs >= 100 ? Math.min(digits, 1) : digits;
  return n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) =>
    columns.map((c) => {
      const v = c.value(r);
      return v === null || v === undefined ? '–' : typeof v === 'number' ? formatNumber(v) : v;
    }),
  );
  const right = columns.map(
    (c, i) =>
      c.align === 'right' ||
      (c.align === undefined && rows.length > 0 && typeof columns[i]!.value(rows[0]!) === 'number'),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** Money for people: whole units with thousands separators (48213.7 → "48,214"). */
export const formatMoney = (n: number | null | undefined): string | null =>
  n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n).toLocaleString('en-US');

/** A ratio as a percentage with one decimal (0.1234 → "12.3%"). */
export const formatPercent = (r: number | null | undefined): string | null =>
  r === null || r === undefined || !Number.isFinite(r) ? null : `${(r * 100).toFixed(1)}%`;

/** Writes `formatTable` to stdout: the one way a command prints rows for people. */
export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
  process.stdout.write(formatTable(rows, columns));
}
