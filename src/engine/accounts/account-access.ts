import type { Viewer } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';

/** An account the caller may not see answers exactly like one that does not exist. */
export async function requireVisibleAccount(ctx: EngineContext, viewer: Viewer, id: string): Promise<void> {
  if (!(await ctx.store.accounts.isVisible(viewer, id)))
    throw new AppError('NOT_FOUND', `account ${id} not found`);
}

/** Which of these accounts a viewer may see (live stream, expansion list). */
export function visibleAccountIds(ctx: EngineContext, viewer: Viewer, ids: string[]): Promise<Set<string>> {
  return ctx.store.accounts.filterVisible(viewer, ids);
}

/** A task the caller may not see (its account is not theirs) answers like one that does not exist. */
export async function requireVisibleTask(ctx: EngineContext, viewer: Viewer, taskId: string): Promise<void> {
  const accountId = await ctx.store.tasks.accountOf(taskId);
  if (!accountId || !(await ctx.store.accounts.isVisible(viewer, accountId)))
    throw new AppError('NOT_FOUND', `task ${taskId} not found`);
}

/** True when the store holds no account yet (first start loads the demo). */
export const isStoreEmpty = (ctx: EngineContext): Promise<boolean> => ctx.store.accounts.isEmpty();

/** `GET /healthz`: one round trip to the database, and which kind it is. */
export async function checkHealth(ctx: EngineContext): Promise<{ ok: true; database: string }> {
  await ctx.store.ping();
  return { ok: true, database: ctx.store.dialect };
}
