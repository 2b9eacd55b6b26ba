import type { DigestAccount, DigestTask } from '../../core/integrations/slack-digest.ts';
import type { Store } from '../database.ts';

export type DigestRecipient = {
  userId: string;
  name: string | null;
  email: string;
  accounts: DigestAccount[];
  tasks: DigestTask[];
};

/**
 * What the daily digests of `date` need, per user with an e-mail who owns
 * accounts or open tasks: each owned account's latest score on or before
 * `date` and on or before `previousDate` (looked back 7 days), and the user's
 * open tasks with a due date (the core picks those due).
 */
export async function loadDigestRecipients(
  store: Store,
  date: string,
  previousDate: string,
): Promise<DigestRecipient[]> {
  const users = await store.db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('email', 'is not', null)
    .execute();
  if (users.length === 0) return [];
  const accounts = await store.db
    .selectFrom('accounts')
    .select(['id', 'name', 'owner'])
    .where('owner', 'is not', null)
    .execute();
  const lookback = new Date(Date.parse(`${previousDate}T00:00:00Z`) - 7 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const scores = await store.db
    .selectFrom('scores')
    .select(['account_id', 'as_of', 'score', 'band', 'model_version'])
    .where('as_of', '>=', lookback)
    .where('as_of', '<=', date)
    .orderBy('as_of')
    .orderBy('model_version')
    .execute();
  const latest = (rows: typeof scores, day: string) => {
    const out = new Map<string, { score: number; band: string }>();
    for (const r of rows) if (r.as_of <= day) out.set(r.account_id, { score: Number(r.score), band: r.band });
    return out;
  };
  const now = latest(scores, date);
  const before = latest(scores, previousDate);
  const tasks = await store.db
    .selectFrom('tasks')
    .innerJoin('accounts', 'accounts.id', 'tasks.account_id')
    .select([
      'tasks.id',
      'tasks.title',
      'tasks.due',
      'tasks.priority',
      'tasks.owner',
      'tasks.account_id',
      'accounts.name',
    ])
    .where('tasks.status', '=', 'open')
    .where('tasks.due', 'is not', null)
    .where('tasks.due', '<=', date)
    .execute();
  return users
    .map((u) => ({
      userId: u.id,
      name: u.name,
      email: u.email as string,
      accounts: accounts
        .filter((a) => a.owner === u.id)
        .map((a) => ({
          id: a.id,
          name: a.name,
          score: now.get(a.id)?.score ?? null,
          band: now.get(a.id)?.band ?? null,
          previousScore: before.get(a.id)?.score ?? null,
          previousBand: before.get(a.id)?.band ?? null,
        })),
      tasks: tasks
        .filter((t) => t.owner === u.id)
        .map((t) => ({
          id: t.id,
          title: t.title,
          due: t.due,
          priority: t.priority,
          accountId: t.account_id,
          accountName: t.name,
        })),
    }))
    .filter((u) => u.accounts.length > 0 || u.tasks.length > 0);
}
