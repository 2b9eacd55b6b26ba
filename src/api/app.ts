import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../core/errors.ts';
import type { EngineContext } from '../engine/context.ts';
import { errorResponse } from './errors.ts';
import { accountRoutes } from './routes/accounts.ts';
import { eventRoutes, noteRoutes } from './routes/events.ts';
import { modelRoutes } from './routes/models.ts';
import { metricsRoutes, playbookRoutes, taskRoutes } from './routes/operations.ts';
import { portfolioRoutes } from './routes/portfolio.ts';
import { streamRoutes } from './routes/stream.ts';

export type AppOptions = {
  /** The built dashboard (web/dist). */
  webRoot?: string;
};

/** The HTTP app: one sub-app per resource under /v1, one error envelope, the dashboard at /. */
export function createApp(ctx: EngineContext, options: AppOptions = {}) {
  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    }),
  );
  app.onError((e, c) => {
    if (!(e instanceof AppError))
      ctx.logger.error('request failed', { path: c.req.path, error: (e as Error).message });
    return errorResponse(c, e);
  });
  app.notFound((c) =>
    c.req.path.startsWith('/v1/')
      ? c.json(
          { error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}`, details: null } },
          404,
        )
      : c.text('not found', 404),
  );
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/v1/accounts', accountRoutes(ctx));
  app.route('/v1/accounts', noteRoutes(ctx));
  app.route('/v1/portfolio', portfolioRoutes(ctx));
  app.route('/v1/events', eventRoutes(ctx));
  app.route('/v1/metrics', metricsRoutes(ctx));
  app.route('/v1/tasks', taskRoutes(ctx));
  app.route('/v1', playbookRoutes(ctx));
  app.route('/v1/stream', streamRoutes(ctx));
  app.route('/v1/models', modelRoutes(ctx));

  const webRoot = options.webRoot;
  if (webRoot && existsSync(join(webRoot, 'index.html'))) {
    const index = readFileSync(join(webRoot, 'index.html'), 'utf8');
    app.use('/assets/*', serveStatic({ root: webRoot }));
    app.get('*', (c) => (c.req.path.startsWith('/v1/') ? c.notFound() : c.html(index)));
  } else {
    app.get('/', (c) =>
      c.html(
        '<!doctype html><title>Vigil</title><p>The dashboard is not built. Run <code>npm run build:web</code>, or use the API at <a href="/v1/accounts">/v1/accounts</a>.</p>',
      ),
    );
  }
  return app;
}
