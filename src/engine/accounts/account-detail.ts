import type { Viewer } from '../../core/access.ts';
import { accountTermsOn } from '../../core/contracts/contract-terms.ts';
import { AppError } from '../../core/errors.ts';
import { computeExpansionOpportunity } from '../../core/playbooks/expansion.ts';
import { expansionInputFromData } from '../../core/playbooks/expansion-input.ts';
import { effectiveScore } from '../../core/scoring/effective-score.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { listVisibleTasks } from '../../store/queries/api/list-visible-tasks.ts';
import type { AccountRecord } from '../../store/resources/accounts.ts';
import { type EngineContext, today } from '../context.ts';
import { type Task, toTask } from '../playbooks/task-view.ts';
import { findTopQuartileScore } from '../playbooks/top-quartile-score.ts';
import { activeOverride } from '../scoring/overrides.ts';
import { requireVisibleAccount } from './account-access.ts';

export type AccountDetail = AccountRecord & {
  /** ARR, seats and renewal on `asOf` by the one contract rule (src/core/contracts). */
  terms: { asOf: string; arr: number; seats: number; renewalDate: string | null };
  score: ScoreResult | null;
  tasks: Task[];
  expansion: ReturnType<typeof computeExpansionOpportunity> | null;
};

/**
 * The account 360 (`GET /v1/accounts/:id`): account, contracts, contacts, the current score with the
 * override in force, tasks, and — for accounts in the top health quartile (effective score) — the
 * expansion opportunity.
 */
export async function getAccountDetail(
  ctx: EngineContext,
  viewer: Viewer,
  id: string,
): Promise<AccountDetail> {
  await requireVisibleAccount(ctx, viewer, id);
  const asOf = today(ctx);
  const [record, current, tasks, override] = await Promise.all([
    ctx.store.accounts.get(id),
    ctx.store.scores.current(id),
    listVisibleTasks(ctx.store, viewer, { accountId: id, limit: 100, offset: 0 }),
    activeOverride(ctx, id),
  ]);
  if (!record) throw new AppError('NOT_FOUND', `account ${id} not found`);
  const score = current ? (JSON.parse(current.detail) as ScoreResult) : null;
  if (score && override) score.override = override;
  let expansion = null;
  if (score) {
    const cutoff = await findTopQuartileScore(ctx.store);
    const effective = effectiveScore({ score: score.score, override });
    if (cutoff !== null && effective >= cutoff) {
      const data = await ctx.store.accounts.loadData(id, asOf, 200);
      expansion = computeExpansionOpportunity(expansionInputFromData(data, asOf, effective, cutoff));
    }
  }
  const { arr, seats, renewalDate } = accountTermsOn(record.contracts, asOf);
  return {
    ...record,
    terms: { asOf, arr, seats, renewalDate },
    score,
    tasks: tasks.rows.map(toTask),
    expansion,
  };
}
