import type { Store } from '../../database.ts';

export type FixtureAccount = {
  id: string;
  name?: string;
  owner?: string | null;
  traits?: Record<string, unknown>;
  score: number;
  band: string;
  coverage?: number;
  trend30?: number | null;
  warning?: string | null;
};

/** Test and benchmark fixture: accounts with a current score (as the worker would have written it). */
export async function seedScoreFixtures(store: Store, accounts: FixtureAccount[], at: string): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < accounts.length; i += 200) {
      const chunk = accounts.slice(i, i + 200);
      await trx
        .insertInto('accounts')
        .values(
          chunk.map((a) => ({
            id: a.id,
            name: a.name ?? a.id,
            segment: 'smb',
            owner: a.owner ?? null,
            traits: JSON.stringify(a.traits ?? {}),
            tags: '[]',
            updated_at: at,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await setScores(trx as unknown as Store['db'], chunk, at);
    }
  });
}

/** Replaces the current score of accounts (a rescore). */
export async function updateFixtureScores(
  store: Store,
  accounts: FixtureAccount[],
  at: string,
): Promise<void> {
  await setScores(store.db, accounts, at);
}

async function setScores(db: Store['db'], accounts: FixtureAccount[], at: string) {
  if (accounts.length === 0) return;
  const rows = accounts.map((a) => ({
    account_id: a.id,
    as_of: at.slice(0, 10),
    model_version: 1,
    score: a.score,
    band: a.band,
    coverage: a.coverage ?? 1,
    detail: JSON.stringify({
      accountId: a.id,
      score: a.score,
      band: a.band,
      drivers: { warnings: a.warning ? [{ signalId: 'x', label: a.warning, points: 10, detail: '' }] : [] },
    }),
    computed_at: at,
    previous_score: null,
    previous_band: null,
    override_score: null,
    trend_30: a.trend30 ?? null,
    top_driver: null,
  }));
  await db
    .insertInto('current_scores')
    .values(rows)
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet((eb) => ({
        score: eb.ref('excluded.score'),
        band: eb.ref('excluded.band'),
        detail: eb.ref('excluded.detail'),
        trend_30: eb.ref('excluded.trend_30'),
        computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute();
}
