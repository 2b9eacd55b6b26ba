import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { ROLES } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import { logIn, logOut, SESSION_DAYS } from '../../engine/auth/sessions.ts';
import { getUser } from '../../engine/auth/users.ts';
import type { EngineContext } from '../../engine/context.ts';
import { access, principalOf } from '../auth/access.ts';
import { SESSION_COOKIE } from '../auth/authenticate.ts';
import type { RateLimiter } from '../auth/rate-limiter.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, jsonBody, ok } from './common.schemas.ts';

const tags = ['auth'];
export const meSchema = z
  .object({
    user: z.object({
      id: z.string(),
      name: z.string().nullable(),
      role: z.enum(ROLES),
      managerId: z.string().nullable(),
    }),
    csrf: z
      .string()
      .nullable()
      .openapi({ description: 'Echo in X-Vigil-CSRF on cookie-authenticated writes (null for API keys)' }),
  })
  .openapi('Me');

/** /v1/auth: log in (session cookie + CSRF token), who am I, log out. */
export function authRoutes(ctx: EngineContext, loginLimiter: RateLimiter) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/login',
      tags,
      summary: 'Log in; sets the vigil_session cookie (HttpOnly, SameSite=Lax)',
      request: {
        body: jsonBody(
          z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict(),
        ),
      },
      responses: { ...ok(meSchema), ...errorResponses() },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      const ip = c.get('clientIp');
      // failures are counted per username and per address: guessing one account or spraying many both stop
      const keys = [`u:${username.toLowerCase()}`, `ip:${ip}`];
      const now = ctx.clock.now().getTime();
      // Atomic: every attempt takes its token *before* the password is checked
      // (scrypt is asynchronous, so checking first and counting after let a
      // burst of simultaneous guesses all through). A correct login gives its
      // token back; a refused one keeps it.
      const taken: string[] = [];
      for (const k of keys) {
        const wait = loginLimiter.take(k, now, 1);
        if (wait > 0) {
          for (const t of taken) loginLimiter.refund(t, 1);
          throw new AppError('RATE_LIMITED', `too many failed logins; retry in ${wait} s`, {
            retryAfterSeconds: wait,
          });
        }
        taken.push(k);
      }
      let s: Awaited<ReturnType<typeof logIn>>;
      try {
        s = await logIn(ctx, username, password, { ip });
      } catch (e) {
        // only a wrong password counts as a failure
        if (!(e instanceof AppError && e.code === 'UNAUTHENTICATED'))
          for (const k of keys) loginLimiter.refund(k, 1);
        throw e;
      }
      for (const k of keys) loginLimiter.refund(k, 1);
      setCookie(c, SESSION_COOKIE, s.token, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
        maxAge: SESSION_DAYS * 86_400,
      });
      return c.json({ user: s.user, csrf: s.csrf }, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/me',
      tags,
      summary: 'The signed-in user and the CSRF token',
      responses: { ...ok(meSchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      if (p.kind === 'key') {
        const u = await getUser(ctx, p.viewer.userId);
        return c.json(
          {
            user: {
              id: p.viewer.userId,
              name: u?.name ?? null,
              role: p.viewer.role,
              managerId: u?.managerId ?? null,
            },
            csrf: null,
          },
          200,
        );
      }
      return c.json(
        {
          user: { id: p.viewer.userId, name: p.name, role: p.viewer.role, managerId: p.managerId },
          csrf: p.csrf,
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/logout',
      tags,
      summary: 'End the session',
      responses: { ...ok(z.object({ ok: z.boolean() })), ...errorResponses() },
    }),
    async (c) => {
      const p = c.get('principal');
      if (p?.kind === 'session') await logOut(ctx, p.token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true }, 200);
    },
  );
  return app;
}
