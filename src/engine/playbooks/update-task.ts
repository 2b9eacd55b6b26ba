import { DAY_MS as DAY } from '../../core/dates/day-number.ts';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';
import { TASK_STATUSES, type Task, type TaskStatus, toTask } from './task-view.ts';

export type UpdateTaskOptions = {
  status: TaskStatus;
  /** Required to dismiss: why the task is not worth doing (it teaches the playbook owner). */
  reason?: string;
  /** For snoozed: until when (ISO date or time). Default: 7 days. */
  snoozedUntil?: string;
  actor: string;
};

/** Changes a task's status; every change is written to the audit log with who and why. */
export async function updateTask(ctx: EngineContext, id: string, options: UpdateTaskOptions): Promise<Task> {
  if (!TASK_STATUSES.includes(options.status))
    throw new AppError('BAD_INPUT', `status must be one of ${TASK_STATUSES.join(', ')}`);
  if (options.status === 'dismissed' && !options.reason?.trim())
    throw new AppError('BAD_INPUT', 'dismissing a task needs a reason');
  const now = ctx.clock.now().toISOString();
  let snoozedUntil: string | null = null;
  if (options.status === 'snoozed') {
    const t = options.snoozedUntil ? Date.parse(options.snoozedUntil) : Date.parse(now) + 7 * DAY;
    if (!Number.isFinite(t))
      throw new AppError('BAD_INPUT', `snoozedUntil "${options.snoozedUntil}" is not a date`);
    if (t <= Date.parse(now)) throw new AppError('BAD_INPUT', 'snoozedUntil must be in the future');
    snoozedUntil = new Date(t).toISOString();
  }
  const updated = await ctx.store.tasks.changeStatus(id, {
    status: options.status,
    reason: options.reason,
    snoozedUntil,
    actor: options.actor,
    now,
  });
  return announce(ctx, toTask(updated));
}

export type TickChecklistOptions = { index: number; done: boolean; actor: string };

/** Ticks or unticks one checklist item of a task; audited like every task change. */
export async function tickChecklistItem(
  ctx: EngineContext,
  id: string,
  options: TickChecklistOptions,
): Promise<Task> {
  const now = ctx.clock.now().toISOString();
  const updated = await ctx.store.tasks.tickChecklist(id, {
    index: options.index,
    done: options.done,
    actor: options.actor,
    now,
  });
  return announce(ctx, toTask(updated));
}

/** Every task change is published on the bus (live pages, Slack, workers). */
function announce(ctx: EngineContext, task: Task): Task {
  ctx.bus.emit('task-changed', {
    taskId: task.id,
    accountId: task.accountId,
    owner: task.owner,
    status: task.status,
    title: task.title,
  });
  return task;
}
