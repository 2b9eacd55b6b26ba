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
