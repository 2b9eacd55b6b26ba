import type { ContractTerm } from '../../../core/contracts/contract-terms.ts';
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
  /** The account's contracts started by `asOf`: ARR and renewal come from the one contract rule. */
  contracts: ContractTerm[];
};

/**
 * Every task the viewer may see with the given status and filters, and the facts of their
 * accounts the work queue ranks by (score, band, contracts, owner and manager names).
 * Three statements per 500 accounts; the queue is ranked and paginated by account in the engine.
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
  const accounts: TaskQueueAccountRow[] = [];
  // chunks keep the IN list within both dialects' parameter limits
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('accounts as a')
      .leftJoin('current_scores as s', 's.account_id', 'a.id')
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
      ])
      .where('a.id', 'in', ids.slice(i, i + 500))
      .execute();
    const contracts = await db
      .selectFrom('contracts')
      .select([
        'account_id',
        'start_date',
        'end_date',
        'billing_period',
        'arr',
        'seats',
        'status',
        'churned_at',
      ])
      .where('account_id', 'in', ids.slice(i, i + 500))
      .where('start_date', '<=', o.asOf.slice(0, 10))
      .execute();
    const termsOf = new Map<string, ContractTerm[]>();
    for (const c of contracts) {
      const list = termsOf.get(c.account_id) ?? [];
      list.push({
        start: c.start_date,
        end: c.end_date,
        billingPeriod: c.billing_period as ContractTerm['billingPeriod'],
        arr: Number(c.arr),
        seats: c.seats === null ? null : Number(c.seats),
        status: c.status,
        churnedAt: c.churned_at,
      });
      termsOf.set(c.account_id, list);
    }
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
        contracts: termsOf.get(r.id) ?? [],
      });
  }
  return { tasks, accounts };
}
