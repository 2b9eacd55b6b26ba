import { createRoute, z } from '@hono/zod-openapi';
import { portfolioSummary } from '../../engine/accounts/portfolio.ts';
import type { EngineContext } from '../../engine/context.ts';
import { access, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, ok } from './common.schemas.ts';

const bandTotals = z.object({ accounts: z.number(), arr: z.number() });
export const portfolioSummarySchema = z
  .object({
    asOf: z.string(),
    accounts: z.number(),
    arr: z.number(),
    bands: z.object({
      healthy: bandTotals,
      'at-risk': bandTotals,
      critical: bandTotals,
      unscored: bandTotals,
    }),
    averageScore: z.number().nullable(),
    movedDown7d: z.number(),
    movedUp7d: z.number(),
    movedDown30d: z.number(),
    movedUp30d: z.number(),
    openTasks: z.number(),
  })
  .openapi('PortfolioSummary');

/** /v1/portfolio: accounts and ARR per band, movement, averages, open tasks (of what the caller may see). */
export function portfolioRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/summary',
      tags: ['portfolio'],
      summary: 'Portfolio totals per band',
      responses: { ...ok(portfolioSummarySchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      return c.json(await portfolioSummary(ctx, p.viewer), 200);
    },
  );
  return app;
}
