import { AppError } from '../../core/errors.ts';
import {
  DEFAULT_HEALTH_MODEL,
  type HealthModel,
  healthModelSchema,
} from '../../core/scoring/health-model.ts';
import type { Store } from '../../store/database.ts';

export type VersionedModel = { version: number; name: string; status: string; model: HealthModel };

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
      model: healthModelSchema.parse(JSON.parse(row.document)),
    };
  await store.db
    .insertInto('models')
    .values({
      version: 1,
      name: DEFAULT_HEALTH_MODEL.name,
      status: 'active',
      document: JSON.stringify(DEFAULT_HEALTH_MODEL),
      created_at: new Date(0).toISOString(),
      created_by: 'vigil',
      approved_at: new Date(0).toISOString(),
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
    model: healthModelSchema.parse(JSON.parse(row.document)),
  };
}
