import type { Viewer } from '../../core/access.ts';
import { computeScore } from '../../core/scoring/compute-score.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { type EngineContext, today } from '../context.ts';
import { getActiveModel } from '../scoring/get-active-model.ts';
import { activeOverride } from '../scoring/overrides.ts';
import { requireVisibleAccount } from './account-access.ts';

export type Explanation = { accountName: string; result: ScoreResult };

/**
 * The one explain use-case (`vigil explain`, `GET /v1/accounts/:id/explain`): the account scored
 * under the active model as of a date (default today) — every signal, weight, contribution,
 * driver — with the override in force when the date is today (an override is a judgement about
 * now, not about the past). With a viewer, an account they may not see is "not found".
 */
export async function explainAccount(
  ctx: EngineContext,
  input: { accountId: string; asOf?: string; viewer?: Viewer },
): Promise<Explanation> {
  if (input.viewer) await requireVisibleAccount(ctx, input.viewer, input.accountId);
  const now = today(ctx);
  const asOf = input.asOf ?? now;
  const active = await getActiveModel(ctx.store);
  const data = await ctx.store.accounts.loadData(input.accountId, asOf, active.model.lookbackDays);
  const result = computeScore(data, active.model, asOf, { modelVersion: active.version });
  if (asOf === now) result.override = await activeOverride(ctx, input.accountId);
  return { accountName: data.account.name, result };
}
