import { createRoute, z } from '@hono/zod-openapi';
import type { EngineContext } from '../../engine/context.ts';
import { runHeavy } from '../../engine/jobs/worker-pool.ts';
import { approveModel } from '../../engine/learning/approve-model.ts';
import type { backtestModel } from '../../engine/learning/backtest-model.ts';
import { createModel } from '../../engine/learning/create-model.ts';
import { diffModels } from '../../engine/learning/diff-models.ts';
import { getModel } from '../../engine/learning/get-model.ts';
import { listModels } from '../../engine/learning/list-models.ts';
import type { previewBandMigration } from '../../engine/learning/preview-band-migration.ts';
import { weightsByCategory } from '../../engine/learning/signal-weights.ts';
import type { trainModel } from '../../engine/learning/train-model.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { bandMigrationSchema } from './band-migration.schemas.ts';
import { errorResponses, isoDateSchema, jsonBody, ok } from './common.schemas.ts';
import {
  approveReportSchema,
  backtestReportSchema,
  createModelReportSchema,
  modelDetailSchema,
  modelDiffSchema,
  modelListItemSchema,
  trainReportSchema,
} from './response.schemas.ts';

const tags = ['models'];
const versionParam = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .openapi({ param: { name: 'version', in: 'path' } }),
});

/** /v1/models: versions, backtests, training a proposal, diffing, approving (admins). */
export function modelRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'Model versions with their status and headline backtest',
      responses: { ...ok(z.object({ items: z.array(modelListItemSchema) })), ...errorResponses() },
    }),
    async (c) => {
      return c.json({ items: await listModels(ctx) }, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/',
      tags,
      summary:
        'Store a new proposed model: a whole document, or the active (or `base`) model with custom signals and other changes',
      request: {
        body: jsonBody(
          z
            .object({
              document: z
                .record(z.string(), z.unknown())
                .openapi({ description: 'A whole model document, or changes to the base model' }),
              base: z.number().int().min(1).optional(),
              name: z.string().min(1).max(200).optional(),
            })
            .strict(),
        ),
      },
      responses: { ...ok(createModelReportSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const body = c.req.valid('json');
      return c.json(await createModel(ctx, { ...body, by: actorOf(p) }), 200);
    },
  );
  // before /{version}: "diff" is not a version
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/diff',
      tags,
      summary: 'Two model versions side by side (effective weights, document changes, backtests)',
      request: {
        query: z.object({
          a: z.coerce.number().int().min(1),
          b: z.coerce.number().int().min(1),
        }),
      },
      responses: { ...ok(modelDiffSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await diffModels(ctx, q.a, q.b), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/train',
      tags,
      summary:
        'Learn weights from history and store them as a proposed version (nothing changes until approved)',
      request: {
        body: jsonBody(
          z
            .object({
              horizonDays: z.number().int().min(30).max(730).optional(),
              testMonths: z.number().int().min(1).max(60).optional(),
              from: isoDateSchema.optional(),
              to: isoDateSchema.optional(),
              /** What counts as churn: within the horizon (default) or at the next renewal. */
              label: z.enum(['horizon', 'renewal', 'lapse']).optional(),
              /** Label `lapse`: days without customer activity that count as churned (default 90). */
              lapseDays: z.number().int().min(1).max(1095).optional(),
              /** Let the proposal use renewal timing as a signal (default true for the horizon label). */
              renewalTiming: z.boolean().optional(),
              /** Offer event-count and activity-recency signals to the learner (default: with the lapse label). */
              eventSignals: z.boolean().optional(),
            })
            .strict(),
        ),
      },
      responses: { ...ok(trainReportSchema), ...errorResponses(412) },
    }),
    async (c) => {
      const p = principalOf(c);
      const body = c.req.valid('json');
      // in a worker thread: the request thread keeps answering others meanwhile
      const trained = (await runHeavy(ctx, 'trainModel', { ...body, by: actorOf(p) })) as Awaited<
        ReturnType<typeof trainModel>
      >;
      return c.json(trained, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/{version}',
      tags,
      summary: 'One model version: document, calibration, stored backtest',
      request: { params: versionParam },
      responses: { ...ok(modelDetailSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const model = await getModel(ctx, c.req.valid('param').version);
      return c.json({ ...model, weightsByCategory: weightsByCategory(model.document) }, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'get',
      path: '/{version}/backtest',
      tags,
      summary:
        'Backtest a version on history (AUC, lift, lead time, calibration); admins only: it lists every churned account with its churn date',
      request: {
        params: versionParam,
        query: z.object({
          horizonDays: z.coerce.number().int().min(30).max(730).optional(),
          from: isoDateSchema.optional(),
          to: isoDateSchema.optional(),
          label: z.enum(['horizon', 'renewal', 'lapse']).optional(),
          lapseDays: z.coerce.number().int().min(1).max(1095).optional(),
        }),
      },
      responses: { ...ok(backtestReportSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const version = c.req.valid('param').version;
      // recorded: the versions list reads the latest run, so its AUC is the one this panel shows
      const r = (await runHeavy(ctx, 'backtestModel', { ...q, version, record: true })) as Awaited<
        ReturnType<typeof backtestModel>
      >;
      return c.json(r, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('manage')] as const,
      method: 'get',
      path: '/{version}/band-migration',
      tags,
      summary:
        "Preview approving a version: today's accounts scored under the active model and under this one, the 3×3 band matrix and the accounts that move (admins and managers; a manager sees the team's accounts)",
      request: {
        params: versionParam,
        query: z.object({
          against: z.coerce.number().int().min(1).max(1_000_000).optional(),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: { ...ok(bandMigrationSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const version = c.req.valid('param').version;
      // scores every visible account twice: in a worker thread, so the request thread keeps answering
      const r = (await runHeavy(ctx, 'previewBandMigration', { ...q, version, viewer: p.viewer })) as Awaited<
        ReturnType<typeof previewBandMigration>
      >;
      return c.json(r, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/{version}/approve',
      tags,
      summary: 'Approve a proposed version: it becomes active and every account is rescored (audited)',
      request: { params: versionParam },
      responses: { ...ok(approveReportSchema), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const p = principalOf(c);
      const version = c.req.valid('param').version;
      const r = await approveModel(ctx, version, actorOf(p));
      ctx.bus.emit('accounts-dirty', { accountIds: [] });
      return c.json(r, 200);
    },
  );
  return app;
}
