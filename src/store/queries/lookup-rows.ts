import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Tables a mapping may look rows up in, and the fields (mapping names) each offers. */
export const LOOKUP_TABLES = {
  contracts: { id: 'id', account_id: 'account_id', plan: 'plan', currency: 'currency', start: 'start_date' },
  accounts: { id: 'id', name: 'name', owner: 'owner', segment: 'segment', parent_id: 'parent_id' },
  contacts: { id: 'id', account_id: 'account_id', email: 'email', name: 'name' },
} as const;
export type LookupTable = keyof typeof LOOKUP_TABLES;

/**
 * One field of every row of a table keyed by another (e.g. contract id →
 * account id), read once per import for a mapping's `lookup: db:TABLE`.
 * Null when the table has no such field.
 */
export async function loadLookupColumn(
  db: Db,
  table: LookupTable,
  on: string,
  field: string,
): Promise<Map<string, unknown> | null> {
  const cols = LOOKUP_TABLES[table] as Record<string, string>;
  const onCol = cols[on];
  const fieldCol = cols[field];
  if (!onCol || !fieldCol) return null;
  const rows = (await db
    .selectFrom(table)
    .select([`${onCol} as k`, `${fieldCol} as v`] as never)
    .execute()) as unknown as { k: string; v: unknown }[];
  const out = new Map<string, unknown>();
  for (const r of rows) if (r.k !== null && r.v !== null) out.set(String(r.k), r.v);
  return out;
}
