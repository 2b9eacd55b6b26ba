import { AppError } from '../../core/errors.ts';
import type { HealthModel } from '../../core/scoring/health-model.ts';
import type { EngineContext } from '../context.ts';
import type { StoredTrainingBacktest } from './train-model.ts';

export type ModelDetail = {
  version: number;
  name: string;
  status: string;
  /** As stored: validated when the version was created or trained. */
  document: HealthModel;
  createdAt: string;
  createdBy: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  notes: string | null;
  /** Stored with a trained model: fit and held-out periods, weights, proposed vs current metrics. */
  backtest: StoredTrainingBacktest | null;
  /** churn probability within horizonDays = σ(slope × score + intercept), per horizon. */
  calibrations: {
    horizonDays: number;
    slope: number;
    intercept: number;
    rows: number;
    fittedFrom: string;
    fittedTo: string;
  }[];
};

/** One model version with its stored backtest and calibrations (GET /v1/models/:version). */
export async function getModel(ctx: EngineContext, version: number): Promise<ModelDetail> {
  const row = await ctx.store.models.get(version);
  if (!row) throw new AppError('NOT_FOUND', `model version ${version} does not exist`);
  const calibrations = await ctx.store.models.calibrations(version);
  return {
    version: row.version,
    name: row.name,
    status: row.status,
    document: JSON.parse(row.document),
    createdAt: row.created_at,
    createdBy: row.created_by,
    approvedAt: row.approved_at,
    approvedBy: row.approved_by,
    notes: row.notes,
    backtest: row.backtest ? JSON.parse(row.backtest) : null,
    calibrations: calibrations.map((c) => ({
      horizonDays: c.horizon_days,
      slope: c.slope,
      intercept: c.intercept,
      rows: Number(c.rows),
      fittedFrom: c.fitted_from,
      fittedTo: c.fitted_to,
    })),
  };
}
