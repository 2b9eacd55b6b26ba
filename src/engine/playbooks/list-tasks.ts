import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';
import { TASK_STATUSES, type Task, type TaskStatus, toTask } from './task-view.ts';

export type ListTasksOptions = {
  owner?: string;
  /** Tasks of the manager's team (and those routed to them). */
  manager?: string;
  status?: TaskStatus;
  accountId?: string;
  limit?: number;
  offset?: number;
};

/** Tasks, most urgent first then by due date. */
export async function listTasks(
  ctx: EngineContext,
  options: ListTasksOptions = {},
): Promise<{ items: Task[]; total: number }> {
  if (options.status && !TASK_STATUSES.includes(options.status))
    throw new AppError('BAD_INPUT', `status must be one of ${TASK_STATUSES.join(', ')}`);
  const { rows, total } = await ctx.store.tasks.list({
    owner: options.owner,
    manager: options.manager,
    status: options.status,
    accountId: options.accountId,
    limit: Math.min(options.limit ?? 200, 10_000),
    offset: options.offset ?? 0,
  });
  return { items: rows.map(toTask), total };
}
