import type { Viewer } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';

/** An account the caller may not see answers exactly like one that does not exist. */
export async function requireVisibleAccount(ctx: EngineContext, viewer: Viewer, id: string): Promise<void> {
  if (!(await ctx.store.accounts.isVisible(viewer, id)))
    throw new AppError('NOT_FOUND', `account ${id} not found`);
}
