import type { Kysely, Selectable } from 'kysely';
import type { Database, OverridesTable } from '../schema.ts';
import { type AuditEntry, insertAudit } from './audit.ts';

export type OverrideRow = Selectable<OverridesTable>;

export type NewOverride = {
  accountId: string;
  score: number;
  reason: string;
  by: string;
  at: string;
  expiresAt: string;
};

export type OverridesResource = {
  /**
   * One transaction: revokes the account's override in force, stores the new one, carries its score
   * into `current_scores` and writes the audit line. Returns the new override's id.
   */
  replace(o: NewOverride, audit: AuditEntry): Promise<number>;
  /** Revokes the override in force at `at` (audited, clears `current_scores.override_score`); false if none. */
  revoke(accountId: string, at: string, audit: AuditEntry): Promise<boolean>;
  /** Overrides in force at `now` (not revoked, not expired), oldest first (so the newest wins in a map). */
  active(accountIds: string[], now: string): Promise<OverrideRow[]>;
};

export function overridesResource(db: Kysely<Database>): OverridesResource {
  return {
    replace(o, audit) {
      return db.transaction().execute(async (trx) => {
        // one active override per account: a new one replaces the last
        await trx
          .updateTable('overrides')
          .set({ revoked_at: o.at })
          .where('account_id', '=', o.accountId)
          .where('revoked_at', 'is', null)
          .execute();
        const row = await trx
          .insertInto('overrides')
          .values({
            account_id: o.accountId,
            score: o.score,
            reason: o.reason,
            created_by: o.by,
            created_at: o.at,
            expires_at: o.expiresAt,
            revoked_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .updateTable('current_scores')
          .set({ override_score: o.score })
          .where('account_id', '=', o.accountId)
          .execute();
        await insertAudit(trx, audit);
        return Number(row.id);
      });
    },
    revoke(accountId, at, audit) {
      return db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('overrides')
          .set({ revoked_at: at })
          .where('account_id', '=', accountId)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return false;
        await trx
          .updateTable('current_scores')
          .set({ override_score: null })
          .where('account_id', '=', accountId)
          .execute();
        await insertAudit(trx, audit);
        return true;
      });
    },
    async active(accountIds, now) {
      const out: OverrideRow[] = [];
      for (let i = 0; i < accountIds.length; i += 500) {
        const ids = accountIds.slice(i, i + 500);
        out.push(
          ...(await db
            .selectFrom('overrides')
            .selectAll()
            .where('account_id', 'in', ids)
            .where('revoked_at', 'is', null)
            .where('expires_at', '>', now)
            .orderBy('created_at', 'asc')
            .orderBy('id', 'asc')
            .execute()),
        );
      }
      return out;
    },
  };
}
