import type { Viewer } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import { BUILT_IN_VIEWS } from '../../core/views/view-filters.ts';
import type { EngineContext } from '../context.ts';

/**
 * Deletes one of the viewer's saved views. `DELETE /v1/views/{id}`. Built-in views are read-only
 * and another user's view is not the viewer's to delete (FORBIDDEN, whatever the role).
 */
export async function deleteView(ctx: EngineContext, viewer: Viewer, id: string): Promise<void> {
  if (BUILT_IN_VIEWS.some((v) => v.id === id))
    throw new AppError('FORBIDDEN', 'built-in views are read-only');
  const row = await ctx.store.views.find(id);
  if (!row) throw new AppError('NOT_FOUND', `no view ${id}`);
  if (row.owner !== viewer.userId) throw new AppError('FORBIDDEN', 'only the owner can delete a saved view');
  await ctx.store.views.delete(id, viewer.userId);
}
