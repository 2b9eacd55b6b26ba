import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { PERIODS } from '../../core/metrics/periods.ts';
import type { EngineContext } from '../../engine/context.ts';
import { computeCohortReport, computeMetricsReport } from '../../engine/metrics/metrics-report.ts';
import { getPlaybookStats } from '../../engine/playbooks/get-playbook-stats.ts';
import { importPlaybooks } from '../../engine/playbooks/import-playbooks.ts';
import { listExpansionOpportunities } from '../../engine/playbooks/list-expansion-opportunities.ts';
import { listTasks } from '../../engine/playbooks/list-tasks.ts';
import { loadPlaybooks } from '../../engine/playbooks/load-playbooks.ts';
import { TASK_STATUSES } from '../../engine/playbooks/task-view.ts';
import { updateTask } from '../../engine/playbooks/update-task.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** /v1/metrics: retention metrics, cohorts. */
export function metricsRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = z
      .object({
        period: z.enum(PERIODS).default('quarter'),
        from: date.optional(),
        to: date.optional(),
        segment: z.string().max(100).optional(),
        owner: z.string().max(200).optional(),
      })
      .parse(c.req.query());
    return c.json(await computeMetricsReport(ctx, q));
  });
  app.get('/cohorts', async (c) => {
    const q = z
      .object({
        by: z.enum(['month', 'quarter']).default('quarter'),
        segment: z.string().max(100).optional(),
        owner: z.string().max(200).optional(),
      })
      .parse(c.req.query());
    return c.json(await computeCohortReport(ctx, q));
  });
  return app;
}

/** /v1/tasks: the task queue; PATCH changes a task's status (audited). */
export function taskRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = z
      .object({
        owner: z.string().max(200).optional(),
        manager: z.string().max(200).optional(),
        status: z.enum(TASK_STATUSES).optional(),
        accountId: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .parse(c.req.query());
    return c.json(await listTasks(ctx, q));
  });
  app.patch('/:id', async (c) => {
    const body = z
      .object({
        status: z.enum(TASK_STATUSES),
        reason: z.string().max(2000).optional(),
        snoozedUntil: z.string().max(40).optional(),
      })
      .parse(
        await c.req.json().catch(() => {
          throw new AppError('BAD_INPUT', 'the body must be JSON');
        }),
      );
    const task = await updateTask(ctx, c.req.param('id'), { ...body, actor: 'web' });
    ctx.bus.emit('task-changed', {
      taskId: task.id,
      accountId: task.accountId,
      owner: task.owner ?? null,
      status: task.status,
      title: task.title,
    });
    return c.json(task);
  });
  return app;
}

/** /v1/expansion and /v1/playbooks. */
export function playbookRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.get('/expansion', async (c) => {
    const q = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).parse(c.req.query());
    return c.json(await listExpansionOpportunities(ctx, q));
  });
  app.get('/playbooks', async (c) => c.json({ items: await loadPlaybooks(ctx) }));
  app.get('/playbooks/stats', async (c) => c.json(await getPlaybookStats(ctx)));
  app.put('/playbooks/:id', async (c) => {
    const text = await c.req.text();
    if (!text.trim()) throw new AppError('BAD_INPUT', 'the body must be a playbook document (YAML or JSON)');
    return c.json(
      await importPlaybooks(ctx, text, { id: c.req.param('id'), actor: 'api', source: 'request' }),
    );
  });
  return app;
}
