import type { Kysely, Selectable } from 'kysely';
import type { CurrentScoresTable, Database } from '../schema.ts';

export type ScorePoint = {
  asOf: string;
  score: number;
  band: string;
  coverage: number;
  modelVersion: number;
};
export type CurrentScoreRow = Selectable<CurrentScoresTable>;

export type ScoresResource = {
  /** Stored score history of one account, by date then model version, optionally within [from, to]. */
  history(accountId: string, range: { from?: string; to?: string }): Promise<ScorePoint[]>;
  current(accountId: string): Promise<CurrentScoreRow | null>;
  /** Current score detail (the stored ScoreResult JSON text) per account. */
  currentDetails(accountIds: string[]): Promise<{ account_id: string; detail: string }[]>;
  /** Current score, band and detail of these accounts with their owner. */
  currentWithOwner(
    accountIds: string[],
  ): Promise<{ account_id: string; score: number; band: string; detail: string; owner: string | null }[]>;
  /** Band and score of every current score (portfolio totals). */
  currentBands(): Promise<{ band: string; score: number }[]>;
};

export function scoresResource(db: Kysely<Database>): ScoresResource {
  return {
    async history(accountId, range) {
      let q = db
        .selectFrom('scores')
        .select(['as_of', 'score', 'band', 'coverage', 'model_version'])
        .where('account_id', '=', accountId)
        .orderBy('as_of')
        .orderBy('model_version');
      if (range.from) q = q.where('as_of', '>=', range.from);
      if (range.to) q = q.where('as_of', '<=', range.to);
      return (await q.execute()).map((r) => ({
        asOf: r.as_of,
        score: Number(r.score),
        band: r.band,
        coverage: Number(r.coverage),
        modelVersion: Number(r.model_version),
      }));
    },
    async current(accountId) {
      return (
        (await db
          .selectFrom('current_scores')
          .selectAll()
          .where('account_id', '=', accountId)
          .executeTakeFirst()) ?? null
      );
    },
    async currentDetails(accountIds) {
      if (accountIds.length === 0) return [];
      return db
        .selectFrom('current_scores')
        .select(['account_id', 'detail'])
        .where('account_id', 'in', accountIds)
        .execute();
    },
    async currentWithOwner(accountIds) {
      if (accountIds.length === 0) return [];
      return db
        .selectFrom('current_scores as s')
        .innerJoin('accounts as a', 'a.id', 's.account_id')
        .select(['s.account_id', 's.score', 's.band', 's.detail', 'a.owner'])
        .where('s.account_id', 'in', accountIds)
        .execute();
    },
    currentBands: () => db.selectFrom('current_scores').select(['band', 'score']).execute(),
  };
}
