import type { Viewer } from '../../core/access.ts';
import { BUILT_IN_VIEWS, type SavedView, viewFiltersSchema } from '../../core/views/view-filters.ts';
import type { SavedViewRow } from '../../store/resources/views.ts';
import type { EngineContext } from '../context.ts';

/** A stored row as a view; filters that no longer validate are dropped rather than failing the list. */
export function toSavedView(row: SavedViewRow): SavedView {
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(row.filters);
  } catch {
    // stored by this code as JSON; a damaged row shows as a view without filters
  }
  const r = viewFiltersSchema.safeParse(parsed);
  return { id: row.id, name: row.name, filters: r.success ? r.data : {}, builtIn: false, owner: row.owner };
}

/** The built-in views, then the ones the viewer saved (by name). `GET /v1/views`. */
export async function listViews(ctx: EngineContext, viewer: Viewer): Promise<SavedView[]> {
  const own = await ctx.store.views.listByOwner(viewer.userId);
  return [...BUILT_IN_VIEWS, ...own.map(toSavedView)];
}
