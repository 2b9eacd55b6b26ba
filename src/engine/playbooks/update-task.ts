import { DAY_MS as DAY } from '../../core/dates/day-number.ts';
import { AppError } from '../../core/errors.ts';
import { insertAudit } from '../../store/resources/audit.ts';
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
  const updated = await ctx.store.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', `task ${id} not found`);
    if (before.status === options.status && options.status !== 'snoozed') return before;
    // reopening must not create a second open task for the same condition
    if (
      (options.status === 'open' || options.status === 'snoozed') &&
      before.status !== 'open' &&
      before.status !== 'snoozed' &&
      before.dedupe_key
    ) {
      const other = await trx
        .selectFrom('tasks')
        .select('id')
        .where('dedupe_key', '=', before.dedupe_key)
        .where('status', 'in', ['open', 'snoozed'])
        .where('id', '!=', id)
        .executeTakeFirst();
      if (other) throw new AppError('CONFLICT', `task ${other.id} is already open for the same condition`);
    }
    const closed = options.status === 'done' || options.status === 'dismissed';
    await trx
      .updateTable('tasks')
      .set({
        status: options.status,
        reason: options.reason ?? (closed ? before.reason : null),
        snoozed_until: snoozedUntil,
        updated_at: now,
        closed_at: closed ? now : null,
      })
      .where('id', '=', id)
      .execute();
    await trx
      .insertInto('audit_log')
      .values({
        at: now,
        actor: options.actor,
        action: `task.${options.status === 'open' ? 'reopen' : options.status}`,
        target: `task:${id}`,
        details: JSON.stringify({
          from: before.status,
          to: options.status,
          reason: options.reason ?? null,
          snoozedUntil,
        }),
      })
      .execute();
    return trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
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
  const updated = await ctx.store.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', `task ${id} not found`);
    const checklist = JSON.parse(before.checklist) as Task['checklist'];
    const item = checklist[options.index];
    if (!Number.isInteger(options.index) || !item)
      throw new AppError(
        'BAD_INPUT',
        `checklist item ${options.index} does not exist (the task has ${checklist.length})`,
      );
    if (item.done === options.done) return before;
    item.done = options.done;
    await trx
      .updateTable('tasks')
      .set({ checklist: JSON.stringify(checklist), updated_at: now })
      .where('id', '=', id)
      .execute();
    await insertAudit(trx, {
      at: now,
      actor: options.actor,
      action: options.done ? 'task.checklist.tick' : 'task.checklist.untick',
      target: `task:${id}`,
      details: { index: options.index, text: item.text },
    });
    return trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
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
