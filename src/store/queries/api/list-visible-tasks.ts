import { sql } from 'kysely';
import type { Store } from '../../database.ts';
import type { TasksTable } from '../../schema-playbooks.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';

export type ListVisibleTasksOptions = {
  owner?: string | undefined;
  status?: string | undefined;
  accountId?: string | undefined;
  limit: number;
  offset: number;
};

const PRIORITY_ORDER = sql`case t.priority when 'urgent' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

/** Tasks on accounts the viewer may see, most urgent first, then by due date. */
export async function listVisibleTasks(
  store: Store,
  viewer: Viewer,
  o: ListVisibleTasksOptions,
): Promise<{ rows: (TasksTable & { account_name: string | null })[]; total: number }> {
  let q = store.db
    .selectFrom('tasks as t')
    .where(visibleAccountFilter(viewer, { accountId: 't.account_id' }));
  if (o.owner) q = q.where('t.owner', '=', o.owner);
  if (o.status) q = q.where('t.status', '=', o.status);
  if (o.accountId) q = q.where('t.account_id', '=', o.accountId);
  const [total, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    q
      .leftJoin('accounts as a', 'a.id', 't.account_id')
      .selectAll('t')
      .select('a.name as account_name')
      .orderBy(PRIORITY_ORDER as never)
      .orderBy('t.due')
      .orderBy('t.id')
      .limit(o.limit)
      .offset(o.offset)
      .execute(),
  ]);
  return { rows, total: Number(total.n) };
}
