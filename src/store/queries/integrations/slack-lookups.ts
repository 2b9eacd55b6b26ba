import { sql } from 'kysely';
import type { Store } from '../../database.ts';
import type { Role } from '../visible-accounts.ts';

/** The active Vigil user with this e-mail (how a Slack user is known to Vigil). */
export async function findUserByEmailForSlack(
  store: Store,
  email: string,
): Promise<{ id: string; role: Role } | null> {
  const r = await store.db
    .selectFrom('users')
    .select(['id', 'role'])
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return r ? { id: r.id, role: r.role as Role } : null;
}

export async function findTaskForSlack(
  store: Store,
  taskId: string,
): Promise<{ id: string; accountId: string; owner: string | null; status: string; title: string } | null> {
  const r = await store.db
    .selectFrom('tasks')
    .select(['id', 'account_id', 'owner', 'status', 'title'])
    .where('id', '=', taskId)
    .executeTakeFirst();
  return r ? { id: r.id, accountId: r.account_id, owner: r.owner, status: r.status, title: r.title } : null;
}

/** Gives a task to a user (a claim from Slack), audited; returns false when the task does not exist. */
export async function setTaskOwner(
  store: Store,
  taskId: string,
  owner: string,
  actor: string,
  at: string,
): Promise<boolean> {
  return store.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('tasks').select('owner').where('id', '=', taskId).executeTakeFirst();
    if (!before) return false;
    if (before.owner === owner) return true;
    await trx.updateTable('tasks').set({ owner, updated_at: at }).where('id', '=', taskId).execute();
    await trx
      .insertInto('audit_log')
      .values({
        at,
        actor,
        action: 'task.claim',
        target: `task:${taskId}`,
        details: JSON.stringify({ from: before.owner, to: owner }),
      })
      .execute();
    return true;
  });
}

/** Accounts whose id equals `q` or whose name contains it (case-insensitive), best first. */
export async function findAccountsForSlack(store: Store, q: string): Promise<{ id: string; name: string }[]> {
  const exact = await store.db.selectFrom('accounts').select(['id', 'name']).where('id', '=', q).execute();
  if (exact.length > 0) return exact;
  const like = `%${q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
  return store.db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where(sql<string>`lower(name)`, 'like', sql<string>`${like} escape '\\'`)
    .orderBy('name')
    .limit(5)
    .execute();
}

export type SlackCardRow = {
  account: { id: string; name: string; owner: string | null };
  score: { score: number; band: string; trend30: number | null; coverage: number; detail: string } | null;
  contracts: { start: string; end: string | null; arr: number; status: string }[];
  openTasks: { title: string; due: string | null }[];
};

export async function loadSlackCard(store: Store, accountId: string): Promise<SlackCardRow | null> {
  const a = await store.db
    .selectFrom('accounts')
    .select(['id', 'name', 'owner'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!a) return null;
  const [s, contracts, tasks] = await Promise.all([
    store.db
      .selectFrom('current_scores')
      .select(['score', 'override_score', 'band', 'trend_30', 'coverage', 'detail'])
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
    store.db
      .selectFrom('contracts')
      .select(['start_date', 'end_date', 'arr', 'status'])
      .where('account_id', '=', accountId)
      .execute(),
    store.db
      .selectFrom('tasks')
      .select(['title', 'due'])
      .where('account_id', '=', accountId)
      .where('status', '=', 'open')
      .orderBy('due')
      .limit(5)
      .execute(),
  ]);
  return {
    account: a,
    score: s
      ? {
          score: s.override_score ?? s.score,
          band: s.band,
          trend30: s.trend_30,
          coverage: s.coverage,
          detail: s.detail,
        }
      : null,
    contracts: contracts.map((c) => ({
      start: c.start_date,
      end: c.end_date,
      arr: Number(c.arr),
      status: c.status,
    })),
    openTasks: tasks,
  };
}
