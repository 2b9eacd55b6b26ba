import type { Store } from '../../database.ts';

export type ModelCalibration = {
  modelVersion: number;
  horizonDays: number;
  slope: number;
  intercept: number;
  rows: number;
  fittedFrom: string;
  fittedTo: string;
  createdAt: string;
};

export async function upsertModelCalibration(store: Store, c: ModelCalibration): Promise<void> {
  const values = {
    model_version: c.modelVersion,
    horizon_days: c.horizonDays,
    slope: c.slope,
    intercept: c.intercept,
    rows: c.rows,
    fitted_from: c.fittedFrom,
    fitted_to: c.fittedTo,
    created_at: c.createdAt,
  };
  await store.db
    .insertInto('model_calibrations')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['model_version', 'horizon_days']).doUpdateSet({
        slope: values.slope,
        intercept: values.intercept,
        rows: values.rows,
        fitted_from: values.fitted_from,
        fitted_to: values.fitted_to,
        created_at: values.created_at,
      }),
    )
    .execute();
}

export async function findModelCalibration(
  store: Store,
  modelVersion: number,
  horizonDays: number,
): Promise<ModelCalibration | null> {
  const r = await store.db
    .selectFrom('model_calibrations')
    .selectAll()
    .where('model_version', '=', modelVersion)
    .where('horizon_days', '=', horizonDays)
    .executeTakeFirst();
  if (!r) return null;
  return {
    modelVersion: r.model_version,
    horizonDays: r.horizon_days,
    slope: r.slope,
    intercept: r.intercept,
    rows: Number(r.rows),
    fittedFrom: r.fitted_from,
    fittedTo: r.fitted_to,
    createdAt: r.created_at,
  };
}
