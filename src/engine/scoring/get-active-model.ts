import { AppError } from '../../core/errors.ts';
import {
  DEFAULT_HEALTH_MODEL,
  type HealthModel,
  healthModelSchema,
} from '../../core/scoring/health-model.ts';
import type { Store } from '../../store/database.ts';
import { databaseCreatedAt } from '../../store/queries/database-created-at.ts';

export type VersionedModel = { version: number; name: string; status: string; model: HealthModel };

/**
 * Parsed model documents by their text: every worker round asks for the
 * active model, and parsing and validating the document each time cost more
 * than the query. The parsed model is frozen, so a cached one can never be
 * changed by a caller.
 */
const PARSED = new Map<string, HealthModel>();
function parseModel(document: string): HealthModel {
  let model = PARSED.get(document);
  if (!model) {
    model = deepFreeze(healthModelSchema.parse(JSON.parse(document)));
    if (PARSED.size >= 32) PARSED.delete(PARSED.keys().next().value!);
    PARSED.set(document, model);
  }
  return model;
}
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The active health model; version 1 (the default model) is created on first use. */
export async function getActiveModel(store: Store): Promise<VersionedModel> {
  const row = await store.db
    .selectFrom('models')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (row)
    return {
      version: Number(row.version),
      name: row.name,
      status: row.status,
      model: parseModel(row.document),
    };
  // version 1 is as old as the database: the time its first migration ran
  const created = (await databaseCreatedAt(store)) ?? new Date().toISOString();
  await store.db
    .insertInto('models')
    .values({
      version: 1,
      name: DEFAULT_HEALTH_MODEL.name,
      status: 'active',
      document: JSON.stringify(DEFAULT_HEALTH_MODEL),
      created_at: created,
      created_by: 'vigil',
      approved_at: created,
      approved_by: 'vigil',
      notes: 'default model',
      backtest: null,
    })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
  return getActiveModel(store);
}

export async function getModel(store: Store, version: number): Promise<VersionedModel> {
  const row = await store.db
    .selectFrom('models')
    .selectAll()
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `model version ${version} not found`);
  return {
    version: Number(row.version),
    name: row.name,
    status: row.status,
    model: parseModel(row.document),
  };
}
