import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import {
  BUILT_IN_VIEWS,
  type SavedView,
  type ViewFilters,
  viewFiltersSchema,
} from '../../core/views/view-filters.ts';
import type { EngineContext } from '../context.ts';

export type SaveViewOptions = { name: string; filters: ViewFilters };

/** Saves a named portfolio view for the viewer. `POST /v1/views`. A name already used is a CONFLICT. */
export async function saveView(
  ctx: EngineContext,
  viewer: Viewer,
  options: SaveViewOptions,
): Promise<SavedView> {
  const name = options.name.trim();
  if (!name) throw new AppError('BAD_INPUT', 'a view needs a name', { field: 'name' });
  if (BUILT_IN_VIEWS.some((v) => v.name.toLowerCase() === name.toLowerCase()))
    throw new AppError('CONFLICT', `"${name}" is a built-in view; choose another name`, { field: 'name' });
  const filters = viewFiltersSchema.parse(options.filters);
  const row = {
    id: `view-${randomUUID()}`,
    owner: viewer.userId,
    name,
    filters: JSON.stringify(filters),
    createdAt: ctx.clock.now().toISOString(),
  };
  if (!(await ctx.store.views.insert(row)))
    throw new AppError('CONFLICT', `you already have a view named "${name}"`, { field: 'name' });
  return { id: row.id, name, filters, builtIn: false, owner: viewer.userId };
}
