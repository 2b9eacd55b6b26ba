import { sql } from 'kysely';
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

const PRIORITY_ORDER = `case priority when 'urgent' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

/** Tasks, most urgent first then by due date. */
export async function listTasks(
  ctx: EngineContext,
  options: ListTasksOptions = {},
): Promise<{ items: Task[]; total: number }> {
  if (options.status && !TASK_STATUSES.includes(options.status))
    throw new AppError('BAD_INPUT', `status must be one of ${TASK_STATUSES.join(', ')}`);
  let q = ctx.store.db.selectFrom('tasks');
  if (options.owner) q = q.where('tasks.owner', '=', options.owner);
  if (options.manager)
    q = q.where((eb) =>
      eb.or([
        eb('tasks.manager', '=', options.manager as string),
        eb('tasks.owner', '=', options.manager as string),
      ]),
    );
  if (options.status) q = q.where('tasks.status', '=', options.status);
  if (options.accountId) q = q.where('tasks.account_id', '=', options.accountId);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .leftJoin('accounts', 'accounts.id', 'tasks.account_id')
    .selectAll('tasks')
    .select('accounts.name as account_name')
    .orderBy(sql.raw(PRIORITY_ORDER))
    .orderBy('tasks.due')
    .orderBy('tasks.id')
    .limit(Math.min(options.limit ?? 200, 10_000))
    .offset(options.offset ?? 0)
    .execute();
  return { items: rows.map(toTask), total: Number(total.n) };
}
