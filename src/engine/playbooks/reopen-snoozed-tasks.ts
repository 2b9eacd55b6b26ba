import type { EngineContext } from '../context.ts';

/** Snoozed tasks whose time has come are open again (audited). Returns how many. */
export async function reopenSnoozedTasks(ctx: EngineContext): Promise<number> {
  const now = ctx.clock.now().toISOString();
  return ctx.store.db.transaction().execute(async (trx) => {
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
}
