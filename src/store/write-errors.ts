import type { Store } from './database.ts';

/**
 * Lock conflicts a writer may simply retry: the failed transaction kept
 * nothing. PostgreSQL: deadlock detected (40P01), serialisation failure
 * (40001), lock not available (55P03). SQLite: the write lock stayed taken
 * past the busy timeout (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT...).
 */
export function isRetryableWriteError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return code === '40P01' || code === '40001' || code === '55P03' || code.startsWith('SQLITE_BUSY');
}

/** Is this the SQLite write lock still being held by another connection? */
export function isSqliteBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Backoff with jitter: ~20 ms, 40 ms, 80 ms ... capped at 1 s. */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(1000, 20 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

/** Short busy waits in progress per SQLite connection (they may overlap: requests, worker, ingest). */
const SHORT_WAITS = new WeakMap<object, { depth: number; before: number; ms: number[] }>();

/**
 * Runs `fn` (one write transaction) with SQLite's busy wait cut to `ms`: the
 * busy wait blocks the only thread, so a caller that must stay responsive
 * waits for the lock in short steps and retries asynchronously instead. On
 * this store's single connection transactions are serialised, so no other
 * write of this process runs meanwhile. Overlapping calls (interleaved at
 * awaits) share the shortest wait and the last one out restores the
 * connection's own. A no-op on PostgreSQL.
 */
export async function withShortBusyWait<T>(store: Store, ms: number, fn: () => Promise<T>): Promise<T> {
  const sqlite = store.sqlite;
  if (!sqlite) return fn();
  const wait = Math.max(0, Math.round(ms));
  let state = SHORT_WAITS.get(sqlite);
  if (!state) {
    state = { depth: 0, before: sqlite.pragma('busy_timeout', { simple: true }) as number, ms: [] };
    SHORT_WAITS.set(sqlite, state);
  }
  state.depth++;
  state.ms.push(wait);
  sqlite.pragma(`busy_timeout = ${Math.min(...state.ms)}`);
  try {
    return await fn();
  } finally {
    state.depth--;
    state.ms.splice(state.ms.indexOf(wait), 1);
    if (state.depth === 0) {
      SHORT_WAITS.delete(sqlite);
      if (sqlite.open) sqlite.pragma(`busy_timeout = ${state.before}`);
    } else if (sqlite.open) sqlite.pragma(`busy_timeout = ${Math.min(...state.ms)}`);
  }
}
