import { sql } from 'kysely';
import type { Store } from '../../database.ts';

/** Ids of accounts whose trait `name` equals `value` (traits are JSON text in both dialects). */
export async function findAccountsByTrait(store: Store, name: string, value: string): Promise<string[]> {
  const expr =
    store.dialect === 'postgres'
      ? sql<string>`(traits::jsonb ->> ${name})`
      : sql<string>`json_extract(traits, ${`$."${name.replace(/"/g, '')}"`})`;
  const rows = await store.db.selectFrom('accounts').select('id').where(expr, '=', value).limit(2).execute();
  return rows.map((r) => r.id);
}

export async function accountExists(store: Store, id: string): Promise<boolean> {
  return !!(await store.db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst());
}

/** E-mail of a user (account owner, manager). */
export async function findUserEmail(store: Store, userId: string): Promise<string | null> {
  const r = await store.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  return r?.email ?? null;
}

/** The user with this e-mail (Slack user → Vigil user). */
export async function findUserByEmail(store: Store, email: string): Promise<string | null> {
  const r = await store.db
    .selectFrom('users')
    .select('id')
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return r?.id ?? null;
}
