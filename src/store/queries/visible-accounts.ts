import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Viewer } from '../../core/access.ts';
import type { Store } from '../database.ts';

export { ROLES, type Role, type Viewer } from '../../core/access.ts';

/**
 * THE rule of who sees which account, in one place: an admin sees all; a
 * manager the accounts they own or that are owned by someone reporting to
 * them (users.manager_id); a CSM only accounts whose owner is them. Every
 * account-scoped query (list, detail, search, tasks, export, stream) applies
 * this filter, so no route can forget it.
 *
 * Pass the column holding the account's owner (`{ owner: 'a.owner' }`) when
 * the query reads `accounts`, or the column holding an account id
 * (`{ accountId: 't.account_id' }`) for tables that reference one.
 */
export function visibleAccountFilter(
  viewer: Viewer,
  column: { owner: string } | { accountId: string },
): RawBuilder<SqlBool> {
  if (viewer.role === 'admin') return sql<SqlBool>`1 = 1`;
  const owners =
    viewer.role === 'manager'
      ? sql`(select u.id from users u where u.manager_id = ${viewer.userId} union select ${viewer.userId})`
      : sql`(select ${viewer.userId})`;
  if ('owner' in column) return sql<SqlBool>`${sql.ref(column.owner)} in ${owners}`;
  return sql<SqlBool>`${sql.ref(column.accountId)} in (select va.id from accounts va where va.owner in ${owners})`;
}

/** Whether the viewer may see this account (an unknown account is not visible). */
export async function isAccountVisible(store: Store, viewer: Viewer, accountId: string): Promise<boolean> {
  const row = await store.db
    .selectFrom('accounts as a')
    .select('a.id')
    .where('a.id', '=', accountId)
    .where(visibleAccountFilter(viewer, { owner: 'a.owner' }))
    .executeTakeFirst();
  return row !== undefined;
}

/** The subset of `accountIds` the viewer may see (one query per 500 ids): for filtering pushed events. */
export async function filterVisibleAccountIds(
  store: Store,
  viewer: Viewer,
  accountIds: Iterable<string>,
): Promise<Set<string>> {
  const ids = [...new Set(accountIds)];
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await store.db
      .selectFrom('accounts as a')
      .select('a.id')
      .where('a.id', 'in', ids.slice(i, i + 500))
      .where(visibleAccountFilter(viewer, { owner: 'a.owner' }))
      .execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}
