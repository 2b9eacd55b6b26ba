import { sql } from 'kysely';
import type { Store } from '../database.ts';

/** When this database was created: the time its first migration was applied (null if unknown). */
export async function databaseCreatedAt(store: Store): Promise<string | null> {
  const r = await sql<{ at: string | null }>`select min(applied_at) as at from vigil_migrations`.execute(
    store.db,
  );
  return r.rows[0]?.at ?? null;
}
