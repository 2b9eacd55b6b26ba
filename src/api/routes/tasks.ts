import { createRoute, z } from '@hono/zod-openapi';
import { requireVisibleTask } from '../../engine/accounts/account-access.ts';
import { listTasksFor } from '../../engine/accounts/list-tasks-view.ts';
import type { EngineContext } from '../../engine/context.ts';
import { TASK_STATUSES } from '../../engine/playbooks/task-view.ts';
import { updateTask } from '../../engine/playbooks/update-task.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, jsonBody, ok } from './common.schemas.ts';

import { taskSchema } from './response.schemas.ts';

const tags = ['tasks'];

/** /v1/tasks: the task queue (tasks on accounts the caller may see); PATCH changes a status (audited). */
export function taskRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'Tasks, most urgent first',
      request: {
        query: z.object({
          owner: z.string().max(200).optional(),
          status: z.enum(TASK_STATUSES).optional(),
          accountId: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
        }),
      },
      responses: { ...ok(z.object({ items: z.array(taskSchema), total: z.number() })), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      return c.json(await listTasksFor(ctx, p.viewer, c.req.valid('query')), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('write')] as const,
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Mark a task done, snoozed, dismissed (with a reason) or open again',
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(200)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
        body: jsonBody(
          z
            .object({
              status: z.enum(TASK_STATUSES),
              reason: z.string().max(2000).optional(),
              snoozedUntil: z.string().max(40).optional(),
            })
            .strict(),
        ),
      },
      responses: { ...ok(taskSchema), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await requireVisibleTask(ctx, p.viewer, id);
      const task = await updateTask(ctx, id, { ...body, actor: actorOf(p) });
      return c.json(task, 200);
    },
  );
  return app;
}
