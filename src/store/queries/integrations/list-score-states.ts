import type { Store } from '../../database.ts';

export type ScoreStateRow = {
  accountId: string;
  traits: string;
  owner: string | null;
  name: string;
  score: number;
  overrideScore: number | null;
  band: string;
  coverage: number;
  trend30: number | null;
  detail: string;
  computedAt: string;
};

/** Every scored account with its current score and traits (what CRM write-back reads), by account id. */
export async function listScoreStates(
  store: Store,
  accountIds?: readonly string[],
): Promise<ScoreStateRow[]> {
  let q = store.db
    .selectFrom('current_scores as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select([
      's.account_id as accountId',
      'a.traits as traits',
      'a.owner as owner',
      'a.name as name',
      's.score as score',
      's.override_score as overrideScore',
      's.band as band',
      's.coverage as coverage',
      's.trend_30 as trend30',
      's.detail as detail',
      's.computed_at as computedAt',
    ])
    .orderBy('s.account_id');
  if (accountIds) {
    if (accountIds.length === 0) return [];
    q = q.where('s.account_id', 'in', [...accountIds]);
  }
  return q.execute();
}
