import type { WorkspaceSources } from '../../core/sources/data-sources.ts';
import type { Store } from '../../store/database.ts';
import { loadSourceExtents } from '../../store/queries/source-extents.ts';

/** Per store: the last extents read and when, so a busy worker does not rescan events every round. */
const CACHE = new WeakMap<Store, { at: number; sources: WorkspaceSources }>();
const TTL_MS = 60_000;

/**
 * What the workspace sends, per data source (cached for a minute per store; `fresh` rereads).
 * Scoring reads it to tell a source never sent (not available) or gone silent (held) from a
 * customer's own silence.
 */
export async function getWorkspaceSources(
  store: Store,
  options: { fresh?: boolean } = {},
): Promise<WorkspaceSources> {
  const hit = CACHE.get(store);
  const now = performance.now();
  if (hit && !options.fresh && now - hit.at < TTL_MS) return hit.sources;
  const sources = await loadSourceExtents(store);
  CACHE.set(store, { at: now, sources });
  return sources;
}
