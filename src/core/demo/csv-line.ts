import type { CsvCell } from './demo-types.ts';

/** One CSV line (no newline): quotes cells holding a comma, quote or line break. */
export function csvLine(cells: readonly CsvCell[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) continue;
    const s = String(v);
    out += /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }
  return out;
}
