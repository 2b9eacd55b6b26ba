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
  options: {
    workerId: string;
    limit: number;
    now: string;
    leaseSeconds: number;
    /** Keep the current score as the change baseline (default true; a plain rescore needs none). */
    baseline?: boolean;
  },
): Promise<ChangeClaim[]> {
  const until = new Date(Date.parse(options.now) + options.leaseSeconds * 1000).toISOString();
  return store.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('dirty_accounts')
      .select(['account_id', 'marked_at', 'version'])
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', options.now)]))
      .orderBy('priority', 'desc')
      .orderBy('marked_at')
      .limit(options.limit);
    if (store.capabilities.skipLockedClaims) q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.account_id);
    await trx
      .updateTable('dirty_accounts')
      .set({ locked_by: options.workerId, locked_until: until })
      .where('account_id', 'in', ids)
      .execute();
    if (options.baseline !== false)
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
  // set-based (a handful of statements per 500 claims, not three per claim): the transaction
  // holds its row locks briefly, so ingestion marking the same accounts waits less
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < claims.length; i += 500) {
      const chunk = claims.slice(i, i + 500);
      // PostgreSQL: lock the marks in account-id order first (as ingest's markDirty writes them), so
      // a release and a concurrent ingest never wait on each other crosswise (deadlock)
      if (store.dialect === 'postgres')
        await trx
          .selectFrom('dirty_accounts')
          .select('account_id')
          .where(
            'account_id',
            'in',
            chunk.map((c) => c.accountId),
          )
          .orderBy('account_id')
          .forUpdate()
          .execute();
      const done = await trx
        .deleteFrom('dirty_accounts')
        .where('locked_by', '=', options.workerId)
        .where((eb) =>
          eb.or(
            chunk.map((c) =>
              eb.and([
                eb('account_id', '=', c.accountId),
                eb('version', '=', c.version),
                eb('marked_at', '=', c.markedAt),
              ]),
            ),
          ),
        )
        .returning('account_id')
        .execute();
      const processed = new Set(done.map((d) => d.account_id));
      const ledger = chunk.filter((c) => processed.has(c.accountId));
      if (ledger.length > 0)
        await trx
          .insertInto('worker_ledger')
          .values(
            ledger.map((c) => ({
              account_id: c.accountId,
              marked_at: c.markedAt,
              version: c.version,
              worker_id: options.workerId,
              processed_at: options.now,
            })),
          )
          .execute();
      const rest = chunk.filter((c) => !processed.has(c.accountId)).map((c) => c.accountId);
      const unlocked =
        rest.length === 0
          ? []
          : await trx
              .updateTable('dirty_accounts')
              .set({ locked_by: null, locked_until: null })
              .where('account_id', 'in', rest)
              .where('locked_by', '=', options.workerId)
              .returning('account_id')
              .execute();
      const finished = [...processed, ...unlocked.map((u) => u.account_id)];
      if (finished.length > 0)
        await trx.deleteFrom('worker_baselines').where('account_id', 'in', finished).execute();
      report.processed += processed.size;
      report.remarked += unlocked.length;
      report.lostLease += rest.length - unlocked.length;
    }
  });
  return report;
}
