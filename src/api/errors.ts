import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { type ErrorCode, isAppError } from '../core/errors.ts';

/** The one table from error code to HTTP status. */
export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Every error leaves as `{ error: { code, message, details } }`; never a stack trace. */
export function errorResponse(c: Context, e: unknown) {
  if (isAppError(e))
    return c.json(
      { error: { code: e.code, message: e.message, details: e.details ?? null } },
      STATUS[e.code],
    );
  if (e instanceof ZodError)
    return c.json(
      {
        error: {
          code: 'BAD_INPUT',
          message: e.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '),
          details: e.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      },
      400,
    );
  return c.json({ error: { code: 'INTERNAL', message: 'internal error', details: null } }, 500);
}
