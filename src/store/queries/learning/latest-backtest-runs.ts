import type { Store } from '../../database.ts';

export type LatestBacktestRun = {
  runId: number;
  createdAt: string;
  auc: number | null;
  medianLeadDays: number | null;
  horizonDays: number;
};

/**
 * The most recent recorded backtest of each model version at one horizon (the figures the model
 * page's backtest panel showed last), by version.
 */
export async function listLatestBacktestRuns(
  store: Store,
  horizonDays: number,
): Promise<Map<number, LatestBacktestRun>> {
  const rows = await store.db
    .selectFrom('learning_runs')
    .select(['id', 'model_version', 'created_at', 'summary', 'horizon_days'])
    .where('kind', '=', 'backtest')
    .where('horizon_days', '=', horizonDays)
    .where('model_version', 'is not', null)
    .where((eb) =>
      eb(
        'id',
        'in',
        eb
          .selectFrom('learning_runs as r')
          .select((e) => e.fn.max('r.id').as('id'))
          .where('r.kind', '=', 'backtest')
          .where('r.horizon_days', '=', horizonDays)
          .groupBy('r.model_version'),
      ),
    )
    .execute();
  const out = new Map<number, LatestBacktestRun>();
  for (const r of rows) {
    const s = JSON.parse(r.summary) as { auc?: number | null; medianLeadDays?: number | null };
    out.set(Number(r.model_version), {
      runId: Number(r.id),
      createdAt: r.created_at,
      auc: s.auc ?? null,
      medianLeadDays: s.medianLeadDays ?? null,
      horizonDays: r.horizon_days,
    });
  }
  return out;
}
