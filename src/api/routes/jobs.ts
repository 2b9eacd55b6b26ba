import { createRoute, z } from '@hono/zod-openapi';
import type { EngineContext } from '../../engine/context.ts';
import { getJob, listJobs, startJob } from '../../engine/jobs/jobs.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, isoDateSchema, jsonBody, ok } from './common.schemas.ts';
import { cohortReportSchema } from './metrics.schemas.ts';
import { backtestReportSchema, expansionOpportunitySchema, trainReportSchema } from './response.schemas.ts';

const tags = ['jobs'];
const label = z.enum(['horizon', 'renewal']).optional();

const backtestParams = z.object({
  version: z.number().int().min(1).max(1_000_000).optional(),
  horizonDays: z.number().int().min(30).max(730).optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  label,
});
const trainParams = z.object({
  horizonDays: z.number().int().min(30).max(730).optional(),
  testMonths: z.number().int().min(1).max(60).optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  label,
  renewalTiming: z.boolean().optional(),
});
const backfillParams = z.object({
  from: isoDateSchema,
  to: isoDateSchema,
  stepDays: z.number().int().min(1).max(366).optional(),
});
const cohortsParams = z.object({ by: z.enum(['month', 'quarter']).default('month') });
const expansionParams = z.object({ asOf: isoDateSchema.optional() });

/** One body per kind of job: the options of the use-case it runs (as its own route takes them). */
const startBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('backtest'), params: backtestParams.strict().default({}) }).strict(),
  z.object({ kind: z.literal('train'), params: trainParams.strict().default({}) }).strict(),
  z.object({ kind: z.literal('backfill'), params: backfillParams.strict() }).strict(),
  z.object({ kind: z.literal('cohorts'), params: cohortsParams.strict().default({ by: 'month' }) }).strict(),
  z.object({ kind: z.literal('expansion'), params: expansionParams.strict().default({}) }).strict(),
]);

/**
 * A job's options as stored: its kind's body params, plus what the route adds (backtest: record;
 * train: by), and what the use-case takes from other callers (a lapse label with its lapseDays).
 */
const storedLabel = {
  label: z.enum(['horizon', 'renewal', 'lapse']).optional(),
  lapseDays: z.number().optional(),
};
const jobParamsSchema = z
  .union([
    backtestParams.extend({ ...storedLabel, record: z.boolean().optional() }),
    trainParams.extend({ ...storedLabel, by: z.string().nullable().optional() }),
    backfillParams,
    cohortsParams,
    expansionParams,
  ])
  .openapi({ description: 'The options of the job kind (see the start body)' });

/** A succeeded job's result: the report of the use-case its kind runs (as its own route answers it). */
const jobResultSchema = z
  .union([
    backtestReportSchema,
    trainReportSchema,
    z.object({ rows: z.number(), dates: z.array(z.string()), ms: z.number() }).openapi('BackfillReport'),
    cohortReportSchema,
    z
      .object({
        items: z.array(expansionOpportunitySchema),
        topQuartileScore: z.number().nullable(),
        asOf: z.string(),
      })
      .openapi('ExpansionOpportunities'),
  ])
  .openapi({ description: 'The report of the job kind; null until it succeeded, left out of the list' });

const jobSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'interrupted']),
    params: jobParamsSchema,
    progress: z
      .object({ phase: z.string(), done: z.number().optional(), total: z.number().optional() })
      .nullable(),
    result: jobResultSchema.nullable().optional(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    elapsedMs: z.number().nullable(),
  })
  .openapi('Job');

/**
 * /v1/jobs: heavy work (backtest, train, backfill, cohorts, expansion) as durable jobs that run
 * in a worker thread; the request returns at once with the job, polled at GET /v1/jobs/{id}.
 * Admins only: a job can read the whole book (every churned account, for instance).
 */
export function jobRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/',
      tags,
      summary: 'Start a heavy job in a worker thread; answers 202 with the job to poll',
      request: { body: jsonBody(startBody) },
      responses: {
        202: { description: 'Started', content: { 'application/json': { schema: jobSchema } } },
        ...errorResponses(),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const by = actorOf(principalOf(c));
      const job =
        body.kind === 'backtest'
          ? await startJob(ctx, 'backtest', { ...body.params, record: false }, by)
          : body.kind === 'train'
            ? await startJob(ctx, 'train', { ...body.params, by }, by)
            : body.kind === 'backfill'
              ? await startJob(ctx, 'backfill', body.params, by)
              : body.kind === 'cohorts'
                ? await startJob(ctx, 'cohorts', body.params, by)
                : await startJob(ctx, 'expansion', body.params, by);
      c.header('Location', `/v1/jobs/${job.id}`);
      return c.json(job, 202);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'Recent jobs (newest first), without their results',
      request: {
        query: z.object({
          status: z.enum(['queued', 'running', 'succeeded', 'failed', 'interrupted']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: { ...ok(z.object({ items: z.array(jobSchema) })), ...errorResponses() },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ items: await listJobs(ctx, q) }, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'A job: status, progress, elapsed time, and its result once it succeeded',
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(64)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { ...ok(jobSchema), ...errorResponses(404) },
    }),
    async (c) => c.json(await getJob(ctx, c.req.valid('param').id), 200),
  );
  return app;
}
