import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
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

const CODE_OF_STATUS: Record<number, ErrorCode> = Object.fromEntries(
  Object.entries(STATUS).map(([code, status]) => [status, code as ErrorCode]),
);

export type ErrorEnvelope = { error: { code: ErrorCode; message: string; details: unknown } };

const envelope = (code: ErrorCode, message: string, details: unknown = null): ErrorEnvelope => ({
  error: { code, message, details },
});

/** Every error leaves as `{ error: { code, message, details } }`; never a stack trace. */
export function errorResponse(c: Context, e: unknown) {
  if (isAppError(e)) {
    if (
      (e.code === 'RATE_LIMITED' || e.code === 'UNAVAILABLE') &&
      typeof (e.details as { retryAfterSeconds?: number })?.retryAfterSeconds === 'number'
    )
      c.header('Retry-After', String((e.details as { retryAfterSeconds: number }).retryAfterSeconds));
    return c.json(envelope(e.code, e.message, e.details ?? null), STATUS[e.code]);
  }
  if (e instanceof ZodError)
    return c.json(
      envelope(
        'BAD_INPUT',
        e.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '),
        e.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      ),
      400,
    );
  // Hono's own (malformed JSON body, body limit): keep the status, wrap it in the envelope
  if (e instanceof HTTPException) {
    const code = CODE_OF_STATUS[e.status] ?? (e.status < 500 ? 'BAD_INPUT' : 'INTERNAL');
    return c.json(envelope(code, e.message || code.toLowerCase()), STATUS[code]);
  }
  return c.json(envelope('INTERNAL', 'internal error'), 500);
}
