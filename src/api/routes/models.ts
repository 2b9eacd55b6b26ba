import { Hono } from 'hono';
import { z } from 'zod';
import type { EngineContext } from '../../engine/context.ts';
import { approveModel } from '../../engine/learning/approve-model.ts';
import { backtestModel } from '../../engine/learning/backtest-model.ts';
import { diffModels } from '../../engine/learning/diff-models.ts';
import { getModel } from '../../engine/learning/get-model.ts';
import { listModels } from '../../engine/learning/list-models.ts';
import { trainModel } from '../../engine/learning/train-model.ts';

const version = z.coerce.number().int().positive();

/** /v1/models: versions, backtests, training a proposal, diff, approval. */
export function modelRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.get('/', async (c) => c.json({ items: await listModels(ctx) }));
  app.get('/diff', async (c) => {
    const q = z.object({ a: version, b: version }).parse(c.req.query());
    return c.json(await diffModels(ctx, q.a, q.b));
  });
  app.post('/train', async (c) => {
    const body = z.object({ horizonDays: z.number().int().min(30).max(730).optional() }).parse(await c.req.json().catch(() => ({})));
    return c.json(await trainModel(ctx, body));
  });
  app.get('/:version', async (c) => c.json(await getModel(ctx, version.parse(c.req.param('version')))));
  app.get('/:version/backtest', async (c) => {
    const q = z.object({ horizonDays: z.coerce.number().int().min(30).max(730).optional() }).parse(c.req.query());
    return c.json(await backtestModel(ctx, { version: version.parse(c.req.param('version')), horizonDays: q.horizonDays, record: false }));
  });
  app.post('/:version/approve', async (c) => c.json(await approveModel(ctx, version.parse(c.req.param('version')), 'api')));
  return app;
}
