import type { Store } from '../../database.ts';

/** Which of these account ids exist. */
export async function existingAccountIds(store: Store, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  const list = [...new Set(ids)];
  for (let i = 0; i < list.length; i += 500)
    for (const r of await store.db
      .selectFrom('accounts')
      .select('id')
      .where('id', 'in', list.slice(i, i + 500))
      .execute())
      out.add(r.id);
  return out;
}

/**
 * A contact from a live source (Segment identify): created when new; when it
 * exists only the fields the source gave are changed (its role, set by a
 * person or an import, is kept).
 */
export async function upsertLiveContact(
  store: Store,
  c: { id: string; accountId: string; email: string | null; name: string | null; title: string | null },
): Promise<'created' | 'updated' | 'unchanged'> {
  const before = await store.db.selectFrom('contacts').selectAll().where('id', '=', c.id).executeTakeFirst();
  if (!before) {
    await store.db
      .insertInto('contacts')
      .values({
        id: c.id,
        account_id: c.accountId,
        email: c.email,
        name: c.name,
        title: c.title,
        role: 'user',
        joined_at: null,
        left_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return 'created';
  }
  const set = {
    account_id: c.accountId,
    email: c.email ?? before.email,
    name: c.name ?? before.name,
    title: c.title ?? before.title,
  };
  if (
    set.account_id === before.account_id &&
    set.email === before.email &&
    set.name === before.name &&
    set.title === before.title
  )
    return 'unchanged';
  await store.db.updateTable('contacts').set(set).where('id', '=', c.id).execute();
  return 'updated';
}

/** Merges traits into an account's traits (JSON text); true when something changed. */
export async function mergeAccountTraits(
  store: Store,
  accountId: string,
  traits: Record<string, string | number | boolean | null>,
  at: string,
): Promise<boolean> {
  return store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('accounts')
      .select('traits')
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!row) return false;
    const before = JSON.parse(row.traits || '{}') as Record<string, unknown>;
    const after = { ...before, ...traits };
    if (JSON.stringify(after) === JSON.stringify(before)) return false;
    await trx
      .updateTable('accounts')
      .set({ traits: JSON.stringify(after), updated_at: at })
      .where('id', '=', accountId)
      .execute();
    return true;
  });
}
