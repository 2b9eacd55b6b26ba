import { sql } from 'kysely';
import type { Store } from '../../database.ts';
import type { TasksTable } from '../../schema-playbooks.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';

export type ListTaskQueueRowsOptions = {
  asOf: string;
  status: string;
  owner?: string | undefined;
  playbookId?: string | undefined;
  priority?: string | undefined;
};

export type TaskQueueAccountRow = {
  id: string;
  name: string;
  owner: string | null;
  ownerName: string | null;
  managerName: string | null;
  segment: string;
  score: number | null;
  band: string | null;
  arr: number;
  /** Last day of the earliest-ending live contract (the renewal is the day after). */
  termEnd: string | null;
};

/**
 * Every task the viewer may see with the given status and filters, and the facts of their
 * accounts the work queue ranks by (score, band, live ARR, term end, owner and manager names).
 * Two statements; the queue is ranked and paginated by account in the engine.
 */
export async function listTaskQueueRows(
  store: Store,
  viewer: Viewer,
  o: ListTaskQueueRowsOptions,
): Promise<{
  tasks: (TasksTable & { account_name: string | null })[];
  accounts: TaskQueueAccountRow[];
}> {
  const { db } = store;
  let q = db
    .selectFrom('tasks as t')
    .leftJoin('accounts as a', 'a.id', 't.account_id')
    .selectAll('t')
    .select('a.name as account_name')
    .where(visibleAccountFilter(viewer, { accountId: 't.account_id' }))
    .where('t.status', '=', o.status);
  if (o.owner) q = q.where('t.owner', '=', o.owner);
  if (o.playbookId) q = q.where('t.playbook_id', '=', o.playbookId);
  if (o.priority) q = q.where('t.priority', '=', o.priority);
  const tasks = await q.orderBy('t.id').execute();
  const ids = [...new Set(tasks.map((t) => t.account_id))];
  if (ids.length === 0) return { tasks, accounts: [] };
  const day = o.asOf.slice(0, 10);
  const live = db
    .selectFrom('contracts')
    .select((eb) => [
      'account_id',
      eb.fn.sum<number>('arr').as('arr'),
      eb.fn.min<string>('end_date').as('term_end'),
    ])
    .where('start_date', '<=', day)
    // an open-ended subscription (no end) is live until it ends
    .where((eb) => eb.or([eb('end_date', '>=', day), eb('end_date', 'is', null)]))
    .groupBy('account_id');
  const accounts: TaskQueueAccountRow[] = [];
  // chunks keep the IN list within both dialects' parameter limits
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('accounts as a')
      .leftJoin('current_scores as s', 's.account_id', 'a.id')
      .leftJoin(live.as('c'), 'c.account_id', 'a.id')
      .leftJoin('users as u', 'u.id', 'a.owner')
      .leftJoin('users as m', 'm.id', 'u.manager_id')
      .select([
        'a.id',
        'a.name',
        'a.owner',
        'a.segment',
        'u.name as owner_name',
        'm.name as manager_name',
        's.score',
        's.band',
        sql<number>`coalesce(c.arr, 0)`.as('arr'),
        'c.term_end',
      ])
      .where('a.id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows)
      accounts.push({
        id: r.id,
        name: r.name,
        owner: r.owner,
        ownerName: r.owner_name ?? null,
        managerName: r.manager_name ?? null,
        segment: r.segment,
        score: r.score === null ? null : Number(r.score),
        band: r.band ?? null,
        arr: Number(r.arr ?? 0),
        termEnd: r.term_end ?? null,
      });
  }
  return { tasks, accounts };
}
