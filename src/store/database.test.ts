import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './database.ts';
import { migrate } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openTestStore, TEST_STORE_KINDS } from './test-stores.ts';

describe.each(TEST_STORE_KINDS)('store on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('applies every migration once and is idempotent on re-run', async () => {
    const again = await migrate(store);
    expect(again).toEqual([]);
    const rows = await store.db
      .selectFrom('vigil_migrations' as never)
      .select('name' as never)
      .execute();
    expect(rows.length).toBe(MIGRATIONS.length);
  });

  it('round-trips an account with JSON traits', async () => {
    await store.db
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'Acme',
        segment: 'enterprise',
        industry: null,
        owner: 'csm1',
        parent_id: null,
        lifecycle_stage: null,
        created_at: '2024-01-01',
        traits: JSON.stringify({ plan: 'pro', seats: 50 }),
        tags: '[]',
        updated_at: new Date(0).toISOString(),
      })
      .execute();
    const row = await store.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.traits)).toEqual({ plan: 'pro', seats: 50 });
  });

  it('returns bigint counts as numbers', async () => {
    const r = await store.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(r.n).toBe(1);
    expect(typeof r.n).toBe('number');
  });
});
