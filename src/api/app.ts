import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../core/errors.ts';
import { checkHealth } from '../engine/accounts/account-access.ts';
import type { EngineContext } from '../engine/context.ts';
import type { AppEnv } from './app-env.ts';
import { authenticate } from './auth/authenticate.ts';
import { RateLimiter } from './auth/rate-limiter.ts';
import { errorResponse } from './errors.ts';
import { type ApiLimits, DEFAULT_LIMITS, limitBody, rateLimit, timeout } from './limits.ts';
import { accountRoutes } from './routes/accounts.ts';
import { authRoutes } from './routes/auth.ts';
import { connectionRoutes } from './routes/connections.ts';
import { eventRoutes } from './routes/events.ts';
import { importRoutes } from './routes/imports.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { playbookRoutes } from './routes/playbooks.ts';
import { portfolioRoutes } from './routes/portfolio.ts';
import { segmentHookRoutes } from './routes/segment-hooks.ts';
import { slackHookRoutes } from './routes/slack-hooks.ts';
import { sourceRoutes } from './routes/sources.ts';
import { streamRoutes } from './routes/stream.ts';
import { stripeHookRoutes } from './routes/stripe-hooks.ts';
import { taskRoutes } from './routes/tasks.ts';
import { viewRoutes } from './routes/views.ts';
import { writeLockGate } from './write-lock-gate.ts';

export type AppOptions = {
  /** The built dashboard (web/dist). */
  webRoot?: string;
  limits?: Partial<ApiLimits>;
  /** SSE batching (tests shorten it). */
  stream?: { flushMs?: number; heartbeatMs?: number };
};

const NOT_BUILT_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Vigil</title><p>The dashboard is not built. Run <code>npm run build:web</code> and reload; the API is at <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>';

/** The HTTP app: one sub-app per resource under /v1, one error envelope, the OpenAPI document, the dashboard at /. */
export function createApp(ctx: EngineContext, options: AppOptions = {}) {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = () => ctx.clock.now().getTime();
  const limiter = new RateLimiter({ perSecond: limits.rateLimitPerSecond, burst: limits.rateLimitBurst });
  const loginLimiter = new RateLimiter({
    perSecond: limits.loginFailuresPer15Minutes / 900,
    burst: limits.loginFailuresPer15Minutes,
  });
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw result.error;
    },
  });

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.use('*', async (c, next) => {
    let ip = 'local';
    try {
      ip = getConnInfo(c).remote.address ?? 'local';
    } catch {
      // app.request() in tests has no socket
    }
    c.set('clientIp', ip);
    c.set('principal', null);
    await next();
  });
  app.onError((e, c) => {
    if (!(e instanceof AppError) && !(e instanceof Error && e.name === 'ZodError') && !('getResponse' in e))
      ctx.logger.error('request failed', { method: c.req.method, path: c.req.path, error: e.message });
    return errorResponse(c, e);
  });
  app.notFound((c) =>
    c.req.path.startsWith('/v1/') || c.req.path === '/v1'
      ? c.json(
          { error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}`, details: null } },
          404,
        )
      : c.text('not found', 404),
  );

  app.get('/healthz', async (c) => {
    return c.json(await checkHealth(ctx));
  });

  app.use('/v1/*', authenticate(ctx));
  app.use('/v1/*', rateLimit(limiter, now));
  app.use('/v1/*', (c, next) =>
    limitBody(c.req.path === '/v1/events' ? limits.maxIngestBodyBytes : limits.maxBodyBytes)(c, next),
  );
  // writes wait for SQLite's write lock without blocking the event loop; 503 + Retry-After, never a 500
  app.use('/v1/*', writeLockGate(ctx));
  // the inbound hooks write too (Stripe contracts, Segment events, Slack task updates): same wait, 503 not 500
  app.use('/hooks/*', writeLockGate(ctx));
  app.use('/v1/*', (c, next) => {
    if (c.req.path === '/v1/stream') return next();
    const slow =
      c.req.path === '/v1/models/train' ||
      c.req.path.endsWith('/backtest') ||
      c.req.path.endsWith('/band-migration');
    return timeout(slow ? limits.slowRequestTimeoutMs : limits.requestTimeoutMs)(c, next);
  });

  app.route('/v1/auth', authRoutes(ctx, loginLimiter));
  app.route('/v1/accounts', accountRoutes(ctx));
  app.route('/v1/portfolio', portfolioRoutes(ctx));
  app.route('/v1/sources', sourceRoutes(ctx));
  app.route('/v1/events', eventRoutes(ctx));
  app.route('/v1/tasks', taskRoutes(ctx));
  app.route('/v1', playbookRoutes(ctx));
  app.route('/v1/models', modelRoutes(ctx));
  app.route('/v1/metrics', metricsRoutes(ctx));
  app.route('/v1', importRoutes(ctx));
  app.route('/v1/stream', streamRoutes(ctx, options.stream));
  app.route('/v1/connections', connectionRoutes(ctx));
  // inbound hooks of connected systems: authenticated by the vendor's signature or key, not a session
  app.route('/hooks/slack', slackHookRoutes(ctx));
  app.route('/hooks/segment', segmentHookRoutes(ctx));
  app.route('/hooks/stripe', stripeHookRoutes(ctx));
  app.route('/v1/jobs', jobRoutes(ctx));
  app.route('/v1/views', viewRoutes(ctx));

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'vigil_session',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Vigil API',
      version: '1',
      description:
        'Customer health scores, retention metrics, playbooks. Errors are `{ error: { code, message, details } }`. Cookie-authenticated writes need the `X-Vigil-CSRF` header.',
    },
    security: [{ session: [] }, { apiKey: [] }],
  });

  const webRoot = options.webRoot;
  if (webRoot && existsSync(join(webRoot, 'index.html'))) {
    const index = readFileSync(join(webRoot, 'index.html'), 'utf8');
    app.use('*', serveStatic({ root: webRoot }));
    app.get('*', (c) => (c.req.path.startsWith('/v1/') ? c.notFound() : c.html(index)));
  } else {
    app.get('*', (c) => (c.req.path.startsWith('/v1/') ? c.notFound() : c.html(NOT_BUILT_PAGE)));
  }
  return app;
}
