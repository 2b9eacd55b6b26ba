import type { Store } from '../../database.ts';

/** One audit entry (details never carry secret values). */
export async function insertAudit(
  store: Store,
  entry: { at: string; actor: string; action: string; target: string; details: Record<string, unknown> },
): Promise<void> {
  await store.db
    .insertInto('audit_log')
    .values({ ...entry, details: JSON.stringify(entry.details) })
    .execute();
}
