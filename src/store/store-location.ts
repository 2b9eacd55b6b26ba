import type { Store } from './database.ts';

/**
 * Where another thread or process can open the same database as `store`, or null when it
 * cannot (an in-memory SQLite database exists only in the connection that made it).
 */
export type StoreLocation = { url: string; pgSchema?: string };

export function storeLocation(store: Store): StoreLocation | null {
  if (store.dialect === 'sqlite') {
    if (store.url === ':memory:' || store.url === '' || store.url.startsWith('file::memory:')) return null;
    return { url: store.url };
  }
  // test stores isolate themselves with `-c search_path=<schema>` on the pool's connections
  const options = (store.pool as unknown as { options?: { options?: string } } | null)?.options?.options;
  const m = options ? /search_path=("?)([^"\s]+)\1/.exec(options) : null;
  return m?.[2] ? { url: store.url, pgSchema: m[2] } : { url: store.url };
}
