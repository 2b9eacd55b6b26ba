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
  const sqlite = store.sqlite;
  if (sqlite)
    return onSqliteConnection(store, () => {
      // a transaction left open by an awaiting caller: its writes may still roll back, which
      // total_changes() would not show: a token that never matches, so nothing read now is kept
      if (sqlite.inTransaction) return `open-transaction:${++unmatched}`;
      const other = sqlite.pragma('data_version', { simple: true }) as number;
      const own = sqlite.prepare('select total_changes()').pluck().get() as number;
      return `${other}:${own}`;
    });
  if (!store.pool) throw new Error('readDataVersion: store has neither a SQLite handle nor a pool');
  const r = await store.pool.query<{ v: string }>('select txid_current_snapshot()::text as v');
  return `pg:${r.rows[0]?.v ?? ''}`;
}

let unmatched = 0;

/**
 * Runs raw better-sqlite3 calls while holding Kysely's connection (SQLite has one, and a Kysely
 * transaction holds it from BEGIN to COMMIT): raw reads then never see another flow's uncommitted
 * writes. On PostgreSQL `fn` runs as is (its raw reads take their own pooled connection).
 */
export function onSqliteConnection<T>(store: Store, fn: () => T | Promise<T>): Promise<T> {
  if (!store.sqlite) return Promise.resolve(fn());
  return store.db.connection().execute(async () => await fn());
}
