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

/**
 * THE active-model rule, in one place: the stored model with status 'active' and the highest
 * version; on first use the default model is stored as version 1 and is the active one. Every
 * score, explanation, backtest and training run without an explicit version asks here
 * (`resolveModel` adds "or this version" for learning).
 */
export async function getActiveModel(store: Store): Promise<VersionedModel> {
  const row = await store.models.active();
  if (row)
    return {
      version: Number(row.version),
      name: row.name,
      status: row.status,
      model: parseModel(row.document),
    };
  // version 1 is as old as the database: the time its first migration ran
  const created = (await databaseCreatedAt(store)) ?? new Date().toISOString();
  await store.models.insertIfMissing({
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
  });
  return getActiveModel(store);
}
