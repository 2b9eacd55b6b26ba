import { AppError } from '../core/errors.ts';
import type { Store } from './database.ts';
import { isRetryableWriteError, isSqliteBusy, retryDelayMs, withShortBusyWait } from './write-errors.ts';

export type WriteTransactionOptions = {
  /** Give up after this long (default 5 s): UNAVAILABLE (HTTP 503 with Retry-After), nothing stored. */
  budgetMs?: number;
  /** SQLite: each lock wait blocks the event loop at most this long (default 25 ms); the rest is asynchronous. */
  busyStepMs?: number;
  /** Called before each retry (tests and counters). */
  onRetry?: (error: unknown, attempt: number) => void;
};

/** Retries made by `writeTransaction` in this process, by error code (benchmarks and the deadlock test). */
export const WRITE_RETRIES: Record<string, number> = {};

/**
 * Runs `fn` (one write transaction, all or nothing) and retries it whole on a
 * lock conflict: PostgreSQL deadlocks (40P01), serialisation failures (40001)
 * and lock timeouts (55P03) with jittered exponential backoff; SQLite's write
 * lock held by another process (an import) is waited for in short blocking
 * steps with asynchronous backoff between them, so the event loop keeps
 * serving. `fn` must be safe to run again (it starts its own transaction).
 * After the budget the caller gets UNAVAILABLE (503 + Retry-After).
 */
export async function writeTransaction<T>(
  store: Store,
  fn: () => Promise<T>,
  options: WriteTransactionOptions = {},
): Promise<T> {
  const deadline = performance.now() + (options.budgetMs ?? 5000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await withShortBusyWait(store, options.busyStepMs ?? 25, fn);
    } catch (e) {
      if (!isRetryableWriteError(e)) throw e;
      const code = String((e as { code?: unknown }).code);
      WRITE_RETRIES[code] = (WRITE_RETRIES[code] ?? 0) + 1;
      if (performance.now() >= deadline)
        throw new AppError(
          'UNAVAILABLE',
          'the database is busy (another writer holds the lock); nothing was stored; try again',
          { retryAfterSeconds: 2 },
        );
      options.onRetry?.(e, attempt);
      await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
    }
  }
}

/**
 * SQLite: waits, without blocking the event loop, until no other process holds the write lock
 * (probing with a BEGIN IMMEDIATE that gives up at once, with backoff between probes); UNAVAILABLE
 * (503 + Retry-After) after `budgetMs`. A no-op on PostgreSQL (row locks; no database-wide lock),
 * and while this connection is itself in a transaction (this process's writes are serialised).
 */
export async function waitForWriteLock(store: Store, budgetMs = 5000): Promise<void> {
  const sqlite = store.sqlite;
  if (!sqlite) return;
  const deadline = performance.now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    if (!sqlite.open || sqlite.inTransaction) return;
    try {
      await withShortBusyWait(store, 0, async () => {
        sqlite.exec('BEGIN IMMEDIATE');
        sqlite.exec('ROLLBACK');
      });
      return;
    } catch (e) {
      if (!isSqliteBusy(e)) throw e;
      WRITE_RETRIES.SQLITE_BUSY_PROBE = (WRITE_RETRIES.SQLITE_BUSY_PROBE ?? 0) + 1;
    }
    if (performance.now() >= deadline)
      throw new AppError(
        'UNAVAILABLE',
        'the database is busy (another process, such as an import, holds the write lock); nothing was changed; try again',
        { retryAfterSeconds: 2 },
      );
    await new Promise((r) => setTimeout(r, Math.min(250, retryDelayMs(attempt))));
  }
}

/** Is this error a lock conflict that a retry may get past (answered 503, not 500)? */
export const isLockConflict = isRetryableWriteError;
