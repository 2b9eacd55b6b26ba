import { withShortBusyWait } from '../store/write-errors.ts';
import { isLockConflict, waitForWriteLock } from '../store/write-transaction.ts';
import type { EngineContext } from './context.ts';

/** How long a write request waits for SQLite's write lock (held by an import in another process) before a 503. */
export const WRITE_LOCK_BUDGET_MS = 5000;
/** While a write request runs, one SQLite lock wait blocks the event loop at most this long. */
const REQUEST_BUSY_STEP_MS = 200;

/**
 * Runs a write (a request's handler) once the database can take it: on SQLite, first waits for
 * the write lock asynchronously (UNAVAILABLE after the budget), then runs `fn` with the blocking
 * busy wait cut short, so a lock taken again meanwhile costs at most a short stall and surfaces as
 * a lock conflict (`isLockConflict`, answered 503) rather than a frozen server or a 500.
 */
export async function withWriteLock<T>(
  ctx: EngineContext,
  fn: () => Promise<T>,
  budgetMs = WRITE_LOCK_BUDGET_MS,
): Promise<T> {
  await waitForWriteLock(ctx.store, budgetMs);
  return withShortBusyWait(ctx.store, REQUEST_BUSY_STEP_MS, fn);
}

export { isLockConflict };
