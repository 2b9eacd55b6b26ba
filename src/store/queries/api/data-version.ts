import type { Store } from '../../database.ts';

/**
 * A token that changes whenever any committed data the store can read may have changed — written
 * by this process or by any other — so that a result computed after reading the token may be
 * reused for as long as the token stays the same (docs/adr/0037). Read it *before* the data: a
 * write that lands between the token and the data is then seen by the next token read, and the
 * cached result is recomputed once too often rather than served stale.
 *
 * - SQLite: `PRAGMA data_version` (changes when another connection — another process, or a worker
 *   thread's own handle — commits) and `total_changes()` of this connection (every row this
 *   process's handle inserted, updated or deleted). Neither is per table; both are free to read.
 * - PostgreSQL: the current snapshot (`xmin:xmax:in-progress ids`). Two equal snapshots see
 *   exactly the same committed transactions, so nothing was committed or rolled back between
 *   them; any transaction that got an id since changes it. Cluster-wide, one round trip.
 */
export async function readDataVersion(store: Store): Promise<string> {
  if (store.sqlite) {
    const other = store.sqlite.pragma('data_version', { simple: true }) as number;
    const own = store.sqlite.prepare('select total_changes()').pluck().get() as number;
    return `${other}:${own}`;
  }
  if (!store.pool) throw new Error('readDataVersion: store has neither a SQLite handle nor a pool');
  const r = await store.pool.query<{ v: string }>('select txid_current_snapshot()::text as v');
  return `pg:${r.rows[0]?.v ?? ''}`;
}
