import { createRoute, z } from '@hono/zod-openapi';
import { SOURCE_IDS } from '../../core/sources/data-sources.ts';
import type { EngineContext } from '../../engine/context.ts';
import { listSources } from '../../engine/scoring/list-sources.ts';
import { access } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, isoDateSchema, ok } from './common.schemas.ts';

const sourceSchema = z
  .object({
    id: z.enum(SOURCE_IDS),
    label: z.string(),
    status: z.enum(['live', 'stale', 'absent']),
    declared: z.boolean().nullable(),
    firstEvent: z.string().nullable(),
    lastEvent: z.string().nullable(),
    accountsCovered: z.number(),
    rows: z.number(),
    rowsPerDay: z.number().nullable(),
    daysSinceLast: z.number().nullable(),
    staleAfterDays: z.number().nullable(),
    signals: z.array(z.object({ id: z.string(), weight: z.number() })),
  })
  .openapi('DataSource');
export const sourcesSchema = z
  .object({
    asOf: z.string(),
    modelVersion: z.number(),
    accounts: z.number(),
    sources: z.array(sourceSchema),
    warnings: z.array(z.string()),
  })
  .openapi('DataSources');

/** /v1/sources: which data sources the workspace sends, how fresh each is, which signals each feeds. */
export function sourceRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags: ['sources'],
      summary: 'Data sources: first/last event, accounts covered, rows per day, freshness, signals fed',
      request: { query: z.object({ asOf: isoDateSchema.optional() }) },
      responses: { ...ok(sourcesSchema), ...errorResponses() },
    }),
    async (c) => {
      const { asOf } = c.req.valid('query');
      return c.json(await listSources(ctx, { asOf }), 200);
    },
  );
  return app;
}
