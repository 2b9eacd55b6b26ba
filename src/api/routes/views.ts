import { createRoute, z } from '@hono/zod-openapi';
import { viewFiltersSchema } from '../../core/views/view-filters.ts';
import type { EngineContext } from '../../engine/context.ts';
import { deleteView } from '../../engine/views/delete-view.ts';
import { listViews } from '../../engine/views/list-views.ts';
import { saveView } from '../../engine/views/save-view.ts';
import { access, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, jsonBody, ok } from './common.schemas.ts';

export const savedViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    filters: viewFiltersSchema,
    builtIn: z.boolean().openapi({ description: 'Comes with Vigil: the same for everyone, read-only' }),
    owner: z.string().nullable(),
  })
  .openapi('SavedView');

const tags = ['views'];
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** /v1/views: saved portfolio views — the built-in ones plus each user's own (owner-only delete). */
export function viewRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'The built-in portfolio views and the ones the caller saved',
      responses: { ...ok(z.object({ items: z.array(savedViewSchema) })), ...errorResponses() },
    }),
    async (c) => c.json({ items: await listViews(ctx, principalOf(c).viewer) }, 200),
  );
  app.openapi(
    createRoute({
      middleware: [access('write')] as const,
      method: 'post',
      path: '/',
      tags,
      summary: 'Save the current portfolio filters as a named view (one name per user)',
      request: {
        body: jsonBody(z.object({ name: z.string().min(1).max(100), filters: viewFiltersSchema }).strict()),
      },
      responses: { ...ok(savedViewSchema), ...errorResponses(409) },
    }),
    async (c) => c.json(await saveView(ctx, principalOf(c).viewer, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({
      middleware: [access('write')] as const,
      method: 'delete',
      path: '/{id}',
      tags,
      summary: "Delete one of the caller's saved views (built-in views are read-only)",
      request: { params: idParam },
      responses: { ...ok(z.object({ deleted: z.string() })), ...errorResponses(404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await deleteView(ctx, principalOf(c).viewer, id);
      return c.json({ deleted: id }, 200);
    },
  );
  return app;
}
