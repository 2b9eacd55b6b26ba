import type { MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors.ts';
import type { EngineContext } from '../engine/context.ts';
import { isLockConflict, withWriteLock } from '../engine/write-lock.ts';
import type { AppEnv } from './app-env.ts';
import { errorResponse } from './errors.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Issue 20 items 4 and 8: a write request (a note, an override, a task update, a checklist tick…)
 * while another process holds SQLite's write lock waits for it without blocking the event loop and
 * answers 503 with Retry-After when it does not come in time; a lock conflict that still reaches
 * the handler (the lock taken again, a PostgreSQL deadlock past its retries) is a 503 too, never a
 * 500. `/v1/events` has its own wait and group commit; the live stream writes nothing. It guards
 * `/v1/*` and the inbound `/hooks/*` (a vendor retries a 503 with Retry-After).
 */
export const writeLockGate =
  (ctx: EngineContext): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    if (!WRITES.has(c.req.method) || c.req.path === '/v1/events') return next();
    await withWriteLock(ctx, next);
    if (c.error && isLockConflict(c.error))
      c.res = errorResponse(
        c,
        new AppError('UNAVAILABLE', 'the database is busy (another writer holds the lock); try again', {
          retryAfterSeconds: 2,
        }),
      );
  };
