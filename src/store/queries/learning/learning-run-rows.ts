import type { Store } from '../../database.ts';

export type LearningRun = {
  kind: 'backtest' | 'train';
  modelVersion: number | null;
  horizonDays: number;
  createdAt: string;
  createdBy: string | null;
  summary: unknown;
  report: unknown;
};

export async function insertLearningRun(store: Store, run: LearningRun): Promise<number> {
  const r = await store.db
    .insertInto('learning_runs')
    .values({
      kind: run.kind,
      model_version: run.modelVersion,
      horizon_days: run.horizonDays,
      created_at: run.createdAt,
      created_by: run.createdBy,
      summary: JSON.stringify(run.summary),
      report: JSON.stringify(run.report),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Latest runs first, without their full reports. */
export async function listLearningRuns(
  store: Store,
  limit = 20,
): Promise<
  {
    id: number;
    kind: string;
    modelVersion: number | null;
    horizonDays: number;
    createdAt: string;
    summary: unknown;
  }[]
> {
  const rows = await store.db
    .selectFrom('learning_runs')
    .select(['id', 'kind', 'model_version', 'horizon_days', 'created_at', 'summary'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    modelVersion: r.model_version,
    horizonDays: r.horizon_days,
    createdAt: r.created_at,
    summary: JSON.parse(r.summary),
  }));
}
