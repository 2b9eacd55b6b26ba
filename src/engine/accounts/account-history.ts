import type { Viewer } from '../../core/access.ts';
import { type FormattedEvent, formatTimelineEvent } from '../../core/accounts/format-timeline-event.ts';
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

/**
 * An account's events, newest first (`GET /v1/accounts/:id/timeline`), each with its `display`:
 * the event in words, contacts and users by name (src/core/accounts/format-timeline-event.ts).
 */
export async function getTimeline(
  ctx: EngineContext,
  viewer: Viewer,
  id: string,
  page: { limit: number; before?: string },
): Promise<{ items: (TimelineItem & { display: FormattedEvent })[] }> {
  await requireVisibleAccount(ctx, viewer, id);
  const [items, record, users] = await Promise.all([
    ctx.store.events.timeline(id, page),
    ctx.store.accounts.get(id),
    ctx.store.users.list(),
  ]);
  const names = new Map<string, string>();
  for (const u of users) if (u.name) names.set(u.id, u.name);
  for (const c of record?.contacts ?? []) if (c.name) names.set(c.id, c.name);
  const currency = record?.contracts.at(-1)?.currency ?? 'USD';
  return { items: items.map((e) => ({ ...e, display: formatTimelineEvent(e, { names, currency }) })) };
}
