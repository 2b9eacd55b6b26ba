import { createRoute, z } from '@hono/zod-openapi';
import { PERIODS } from '../../core/metrics/periods.ts';
import { type EngineContext, today } from '../../engine/context.ts';
import { runHeavy } from '../../engine/jobs/worker-pool.ts';
import { resolveMetricsScope } from '../../engine/metrics/metrics-scope.ts';
import { computeRenewalForecast } from '../../engine/metrics/renewal-forecast.ts';
import { access, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, isoDateSchema, ok } from './common.schemas.ts';
import {
  cohortReportSchema,
  metricsReportSchema,
  renewalForecastSchema,
  retentionByBandSchema,
} from './metrics.schemas.ts';

const tags = ['metrics'];
const scopeQuery = { segment: z.string().max(100).optional(), owner: z.string().max(200).optional() };

/** /v1/metrics: GRR/NRR/logo retention, series for charts, cohorts, retention by band. */
export function metricsRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'Retention metrics per period (GRR, NRR, logo retention, movements, by band, time to value)',
      request: {
        query: z.object({
          period: z.enum(PERIODS).default('quarter'),
          from: isoDateSchema.optional(),
          to: isoDateSchema.optional(),
          ...scopeQuery,
        }),
      },
      responses: { ...ok(metricsReportSchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const scope = await resolveMetricsScope(ctx, p.viewer, q.owner);
      // off the request thread (a worker thread when the store is a file): issue 20 item 6
      return c.json(await runHeavy(ctx, 'computeMetricsReport', { ...q, ...scope }), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/series',
      tags,
      summary: 'GRR, NRR and logo retention per period, for charts',
      request: {
        query: z.object({
          period: z.enum(['month', 'quarter']).default('month'),
          months: z.coerce.number().int().min(1).max(120).default(24),
          ...scopeQuery,
        }),
      },
      responses: {
        ...ok(
          z.object({
            period: z.string(),
            items: z.array(
              z.object({
                label: z.string(),
                start: z.string(),
                end: z.string(),
                startArr: z.number(),
                endArr: z.number(),
                grr: z.number().nullable(),
                nrr: z.number().nullable(),
                logoRetention: z.number().nullable(),
              }),
            ),
          }),
        ),
        ...errorResponses(),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const scope = await resolveMetricsScope(ctx, p.viewer, q.owner);
      const to = today(ctx);
      const from = new Date(Date.parse(to) - q.months * 30.44 * 86_400_000).toISOString().slice(0, 10);
      const r = await runHeavy(ctx, 'computeMetricsReport', {
        period: q.period,
        from,
        to,
        segment: q.segment,
        ...scope,
      });
      return c.json(
        {
          period: q.period,
          items: r.periods.map((m) => ({
            label: m.label,
            start: m.start,
            end: m.end,
            startArr: m.startArr,
            endArr: m.endArr,
            grr: m.grr.value,
            nrr: m.nrr.value,
            logoRetention: m.logoRetention.value,
          })),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/forecast',
      tags,
      summary:
        'Renewals due in 30/90/180 days with churn probability, expected renewed ARR, expected GRR; and its backtest',
      request: {
        query: z.object({
          leadDays: z.coerce.number().int().min(1).max(365).optional(),
          ...scopeQuery,
        }),
      },
      responses: { ...ok(renewalForecastSchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const scope = await resolveMetricsScope(ctx, p.viewer, q.owner);
      return c.json(
        await computeRenewalForecast(ctx, { segment: q.segment, leadDays: q.leadDays, ...scope }),
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/cohorts',
      tags,
      summary: 'Revenue retention by start cohort',
      request: { query: z.object({ by: z.enum(['month', 'quarter']).default('quarter'), ...scopeQuery }) },
      responses: { ...ok(cohortReportSchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const scope = await resolveMetricsScope(ctx, p.viewer, q.owner);
      return c.json(await runHeavy(ctx, 'computeCohortReport', { ...q, ...scope }), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/by-band',
      tags,
      summary: 'Retention by health band at the start of each period: does healthy really renew more?',
      request: { query: z.object({ period: z.enum(PERIODS).default('quarter'), ...scopeQuery }) },
      responses: { ...ok(retentionByBandSchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const scope = await resolveMetricsScope(ctx, p.viewer, q.owner);
      const r = await runHeavy(ctx, 'computeMetricsReport', {
        period: q.period,
        segment: q.segment,
        ...scope,
      });
      return c.json(
        { items: r.periods.map((m) => ({ label: m.label, start: m.start, end: m.end, byBand: m.byBand })) },
        200,
      );
    },
  );
  return app;
}
