import type { Store } from '../database.ts';

/**
 * Closes (dismisses) the open and snoozed tasks of churned accounts, with the churn as the reason,
 * and records each in the audit log. Returns how many tasks were closed.
 */
export async function closeChurnedAccountTasks(
  store: Store,
  accounts: readonly { accountId: string; reason: string }[],
  now: string,
): Promise<number> {
  const reasonById = new Map(accounts.map((a) => [a.accountId, a.reason]));
  let closed = 0;
  const ids = [...reasonById.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await store.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom('tasks')
        .select(['id', 'account_id'])
        .where('account_id', 'in', chunk)
        .where('status', 'in', ['open', 'snoozed'])
        .execute();
      if (open.length === 0) return;
      const byReason = new Map<string, string[]>();
      for (const t of open) {
        const reason = reasonById.get(t.account_id) ?? 'account churned';
        const list = byReason.get(reason);
        if (list) list.push(t.id);
        else byReason.set(reason, [t.id]);
      }
      for (const [reason, taskIds] of byReason)
        await trx
          .updateTable('tasks')
          .set({ status: 'dismissed', reason, closed_at: now, updated_at: now, snoozed_until: null })
          .where('id', 'in', taskIds)
          .where('status', 'in', ['open', 'snoozed'])
          .execute();
      await trx
        .insertInto('audit_log')
        .values(
          open.map((t) => ({
            at: now,
            actor: 'lifecycle',
            action: 'task.close',
            target: `task:${t.id}`,
            details: JSON.stringify({ accountId: t.account_id, reason: reasonById.get(t.account_id) }),
          })),
        )
        .execute();
      closed += open.length;
    });
  }
  return closed;
}
