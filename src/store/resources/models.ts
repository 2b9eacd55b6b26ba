import type { Kysely } from 'kysely';
import type { Store } from '../database.ts';
import { findActiveModelRow, findModelRow, type ModelRow } from '../queries/learning/model-rows.ts';
import type { Database } from '../schema.ts';

export type ModelsResource = {
  /** The active model row: status 'active', highest version; null when none is stored yet. */
  active(): Promise<ModelRow | null>;
  get(version: number): Promise<ModelRow | null>;
  /** Stores `row` unless its version exists (first use of the default model). */
  insertIfMissing(row: Omit<ModelRow, 'version'> & { version: number }): Promise<void>;
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
  };
}
