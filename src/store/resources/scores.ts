import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { CurrentScoresTable, Database, ScoresTable } from '../schema.ts';

export type ScorePoint = {
  asOf: string;
  score: number;
  band: string;
  coverage: number;
  modelVersion: number;
};
export type CurrentScoreRow = Selectable<CurrentScoresTable>;
/** What a rescore reads of an account's stored current score (the previous one, once rescored). */
export type StoredCurrentScore = Pick<
  CurrentScoreRow,
  'account_id' | 'detail' | 'as_of' | 'score' | 'band' | 'previous_score' | 'previous_band'
>;
/** A stored current score without its detail: enough to tell whether a kept copy of the detail is still the stored one. */
export type CurrentScoreStamp = Omit<StoredCurrentScore, 'detail'> &
  Pick<CurrentScoreRow, 'computed_at' | 'lifecycle_stage'>;
export type HistoryRow = Insertable<ScoresTable>;
export type CurrentScoreWrite = Insertable<CurrentScoresTable>;

/** Rows per multi-row statement: one statement per row was most of a full rescore's time. */
const ROWS_PER_STATEMENT = 100;
const excluded = (cols: string[]) =>
  Object.fromEntries(cols.map((c) => [c, sql.ref(`excluded.${c}`)])) as never;

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
  /** The stored current scores of these accounts (what a rescore carries into `previous_*`). */
  currentForRescore(accountIds: string[]): Promise<StoredCurrentScore[]>;
  /** The stored current scores of these accounts without their detail (the scoring cache checks its copy against them). */
  currentStamps(accountIds: string[]): Promise<CurrentScoreStamp[]>;
  /** History points of these accounts dated in [from, before) (trend inputs of a rescore). */
  recentHistory(
    accountIds: string[],
    from: string,
    before: string,
  ): Promise<{ account_id: string; as_of: string; score: number }[]>;
  /**
   * Stores one rescored batch in one transaction: history rows (replacing the same account, date
   * and model version) and current scores (replacing the account's).
   */
  saveRescore(history: HistoryRow[], current: CurrentScoreWrite[]): Promise<void>;
  /** Adds history rows, keeping any already stored for the same account, date and model version (backfill). */
  addHistory(rows: HistoryRow[]): Promise<void>;
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
    async currentForRescore(accountIds) {
      if (accountIds.length === 0) return [];
      return db
        .selectFrom('current_scores')
        .select(['account_id', 'detail', 'as_of', 'score', 'band', 'previous_score', 'previous_band'])
        .where('account_id', 'in', accountIds)
        .execute();
    },
    async currentStamps(accountIds) {
      if (accountIds.length === 0) return [];
      return db
        .selectFrom('current_scores')
        .select([
          'account_id',
          'as_of',
          'score',
          'band',
          'previous_score',
          'previous_band',
          'computed_at',
          'lifecycle_stage',
        ])
        .where('account_id', 'in', accountIds)
        .execute();
    },
    async recentHistory(accountIds, from, before) {
      if (accountIds.length === 0) return [];
      return db
        .selectFrom('scores')
        .select(['account_id', 'as_of', 'score'])
        .where('account_id', 'in', accountIds)
        .where('as_of', '>=', from)
        .where('as_of', '<', before)
        .execute();
    },
    async saveRescore(history, current) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < history.length; i += ROWS_PER_STATEMENT) {
          await trx
            .insertInto('scores')
            .values(history.slice(i, i + ROWS_PER_STATEMENT))
            .onConflict((oc) =>
              oc
                .columns(['account_id', 'as_of', 'model_version'])
                .doUpdateSet(excluded(['score', 'band', 'coverage', 'detail', 'computed_at'])),
            )
            .execute();
        }
        for (let i = 0; i < current.length; i += ROWS_PER_STATEMENT) {
          const chunk = current.slice(i, i + ROWS_PER_STATEMENT);
          await trx
            .insertInto('current_scores')
            .values(chunk)
            .onConflict((oc) =>
              oc
                .column('account_id')
                .doUpdateSet(excluded(Object.keys(chunk[0]!).filter((c) => c !== 'account_id'))),
            )
            .execute();
        }
      });
    },
    async addHistory(rows) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 2 * ROWS_PER_STATEMENT) {
          await trx
            .insertInto('scores')
            .values(rows.slice(i, i + 2 * ROWS_PER_STATEMENT))
            .onConflict((oc) => oc.columns(['account_id', 'as_of', 'model_version']).doNothing())
            .execute();
        }
      });
    },
  };
}
