/**
 * The path of the first string (or object key) holding a NUL character inside
 * a JSON-like value, or null. PostgreSQL text cannot hold a NUL (byte 0), so a
 * row carrying one is rejected on its own, on every store alike, before it
 * reaches a statement that would fail the whole batch.
 */
export function findNul(value: unknown, path = '', depth = 0): string | null {
  // the common case (no NUL anywhere) is answered without building a path string per key
  return hasNul(value, depth) ? nulPath(value, path, depth) : null;
}

function hasNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasNul(value[i], depth + 1)) return true;
    return false;
  }
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    if (k.includes('\u0000') || hasNul((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

function nulPath(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nulPath(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (k.includes('\u0000')) return here;
    const p = nulPath(v, here, depth + 1);
    if (p) return p;
  }
  return null;
}

export const NUL_REASON = 'contains a NUL character (byte 0), which cannot be stored';

/** Shows NUL characters in text kept for review (rejects) as the escape `\u0000`. */
export const escapeNul = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '\\u0000') : s);

const ID_FIELDS = [
  'id',
  'account_id',
  'accountId',
  'contact_id',
  'contactId',
  'parent_id',
  'parentId',
  'manager_id',
  'managerId',
  'owner',
];

/**
 * The first id field whose value has spaces around it, or null. Ids are exact
 * keys: " a1" is not silently read as "a1" (which overwrote account a1 and moved
 * it to another CSM) nor kept as a second account; the row is refused so the
 * export gets fixed. `columns` maps field names to the file's own column names.
 */
export function paddedIdField(
  record: Record<string, unknown>,
  columns: Record<string, unknown> = {},
): string | null {
  for (const field of ID_FIELDS) {
    // a mapping names a column directly, or as { column } (computed specs read several columns: left to them)
    const spec = columns[field];
    const column =
      typeof spec === 'string' ? spec : ((spec as { column?: string } | undefined)?.column ?? field);
    const v = record[column];
    if (typeof v === 'string' && v !== v.trim() && v.trim() !== '') return column;
  }
  return null;
}

export const PADDED_ID_REASON = (v: unknown) =>
  `${JSON.stringify(v)} has spaces around it; ids are exact keys, so the row is refused rather than trimmed into another record`;
