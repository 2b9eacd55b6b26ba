import type { Store } from '../../database.ts';

/** Records an inbound delivery id; false when it was already applied (a redelivery). */
export async function claimInboundId(store: Store, source: string, id: string, at: string): Promise<boolean> {
  const r = await store.db
    .insertInto('inbound_seen')
    .values({ source, id, at })
    .onConflict((oc) => oc.columns(['source', 'id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Forgets a claim whose work failed, so the vendor's retry is applied. */
export async function releaseInboundId(store: Store, source: string, id: string): Promise<void> {
  await store.db.deleteFrom('inbound_seen').where('source', '=', source).where('id', '=', id).execute();
}
