import type { Viewer } from '../../core/access.ts';
import {
  type ListVisibleTasksOptions,
  listVisibleTasks,
} from '../../store/queries/api/list-visible-tasks.ts';
import type { EngineContext } from '../context.ts';
import { type Task, toTask } from '../playbooks/task-view.ts';

/** Tasks on the accounts a viewer may see, filtered and paged (`GET /v1/tasks`). */
export async function listTasksFor(
  ctx: EngineContext,
  viewer: Viewer,
  options: ListVisibleTasksOptions,
): Promise<{ items: Task[]; total: number }> {
  const r = await listVisibleTasks(ctx.store, viewer, options);
  return { items: r.rows.map(toTask), total: r.total };
}
