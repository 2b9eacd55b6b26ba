import type { Store } from '../database.ts';

/** An outbox row claimed for delivery; `attempts` already counts this attempt. */
export type OutboxClaim = { id: number; kind: string; target: string; payload: string; attempts: number };

/** The outcome of one delivery attempt. */
export type OutboxAttempt = {
  workerId: string;
  at: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** Failed and out of attempts: the row is dead. */
  dead: boolean;
  /** Failed: when to try again. */
  nextAttemptAt: string;
};

export type OutboxResource = {
  /**
   * Claims up to `limit` due rows with a lease: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so concurrent
   * workers take disjoint rows; on SQLite the claim is one write transaction. A row whose lease
   * expired (its worker died) is due again.
   */
  claimDue(options: {
    workerId: string;
    limit: number;
    now: string;
    leaseSeconds: number;
  }): Promise<OutboxClaim[]>;
  /**
   * Records an attempt (a `deliveries` row) and the row's new state, only while `workerId` still
   * holds its lease. Returns false when the lease was lost (another worker took the row over).
   */
  record(claim: OutboxClaim, attempt: OutboxAttempt): Promise<boolean>;
  /** Gives claimed rows back unsent (a stopping worker): due at once, the attempt not counted. */
  release(claims: OutboxClaim[], workerId: string): Promise<number>;
  /** Rows by status (tests, health). */
  counts(): Promise<Record<string, number>>;
};

export function outboxResource(store: Store): OutboxResource {
  const { db } = store;
  return {
    claimDue(options) {
      const until = new Date(Date.parse(options.now) + options.leaseSeconds * 1000).toISOString();
      return db.transaction().execute(async (trx) => {
        let q = trx
          .selectFrom('outbox')
          .select(['id', 'kind', 'target', 'payload', 'attempts'])
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', options.now)
          .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', options.now)]))
          .orderBy('id')
          .limit(options.limit);
        if (store.capabilities.skipLockedClaims) q = q.forUpdate().skipLocked();
        const rows = await q.execute();
        if (rows.length === 0) return [];
        await trx
          .updateTable('outbox')
          .set((eb) => ({
            locked_by: options.workerId,
            locked_until: until,
            attempts: eb('attempts', '+', 1),
          }))
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) + 1 }));
      });
    },
    async record(claim, a) {
      const res = await db
        .updateTable('outbox')
        .set(
          a.ok
            ? {
                status: 'delivered',
                delivered_at: a.at,
                locked_by: null,
                locked_until: null,
                last_error: null,
              }
            : {
                status: a.dead ? 'dead' : 'pending',
                next_attempt_at: a.nextAttemptAt,
                locked_by: null,
                locked_until: null,
                last_error: a.error,
              },
        )
        .where('id', '=', claim.id)
        .where('locked_by', '=', a.workerId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      await db
        .insertInto('deliveries')
        .values({
          outbox_id: claim.id,
          attempt: claim.attempts,
          at: a.at,
          worker_id: a.workerId,
          ok: a.ok ? 1 : 0,
          status_code: a.statusCode,
          error: a.error,
          duration_ms: a.durationMs,
        })
        .execute();
      return Number(res.numUpdatedRows) > 0;
    },
    async release(claims, workerId) {
      if (claims.length === 0) return 0;
      const res = await db
        .updateTable('outbox')
        .set((eb) => ({ locked_by: null, locked_until: null, attempts: eb('attempts', '-', 1) }))
        .where(
          'id',
          'in',
          claims.map((c) => c.id),
        )
        .where('locked_by', '=', workerId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    async counts() {
      const rows = await db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}
