import type { Store } from '../database.ts';

export type DirtyClaim = { accountId: string; version: number };

/**
 * Claims up to `limit` accounts that need rescoring, with a lease: on
 * PostgreSQL with FOR UPDATE SKIP LOCKED so concurrent workers take disjoint
 * sets; a claim whose lease expired (its worker died) is taken again.
 */
export async function claimDirty(
  store: Store,
  options: { workerId: string; limit: number; now: string; leaseSeconds?: number },
): Promise<DirtyClaim[]> {
  const until = new Date(Date.parse(options.now) + (options.leaseSeconds ?? 60) * 1000).toISOString();
  return store.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('dirty_accounts')
      .select(['account_id', 'version'])
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', options.now)]))
      .orderBy('priority', 'desc')
      .orderBy('marked_at')
      .limit(options.limit);
    if (store.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable('dirty_accounts')
      .set({ locked_by: options.workerId, locked_until: until })
      .where(
        'account_id',
        'in',
        rows.map((r) => r.account_id),
      )
      .execute();
    return rows.map((r) => ({ accountId: r.account_id, version: Number(r.version) }));
  });
}

/**
 * Releases claims: a row is deleted only if nobody marked it again meanwhile
 * (same version); the others are unlocked for the next round. Two statements
 * per batch of 500 claims, whatever the batch size.
 */
export async function releaseDirty(store: Store, claims: DirtyClaim[]): Promise<void> {
  for (let i = 0; i < claims.length; i += 500) {
    const chunk = claims.slice(i, i + 500);
    await store.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('dirty_accounts')
        .where((eb) =>
          eb.or(
            chunk.map((c) => eb.and([eb('account_id', '=', c.accountId), eb('version', '=', c.version)])),
          ),
        )
        .execute();
      await trx
        .updateTable('dirty_accounts')
        .set({ locked_by: null, locked_until: null })
        .where(
          'account_id',
          'in',
          chunk.map((c) => c.accountId),
        )
        .execute();
    });
  }
}
