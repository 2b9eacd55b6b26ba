import type { Kysely, Selectable } from 'kysely';
import type { Store } from '../database.ts';
import {
  activateModelRow,
  findActiveModelRow,
  findModelRow,
  type ModelRow,
} from '../queries/learning/model-rows.ts';
import { markDirty } from '../queries/mark-dirty.ts';
import type { Database } from '../schema.ts';
import type { ModelCalibrationsTable } from '../schema-learning.ts';

export type ModelCalibrationRow = Selectable<ModelCalibrationsTable>;

export type ModelsResource = {
  /** The active model row: status 'active', highest version; null when none is stored yet. */
  active(): Promise<ModelRow | null>;
  get(version: number): Promise<ModelRow | null>;
  /** Stores `row` unless its version exists (first use of the default model). */
  insertIfMissing(row: Omit<ModelRow, 'version'> & { version: number }): Promise<void>;
  /** A model's churn-probability calibrations, by horizon. */
  calibrations(version: number): Promise<ModelCalibrationRow[]>;
  /**
   * A proposed model becomes active (the active one retired, audited) and every account is queued
   * for a rescore under it. NOT_FOUND / CONFLICT when the version is missing or not proposed.
   */
  approve(
    version: number,
    by: string,
    at: string,
  ): Promise<{ previous: number | null; accountsQueued: number }>;
};

export function modelsResource(store: Store, db: Kysely<Database>): ModelsResource {
  return {
    active: () => findActiveModelRow(store),
    get: (version) => findModelRow(store, version),
    async insertIfMissing(row) {
      await db
        .insertInto('models')
        .values(row)
        .onConflict((oc) => oc.column('version').doNothing())
        .execute();
    },
    calibrations: (version) =>
      db
        .selectFrom('model_calibrations')
        .selectAll()
        .where('model_version', '=', version)
        .orderBy('horizon_days')
        .execute(),
    async approve(version, by, at) {
      const { previous } = await activateModelRow(store, version, by, at);
      const ids = await db.selectFrom('accounts').select('id').execute();
      const accountsQueued = await markDirty(
        store,
        ids.map((r) => r.id),
        at,
      );
      return { previous, accountsQueued };
    },
  };
}
