import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../../database.ts';
import type { SyncLogTable } from '../../schema-integrations.ts';

export type SyncLogRow = Selectable<SyncLogTable>;

export async function insertSyncLog(store: Store, row: Insertable<SyncLogTable>): Promise<number> {
  const r = await store.db.insertInto('sync_log').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Newest first. */
export async function listSyncLog(
  store: Store,
  options: { connectionId?: string; limit: number },
): Promise<SyncLogRow[]> {
  let q = store.db.selectFrom('sync_log').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.connectionId) q = q.where('connection_id', '=', options.connectionId);
  return (await q.execute()).map((r) => ({ ...r, id: Number(r.id) }));
}

/** The latest entry of each connection. */
export async function latestSyncLogPerConnection(store: Store): Promise<Map<string, SyncLogRow>> {
  const ids = await store.db
    .selectFrom('sync_log')
    .select(['connection_id', (eb) => eb.fn.max('id').as('id')])
    .groupBy('connection_id')
    .execute();
  if (ids.length === 0) return new Map();
  const rows = await store.db
    .selectFrom('sync_log')
    .selectAll()
    .where(
      'id',
      'in',
      ids.map((r) => Number(r.id)),
    )
    .execute();
  return new Map(rows.map((r) => [r.connection_id, { ...r, id: Number(r.id) }]));
}
