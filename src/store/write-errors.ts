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

/**
 * Runs `fn` (one write transaction) with SQLite's busy wait cut to `ms`: the
 * busy wait blocks the only thread, so a caller that must stay responsive
 * waits for the lock in short steps and retries asynchronously instead. On
 * this store's single connection transactions are serialised, so no other
 * write of this process runs meanwhile. A no-op on PostgreSQL.
 */
export async function withShortBusyWait<T>(store: Store, ms: number, fn: () => Promise<T>): Promise<T> {
  if (!store.sqlite) return fn();
  const before = store.sqlite.pragma('busy_timeout', { simple: true }) as number;
  store.sqlite.pragma(`busy_timeout = ${Math.max(0, Math.round(ms))}`);
  try {
    return await fn();
  } finally {
    store.sqlite.pragma(`busy_timeout = ${before}`);
  }
}
