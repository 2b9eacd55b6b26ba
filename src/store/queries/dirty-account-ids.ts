import type { Store } from '../database.ts';

/** The accounts marked in the dirty ledger now (claimed or not): their data changed since they were last scored. */
export async function dirtyAccountIds(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('dirty_accounts').select('account_id').execute();
  return rows.map((r) => r.account_id);
}
