import type { Generated } from 'kysely';

/** Tables of the learning area (migration 006-learning). */
export type LearningTables = {
  model_calibrations: ModelCalibrationsTable;
  learning_runs: LearningRunsTable;
};

/** churn probability within `horizon_days` = σ(slope × score + intercept) for this model version. */
export type ModelCalibrationsTable = {
  model_version: number;
  horizon_days: number;
  slope: number;
  intercept: number;
  rows: number;
  fitted_from: string;
  fitted_to: string;
  created_at: string;
};

export type LearningRunsTable = {
  id: Generated<number>;
  kind: string; // backtest | train
  model_version: number | null;
  horizon_days: number;
  created_at: string;
  created_by: string | null;
  summary: string; // JSON: headline figures
  report: string; // JSON: full report
};
