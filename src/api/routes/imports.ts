import { createRoute, z } from '@hono/zod-openapi';
import { listImports, listRejects } from '../../engine/accounts/imports-view.ts';
import type { EngineContext } from '../../engine/context.ts';
import { access } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, ok } from './common.schemas.ts';
import { rejectSchema } from './response.schemas.ts';

const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
};

/** /v1/imports (file imports and their counts) and /v1/rejects (rows and events that were refused, with why). */
export function importRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('manage')] as const,
      method: 'get',
      path: '/imports',
      tags: ['imports'],
      summary: 'File imports, newest first',
      request: { query: z.object(page) },
      responses: {
        ...ok(
          z.object({
            items: z.array(
              z.object({
                id: z.number(),
                path: z.string(),
                kind: z.string(),
                status: z.string(),
                accepted: z.number(),
                duplicates: z.number(),
                rejected: z.number(),
                startedAt: z.string(),
                finishedAt: z.string().nullable(),
                error: z.string().nullable(),
              }),
            ),
          }),
        ),
        ...errorResponses(),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ items: await listImports(ctx, { limit: q.limit, offset: q.offset }) }, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'get',
      path: '/rejects',
      tags: ['imports'],
      summary: 'Unresolved rejects (raw input included, so admins only)',
      request: { query: z.object({ importId: z.coerce.number().int().min(1).optional(), ...page }) },
      responses: {
        ...ok(z.object({ items: z.array(rejectSchema) })),
        ...errorResponses(),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ items: await listRejects(ctx, q) }, 200);
    },
  );
  return app;
}
