import type { Store } from '../../database.ts';

export type PushStateRow = { accountId: string; crmId: string; valuesKey: string; pushedAt: string };

export async function loadPushState(store: Store, connectionId: string): Promise<Map<string, PushStateRow>> {
  const rows = await store.db
    .selectFrom('crm_push_state')
    .select(['account_id', 'crm_id', 'values_key', 'pushed_at'])
    .where('connection_id', '=', connectionId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.account_id,
      { accountId: r.account_id, crmId: r.crm_id, valuesKey: r.values_key, pushedAt: r.pushed_at },
    ]),
  );
}

/** Records what was written (only records the CRM confirmed). */
export async function savePushState(store: Store, connectionId: string, rows: PushStateRow[]): Promise<void> {
  if (rows.length === 0) return;
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('crm_push_state')
        .values(
          rows.slice(i, i + 500).map((r) => ({
            connection_id: connectionId,
            account_id: r.accountId,
            crm_id: r.crmId,
            values_key: r.valuesKey,
            pushed_at: r.pushedAt,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['connection_id', 'account_id']).doUpdateSet((eb) => ({
            crm_id: eb.ref('excluded.crm_id'),
            values_key: eb.ref('excluded.values_key'),
            pushed_at: eb.ref('excluded.pushed_at'),
          })),
        )
        .execute();
  });
}
