/**
 * One CSV cell of an export, safe to open in a spreadsheet: any text starting
 * with = + - @ tab or carriage return is prefixed with ' so it is shown, never
 * run as a formula (OWASP "CSV injection"); "-2+3+cmd|' /C calc'!A0" included.
 * Numbers (JavaScript numbers, e.g. a negative ARR change) are written as they are.
 */
export function csvCell(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
