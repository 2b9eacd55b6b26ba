import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../core/errors.ts';
import type { AppEnv } from './app-env.ts';
import type { RateLimiter } from './auth/rate-limiter.ts';

/** Request limits; every one answers with its own clear 4xx (or 503 for a timeout) in the error envelope. */
export type ApiLimits = {
  /** Largest JSON body for ordinary routes (default 1 MiB). */
  maxBodyBytes: number;
  /** Largest body for POST /v1/events (default 32 MiB: 10,000 events of ~3 KB). */
  maxIngestBodyBytes: number;
  /** Requests per second per API key, user, or (anonymous) client address. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Failed logins per username and address before 429, per 15 minutes. */
  loginFailuresPer15Minutes: number;
  /** A request running longer is answered with 503 (default 30 s; training and backtests get longer). */
  requestTimeoutMs: number;
  slowRequestTimeoutMs: number;
};

export const DEFAULT_LIMITS: ApiLimits = {
  maxBodyBytes: 1024 * 1024,
  maxIngestBodyBytes: 32 * 1024 * 1024,
  rateLimitPerSecond: 100,
  rateLimitBurst: 400,
  loginFailuresPer15Minutes: 10,
  requestTimeoutMs: 30_000,
  slowRequestTimeoutMs: 600_000,
};

export const limitBody = (maxSize: number): MiddlewareHandler<AppEnv> =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', `request body over ${maxSize.toLocaleString('en-US')} bytes`, {
        maxBytes: maxSize,
      });
    },
  });

/** Per-caller token bucket, keyed by API key, user, or client address. */
export const rateLimit =
  (limiter: RateLimiter, now: () => number): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const p = c.get('principal');
    const key = p
      ? p.kind === 'key'
        ? `key:${p.keyId}`
        : `user:${p.viewer.userId}`
      : `ip:${c.get('clientIp')}`;
    const wait = limiter.take(key, now());
    if (wait > 0)
      throw new AppError('RATE_LIMITED', `too many requests; retry in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    await next();
  };

/** Answers 503 if the handler has not finished in `ms` (the work itself is not cancelled). */
export const timeout =
  (ms: number): MiddlewareHandler<AppEnv> =>
  async (_c, next) => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new AppError('UNAVAILABLE', `the request took longer than ${ms / 1000} s`, { timeoutMs: ms }),
          ),
        ms,
      );
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
