import { sql } from 'kysely';
import type { Store } from '../database.ts';

/** Rescoring priority: what people do (notes, tickets, meetings, overrides) before more usage. */
export const DIRTY_PRIORITY = { usage: 0, person: 1 } as const;

/**
 * Marks accounts as needing a rescore. Bumps `version` so a worker that is
 * scoring the account right now leaves the row in place (it clears the row
 * only when the version it claimed is unchanged): no change is ever lost.
 * The priority only ever rises until the account is rescored. `priority` may
 * differ per account. Rows are written in account-id order, so concurrent
 * writers (ingest, imports, worker releases) lock them in the same order and
 * cannot deadlock on each other (PostgreSQL).
 */
export async function markDirty(
  store: Store,
  accountIds: Iterable<string>,
  at: string,
  priority: number | ((accountId: string) => number) = DIRTY_PRIORITY.usage,
): Promise<number> {
  const ids = [...new Set(accountIds)].sort();
  const priorityOf = typeof priority === 'number' ? () => priority : priority;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await store.db
      .insertInto('dirty_accounts')
      .values(
        chunk.map((id) => ({
          account_id: id,
          marked_at: at,
          version: 1,
          locked_by: null,
          locked_until: null,
          priority: priorityOf(id),
        })),
      )
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet({
          marked_at: at,
          version: sql`dirty_accounts.version + 1`,
          priority: sql`case when excluded.priority > dirty_accounts.priority then excluded.priority else dirty_accounts.priority end`,
        }),
      )
      .execute();
  }
  return ids.length;
}
