import type { Store } from '../database.ts';
import { DIRTY_PRIORITY, markDirty } from '../queries/mark-dirty.ts';
import {
  type ChangeClaim,
  claimChanges,
  type ReleaseReport,
  releaseChanges,
} from '../queries/worker/claim-changes.ts';
import { writeTransaction } from '../write-transaction.ts';

export type DirtyResource = {
  /** Marks accounts for a rescore (bumps their version; priority only rises). Returns rows written. */
  mark(accountIds: Iterable<string>, at: string, priority?: number): Promise<number>;
  /** Forgets every mark (the demo load has just scored every account). */
  clearAll(): Promise<void>;
};

/**
 * The one claim mechanism for dirty accounts, used by the worker loop and by `recomputeScores`:
 * a lease per claim, `SKIP LOCKED` where the store has it, release by (account, version, mark time)
 * with a ledger row per processed change.
 */
export type ClaimsResource = {
  claim(options: {
    workerId: string;
    limit: number;
    now: string;
    leaseSeconds: number;
    baseline?: boolean;
  }): Promise<ChangeClaim[]>;
  release(claims: ChangeClaim[], options: { workerId: string; now: string }): Promise<ReleaseReport>;
  /** The scores kept at first claim (the worker judges a change against them). */
  baselines(
    accountIds: string[],
  ): Promise<{ account_id: string; score: number | null; band: string | null }[]>;
};

export type { ChangeClaim, ReleaseReport };
export { DIRTY_PRIORITY };

export function dirtyResource(store: Store): DirtyResource {
  return {
    mark: (ids, at, priority) => markDirty(store, ids, at, priority),
    async clearAll() {
      await store.db.deleteFrom('dirty_accounts').execute();
    },
  };
}

export function claimsResource(store: Store): ClaimsResource {
  return {
    // lock conflicts (PostgreSQL deadlocks, serialisation failures; SQLite busy) are retried whole
    claim: (options) => writeTransaction(store, () => claimChanges(store, options), { budgetMs: 30_000 }),
    release: (claims, options) =>
      writeTransaction(store, () => releaseChanges(store, claims, options), { budgetMs: 30_000 }),
    async baselines(accountIds) {
      if (accountIds.length === 0) return [];
      return store.db
        .selectFrom('worker_baselines')
        .select(['account_id', 'score', 'band'])
        .where('account_id', 'in', accountIds)
        .execute();
    },
  };
}
