import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AppError } from '../../core/errors.ts';
import { verifyApiKey } from '../../engine/auth/api-keys.ts';
import { findSession } from '../../engine/auth/sessions.ts';
import type { EngineContext } from '../../engine/context.ts';
import type { AppEnv } from '../app-env.ts';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_HEADER = 'x-vigil-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Resolves the caller: `Authorization: Bearer vgl_...` (an API key) or the
 * `vigil_session` cookie. A bad key is a 401 at once (a client that sends a
 * key means to use it); a stale cookie is ignored (the route then asks for a
 * login). Cookie-authenticated writes must echo the session's CSRF token in
 * `X-Vigil-CSRF`: a cross-site page can send the cookie but cannot read it.
 */
export function authenticate(ctx: EngineContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('principal', null);
    const auth = c.req.header('authorization');
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
      const key = m ? await verifyApiKey(ctx, m[1] as string) : null;
      if (!key) throw new AppError('UNAUTHENTICATED', 'the API key is invalid or revoked');
      c.set('principal', {
        kind: 'key',
        keyId: key.keyId,
        scope: key.scope,
        viewer: { userId: key.userId, role: key.role },
      });
      return next();
    }
    // logging in replaces whatever session the browser had; it needs no CSRF token (there is none yet)
    const token = c.req.path === '/v1/auth/login' ? undefined : getCookie(c, SESSION_COOKIE);
    if (token) {
      const s = await findSession(ctx, token);
      if (s) {
        if (!SAFE_METHODS.has(c.req.method) && !sameSecret(c.req.header(CSRF_HEADER) ?? '', s.csrf))
          throw new AppError('FORBIDDEN', 'missing or wrong X-Vigil-CSRF header (from /v1/auth/me)');
        c.set('principal', {
          kind: 'session',
          token,
          csrf: s.csrf,
          name: s.user.name,
          managerId: s.user.managerId,
          viewer: { userId: s.user.id, role: s.user.role },
        });
      }
    }
    return next();
  };
}
