import { type Kysely, sql } from 'kysely';
import { AppError } from '../../core/errors.ts';
import type { Database } from '../schema.ts';
import type { TasksTable } from '../schema-playbooks.ts';
import { insertAudit } from './audit.ts';

export type TaskRow = TasksTable & { account_name?: string | null };

export type ListTaskRowsOptions = {
  owner?: string | undefined;
  /** Tasks of the manager's team (and those routed to them). */
  manager?: string | undefined;
  status?: string | undefined;
  accountId?: string | undefined;
  limit: number;
  offset: number;
};

/** A status change, decided by the engine; the store applies it with its audit line. */
export type TaskStatusChange = {
  status: string;
  reason: string | undefined;
  snoozedUntil: string | null;
  actor: string;
  now: string;
};

export type TasksResource = {
  /** The account a task belongs to, or null when there is no such task. */
  accountOf(taskId: string): Promise<string | null>;
  /** Tasks (with their account's name), most urgent first, then by due date and id. */
  list(options: ListTaskRowsOptions): Promise<{ rows: TaskRow[]; total: number }>;
  /**
   * Changes a task's status with its audit line, in one transaction. NOT_FOUND for no such task;
   * CONFLICT when reopening would make a second open task for the same condition (dedupe key).
   * Setting the status a task already has changes nothing (except snoozing again).
   */
  changeStatus(id: string, change: TaskStatusChange): Promise<TaskRow>;
  /** Ticks or unticks checklist item `index` (audited). NOT_FOUND, or BAD_INPUT for no such item. */
  tickChecklist(
    id: string,
    tick: { index: number; done: boolean; actor: string; now: string },
  ): Promise<TaskRow>;
  /** Snoozed tasks whose time has come are open again (audited). Returns how many. */
  reopenSnoozed(now: string): Promise<number>;
};

const PRIORITY_ORDER = `case priority when 'urgent' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

export function tasksResource(db: Kysely<Database>): TasksResource {
  return {
    async accountOf(taskId) {
      const row = await db
        .selectFrom('tasks')
        .select('account_id')
        .where('id', '=', taskId)
        .executeTakeFirst();
      return row?.account_id ?? null;
    },
    async list(options) {
      let q = db.selectFrom('tasks');
      if (options.owner) q = q.where('tasks.owner', '=', options.owner);
      const manager = options.manager;
      if (manager)
        q = q.where((eb) => eb.or([eb('tasks.manager', '=', manager), eb('tasks.owner', '=', manager)]));
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
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return { rows, total: Number(total.n) };
    },
    changeStatus(id, change) {
      return db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
        if (!before) throw new AppError('NOT_FOUND', `task ${id} not found`);
        if (before.status === change.status && change.status !== 'snoozed') return before;
        // reopening must not create a second open task for the same condition
        if (
          (change.status === 'open' || change.status === 'snoozed') &&
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
          if (other)
            throw new AppError('CONFLICT', `task ${other.id} is already open for the same condition`);
        }
        const closed = change.status === 'done' || change.status === 'dismissed';
        await trx
          .updateTable('tasks')
          .set({
            status: change.status,
            reason: change.reason ?? (closed ? before.reason : null),
            snoozed_until: change.snoozedUntil,
            updated_at: change.now,
            closed_at: closed ? change.now : null,
          })
          .where('id', '=', id)
          .execute();
        await insertAudit(trx, {
          at: change.now,
          actor: change.actor,
          action: `task.${change.status === 'open' ? 'reopen' : change.status}`,
          target: `task:${id}`,
          details: {
            from: before.status,
            to: change.status,
            reason: change.reason ?? null,
            snoozedUntil: change.snoozedUntil,
          },
        });
        return trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      });
    },
    tickChecklist(id, tick) {
      return db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
        if (!before) throw new AppError('NOT_FOUND', `task ${id} not found`);
        const checklist = JSON.parse(before.checklist) as { text: string; done: boolean }[];
        const item = checklist[tick.index];
        if (!Number.isInteger(tick.index) || !item)
          throw new AppError(
            'BAD_INPUT',
            `checklist item ${tick.index} does not exist (the task has ${checklist.length})`,
          );
        if (item.done === tick.done) return before;
        item.done = tick.done;
        await trx
          .updateTable('tasks')
          .set({ checklist: JSON.stringify(checklist), updated_at: tick.now })
          .where('id', '=', id)
          .execute();
        await insertAudit(trx, {
          at: tick.now,
          actor: tick.actor,
          action: tick.done ? 'task.checklist.tick' : 'task.checklist.untick',
          target: `task:${id}`,
          details: { index: tick.index, text: item.text },
        });
        return trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      });
    },
    reopenSnoozed(now) {
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('tasks')
          .select('id')
          .where('status', '=', 'snoozed')
          .where('snoozed_until', '<=', now)
          .execute();
        if (due.length === 0) return 0;
        const ids = due.map((t) => t.id);
        await trx
          .updateTable('tasks')
          .set({ status: 'open', snoozed_until: null, updated_at: now })
          .where('id', 'in', ids)
          .execute();
        await trx
          .insertInto('audit_log')
          .values(
            ids.map((id) => ({
              at: now,
              actor: 'system',
              action: 'task.reopen',
              target: `task:${id}`,
              details: JSON.stringify({ from: 'snoozed', to: 'open', reason: 'snooze ended' }),
            })),
          )
          .execute();
        return ids.length;
      });
    },
  };
}
