import { sql } from 'kysely';
import type { Store } from '../../database.ts';

/** A claimed dirty account: the mark (time and version) the worker is processing. */
export type ChangeClaim = { accountId: string; markedAt: string; version: number };

/**
 * Claims up to `limit` dirty accounts with a lease. On PostgreSQL `FOR UPDATE SKIP LOCKED` makes
 * concurrent workers take disjoint sets without waiting on each other; on SQLite the claim is one
 * write transaction. A claim whose lease expired (its worker died) is taken again. On first claim
 * the account's current score is kept as its baseline, so whoever finishes the job sees the
 * change even if a crashed worker already wrote the new score.
 */
export async function claimChanges(
  store: Store,
  options: { workerId: string; limit: number; now: string; leaseSeconds: number },
): Promise<ChangeClaim[]> {
  const until = new Date(Date.parse(options.now) + options.leaseSeconds * 1000).toISOString();
  return store.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('dirty_accounts')
      .select(['account_id', 'marked_at', 'version'])
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', options.now)]))
      .orderBy('marked_at')
      .limit(options.limit);
    if (store.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.account_id);
    await trx
      .updateTable('dirty_accounts')
      .set({ locked_by: options.workerId, locked_until: until })
      .where('account_id', 'in', ids)
      .execute();
    await sql`insert into worker_baselines (account_id, score, band, created_at)
      select a.id, s.score, s.band, ${options.now} from accounts a left join current_scores s on s.account_id = a.id
      where a.id in (${sql.join(ids)})
      on conflict (account_id) do nothing`.execute(trx);
    return rows.map((r) => ({ accountId: r.account_id, markedAt: r.marked_at, version: Number(r.version) }));
  });
}

export type ReleaseReport = { processed: number; remarked: number; lostLease: number };

/**
 * Finishes claims in one transaction: a mark unchanged since the claim is deleted and recorded in
 * the ledger (exactly one row per processed change); a mark bumped meanwhile is unlocked for the
 * next round; a claim another worker took over (this one's lease expired) is left alone and
 * counted. Baselines are cleared: the playbooks have seen the change up to now.
 */
export async function releaseChanges(
  store: Store,
  claims: ChangeClaim[],
  options: { workerId: string; now: string },
): Promise<ReleaseReport> {
  const report: ReleaseReport = { processed: 0, remarked: 0, lostLease: 0 };
  if (claims.length === 0) return report;
  await store.db.transaction().execute(async (trx) => {
    for (const c of claims) {
      const del = await trx
        .deleteFrom('dirty_accounts')
        .where('account_id', '=', c.accountId)
        .where('version', '=', c.version)
        .where('marked_at', '=', c.markedAt)
        .where('locked_by', '=', options.workerId)
        .executeTakeFirst();
      if (Number(del.numDeletedRows) > 0) {
        await trx
          .insertInto('worker_ledger')
          .values({
            account_id: c.accountId,
            marked_at: c.markedAt,
            version: c.version,
            worker_id: options.workerId,
            processed_at: options.now,
          })
          .execute();
        await trx.deleteFrom('worker_baselines').where('account_id', '=', c.accountId).execute();
        report.processed++;
        continue;
      }
      const unlocked = await trx
        .updateTable('dirty_accounts')
        .set({ locked_by: null, locked_until: null })
        .where('account_id', '=', c.accountId)
        .where('locked_by', '=', options.workerId)
        .executeTakeFirst();
      if (Number(unlocked.numUpdatedRows) > 0) {
        await trx.deleteFrom('worker_baselines').where('account_id', '=', c.accountId).execute();
        report.remarked++;
      } else report.lostLease++;
    }
  });
  return report;
}
