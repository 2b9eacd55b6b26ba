import type { Kysely } from 'kysely';
import { addAutoId, type DialectName, emptyJsonObject, notNull } from './dialect-helpers.ts';

/**
 * Learning: the churn-probability calibration of each model version per horizon, and a history of
 * backtest and training runs (their full reports), so a figure shown once can be found again.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const s = db.schema;
  await s
    .createTable('model_calibrations')
    .addColumn('model_version', 'integer', notNull)
    .addColumn('horizon_days', 'integer', notNull)
    .addColumn('slope', 'double precision', notNull)
    .addColumn('intercept', 'double precision', notNull)
    .addColumn('rows', 'bigint', notNull)
    .addColumn('fitted_from', 'text', notNull)
    .addColumn('fitted_to', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addPrimaryKeyConstraint('model_calibrations_pk', ['model_version', 'horizon_days'])
    .execute();

  await addAutoId(s.createTable('learning_runs'), dialect)
    .addColumn('kind', 'text', notNull) // backtest | train
    .addColumn('model_version', 'integer')
    .addColumn('horizon_days', 'integer', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('created_by', 'text')
    .addColumn('summary', 'text', emptyJsonObject)
    .addColumn('report', 'text', notNull)
    .execute();
  await s.createIndex('learning_runs_kind').on('learning_runs').columns(['kind', 'created_at']).execute();
}
