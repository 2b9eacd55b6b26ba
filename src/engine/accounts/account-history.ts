import type { Viewer } from '../../core/access.ts';
import type { ScorePoint, TimelineItem } from '../../store/contract-types.ts';
import type { EngineContext } from '../context.ts';
import { requireVisibleAccount } from './account-access.ts';

export type ScoreHistory = {
  items: ScorePoint[];
  /** Where consecutive stored scores come from different model versions. */
  modelChanges: { asOf: string; fromVersion: number; toVersion: number }[];
};

/** An account's stored score history with model-change markers (`GET /v1/accounts/:id/scores`). */
export async function getScoreHistory(
  ctx: EngineContext,
  viewer: Viewer,
  id: string,
  range: { from?: string; to?: string },
): Promise<ScoreHistory> {
  await requireVisibleAccount(ctx, viewer, id);
  const items = await ctx.store.scores.history(id, range);
  const modelChanges: ScoreHistory['modelChanges'] = [];
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1], items[i]];
    if (a && b && a.modelVersion !== b.modelVersion)
      modelChanges.push({ asOf: b.asOf, fromVersion: a.modelVersion, toVersion: b.modelVersion });
  }
  return { items, modelChanges };
}

/** An account's events, newest first (`GET /v1/accounts/:id/timeline`). */
export async function getTimeline(
  ctx: EngineContext,
  viewer: Viewer,
  id: string,
  page: { limit: number; before?: string },
): Promise<{ items: TimelineItem[] }> {
  await requireVisibleAccount(ctx, viewer, id);
  return { items: await ctx.store.events.timeline(id, page) };
}
