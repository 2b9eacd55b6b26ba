import type { Store } from '../../database.ts';

export type StoredScore = { asOf: string; score: number; band: string };

/** Every stored score (live and backfilled) of one model version, per account, oldest first. */
export async function listStoredScores(
  store: Store,
  modelVersion: number,
): Promise<Map<string, StoredScore[]>> {
  const rows = await store.db
    .selectFrom('scores')
    .select(['account_id', 'as_of', 'score', 'band'])
    .where('model_version', '=', modelVersion)
    .orderBy('account_id')
    .orderBy('as_of')
    .execute();
  const out = new Map<string, StoredScore[]>();
  for (const r of rows) {
    let list = out.get(r.account_id);
    if (!list) {
      list = [];
      out.set(r.account_id, list);
    }
    list.push({ asOf: r.as_of.slice(0, 10), score: Number(r.score), band: r.band });
  }
  return out;
}

/** Number of stored scores of a model version (to decide whether a backtest can use them). */
export async function countStoredScores(store: Store, modelVersion: number): Promise<number> {
  const r = await store.db
    .selectFrom('scores')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model_version', '=', modelVersion)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
