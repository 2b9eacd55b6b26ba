import { createRoute, z } from '@hono/zod-openapi';
import { requireVisibleTask } from '../../engine/accounts/account-access.ts';
import { listTasksFor } from '../../engine/accounts/list-tasks-view.ts';
import type { EngineContext } from '../../engine/context.ts';
import { listTaskQueue, TASK_PRIORITIES } from '../../engine/playbooks/list-task-queue.ts';
import { TASK_STATUSES } from '../../engine/playbooks/task-view.ts';
import { tickChecklistItem, updateTask } from '../../engine/playbooks/update-task.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, jsonBody, ok } from './common.schemas.ts';

import { taskSchema } from './response.schemas.ts';

export const taskQueueSchema = z
  .object({
    asOf: z.string(),
    riskSource: z.enum(['calibrated', 'risk-index']),
    modelVersion: z.number(),
    totalAccounts: z.number(),
    totalTasks: z.number(),
    byPriority: z.record(z.string(), z.number()),
    groups: z.array(
      z.object({
        rank: z.number(),
        accountId: z.string(),
        risk: z.number(),
        riskSource: z.enum(['calibrated', 'risk-index', 'unscored']),
        expectedArrAtRisk: z.number(),
        daysToRenewal: z.number().nullable(),
        urgency: z.number(),
        value: z.number(),
        account: z.object({
          id: z.string(),
          name: z.string(),
          segment: z.string().nullable(),
          owner: z.string().nullable(),
          ownerName: z.string().nullable(),
          managerName: z.string().nullable(),
          score: z.number().nullable(),
          band: z.string().nullable(),
          arr: z.number(),
          renewalDate: z.string().nullable(),
        }),
        tasks: z.array(taskSchema),
      }),
    ),
  })
  .openapi('TaskQueue');
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
      middleware: [access('read')] as const,
      method: 'get',
      path: '/queue',
      tags,
      summary: 'The work queue: tasks grouped by account, ranked by expected ARR at risk × urgency',
      request: {
        query: z.object({
          owner: z.string().max(200).optional(),
          playbook: z.string().max(200).optional(),
          priority: z.enum(TASK_PRIORITIES).optional(),
          status: z.enum(TASK_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(25),
          offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
        }),
      },
      responses: { ...ok(taskQueueSchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const r = await listTaskQueue(ctx, {
        viewer: p.viewer,
        owner: q.owner,
        playbookId: q.playbook,
        priority: q.priority,
        status: q.status,
        limit: q.limit,
        offset: q.offset,
      });
      return c.json(r, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('write')] as const,
      method: 'patch',
      path: '/{id}/checklist/{index}',
      tags,
      summary: 'Tick or untick one checklist item (audited)',
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(200)
            .openapi({ param: { name: 'id', in: 'path' } }),
          index: z.coerce
            .number()
            .int()
            .min(0)
            .max(1000)
            .openapi({ param: { name: 'index', in: 'path' } }),
        }),
        body: jsonBody(z.object({ done: z.boolean() }).strict()),
      },
      responses: { ...ok(taskSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id, index } = c.req.valid('param');
      await requireVisibleTask(ctx, p.viewer, id);
      const task = await tickChecklistItem(ctx, id, {
        index,
        done: c.req.valid('json').done,
        actor: actorOf(p),
      });
      return c.json(task, 200);
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
