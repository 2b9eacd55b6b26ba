import { AppError } from '../../core/errors.ts';
import { findModelRow } from '../../store/queries/learning/model-rows.ts';
import type { EngineContext } from '../context.ts';
import { getActiveModel } from '../scoring/get-active-model.ts';
import { type HealthModel, SCORING, type ScoringPort } from './scoring-port.ts';

export type ResolvedModel = { version: number; name: string; status: string; document: HealthModel };

/**
 * The model a backtest or training run works with: the given version, else the active one (the
 * scoring engine stores the default model as version 1 on first use).
 */
export async function resolveModel(
  ctx: EngineContext,
  version?: number,
  scoring: ScoringPort = SCORING,
): Promise<ResolvedModel> {
  if (version === undefined) {
    const active = await getActiveModel(ctx.store);
    return { version: active.version, name: active.name, status: active.status, document: active.model };
  }
  const row = await findModelRow(ctx.store, version);
  if (!row) throw new AppError('NOT_FOUND', `model version ${version} does not exist`);
  return {
    version: row.version,
    name: row.name,
    status: row.status,
    document: scoring.parseModel(JSON.parse(row.document)),
  };
}
