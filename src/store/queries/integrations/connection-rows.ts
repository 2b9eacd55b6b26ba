import type { Selectable } from 'kysely';
import type { Store } from '../../database.ts';
import type { ConnectionsTable } from '../../schema-integrations.ts';

export type ConnectionRow = Selectable<ConnectionsTable>;

export async function listConnectionRows(store: Store): Promise<ConnectionRow[]> {
  return store.db.selectFrom('connections').selectAll().orderBy('id').execute();
}

export async function findConnectionRow(store: Store, id: string): Promise<ConnectionRow | null> {
  return (
    (await store.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
  );
}

/** Inserts or replaces a connection's configuration; keeps its push time, budget and cursor. */
export async function upsertConnectionRow(
  store: Store,
  row: Pick<ConnectionRow, 'id' | 'kind' | 'name' | 'enabled' | 'settings' | 'secrets' | 'source'>,
  at: string,
): Promise<void> {
  await store.db
    .insertInto('connections')
    .values({ ...row, created_at: at, updated_at: at, budget_used: 0 })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        kind: row.kind,
        name: row.name,
        enabled: row.enabled,
        settings: row.settings,
        secrets: row.secrets,
        source: row.source,
        updated_at: at,
      }),
    )
    .execute();
}

export async function deleteConnectionRow(store: Store, id: string): Promise<boolean> {
  const r = await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('crm_push_state').where('connection_id', '=', id).execute();
    return trx.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
  });
  return Number(r.numDeletedRows) > 0;
}

export async function setConnectionPushedAt(store: Store, id: string, at: string): Promise<void> {
  await store.db.updateTable('connections').set({ last_push_at: at }).where('id', '=', id).execute();
}

export async function setConnectionCursor(store: Store, id: string, cursor: string): Promise<void> {
  await store.db.updateTable('connections').set({ cursor }).where('id', '=', id).execute();
}

/**
 * Takes `calls` from the connection's daily budget (UTC day) in one statement;
 * returns false (and takes nothing) when that would exceed `budget`.
 */
export async function spendConnectionBudget(
  store: Store,
  id: string,
  day: string,
  calls: number,
  budget: number | null,
): Promise<boolean> {
  return store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('connections')
      .select(['budget_day', 'budget_used'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return false;
    const used = row.budget_day === day ? Number(row.budget_used) : 0;
    if (budget !== null && used + calls > budget) return false;
    await trx
      .updateTable('connections')
      .set({ budget_day: day, budget_used: used + calls })
      .where('id', '=', id)
      .execute();
    return true;
  });
}

/**
 * Claims a connection's push for this moment when its delay has passed since
 * the last one: one conditional update, so of several workers only one pushes.
 */
export function claimDuePush(store: Store, id: string, now: string, dueBefore: string): Promise<boolean> {
  return claimDue(store, id, 'last_push_at', now, dueBefore);
}

/** Sets `column` to `now` on an enabled connection whose `column` is empty or at or before `dueBefore`. */
async function claimDue(
  store: Store,
  id: string,
  column: 'last_push_at' | 'last_read_at',
  now: string,
  dueBefore: string,
): Promise<boolean> {
  const r = await store.db
    .updateTable('connections')
    .set({ [column]: now })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .where((eb) => eb.or([eb(column, 'is', null), eb(column, '<=', dueBefore)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Claims a connection's scheduled CRM read (one conditional update, so two workers never read the
 * same connection at once): true when its last read was claimed at or before `dueBefore`, or never.
 */
export function claimDueRead(store: Store, id: string, now: string, dueBefore: string): Promise<boolean> {
  return claimDue(store, id, 'last_read_at', now, dueBefore);
}
