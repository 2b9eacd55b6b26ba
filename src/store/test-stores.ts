import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openStore, type Store } from './database.ts';

/**
 * The databases every storage test runs against: SQLite always, PostgreSQL when
 * VIGIL_TEST_DATABASE_URL is set. Under CI=true an unset/unreachable PostgreSQL
 * is an error (the test fails) rather than a silent skip.
 */
export type TestStoreKind = 'sqlite' | 'postgres';

export const TEST_PG_URL = process.env.VIGIL_TEST_DATABASE_URL ?? null;
export const TEST_STORE_KINDS: TestStoreKind[] =
  TEST_PG_URL || process.env.CI === 'true' ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Opens a fresh, migrated, isolated store: an in-memory SQLite database or a
 * new PostgreSQL schema that `close()` drops.
 */
export async function openTestStore(kind: TestStoreKind): Promise<Store> {
  if (kind === 'sqlite') return openStore({ url: ':memory:' });
  if (!TEST_PG_URL)
    throw new Error('CI=true but VIGIL_TEST_DATABASE_URL is not set: PostgreSQL tests cannot run');
  const schema = `vigil_test_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url: TEST_PG_URL, pgSchema: schema, poolSize: 4 });
  const close = store.close;
  return {
    ...store,
    close: async () => {
      await sql.raw(`drop schema if exists "${schema}" cascade`).execute(store.db);
      await close();
    },
  };
}
