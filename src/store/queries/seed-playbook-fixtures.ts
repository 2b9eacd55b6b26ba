import type { Store } from '../database.ts';

/**
 * Test and bench fixture: `n` accounts owned by csm-1..csm-k (each with a
 * manager and an e-mail), a current contract each, and the users.
 */
export async function seedPlaybookFixtures(
  store: Store,
  options: { accounts: number; owners?: number; now?: string },
): Promise<string[]> {
  const now = options.now ?? '2025-06-01T00:00:00.000Z';
  const owners = options.owners ?? 3;
  await store.db
    .insertInto('users')
    .values([
      {
        id: 'vp-1',
        name: 'VP',
        email: 'vp@example.test',
        role: 'admin',
        manager_id: null,
        password_hash: null,
        created_at: now,
        disabled_at: null,
      },
      {
        id: 'mgr-1',
        name: 'Manager',
        email: 'mgr@example.test',
        role: 'manager',
        manager_id: 'vp-1',
        password_hash: null,
        created_at: now,
        disabled_at: null,
      },
      ...Array.from({ length: owners }, (_, i) => ({
        id: `csm-${i + 1}`,
        name: `CSM ${i + 1}`,
        email: `csm${i + 1}@example.test`,
        role: 'csm',
        manager_id: 'mgr-1',
        password_hash: null,
        created_at: now,
        disabled_at: null,
      })),
    ])
    .execute();
  const ids = Array.from({ length: options.accounts }, (_, i) => `acc-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await store.db
      .insertInto('accounts')
      .values(
        chunk.map((id, j) => ({
          id,
          name: `Account ${id}`,
          segment: (i + j) % 3 === 0 ? 'enterprise' : 'mid-market',
          industry: null,
          owner: `csm-${((i + j) % owners) + 1}`,
          parent_id: null,
          lifecycle_stage: null,
          created_at: '2023-01-01',
          traits: '{}',
          tags: '[]',
          updated_at: now,
        })),
      )
      .execute();
    await store.db
      .insertInto('contracts')
      .values(
        chunk.map((id, j) => ({
          id: `c-${id}`,
          account_id: id,
          start_date: '2024-09-01',
          end_date: (i + j) % 2 === 0 ? '2025-08-15' : '2026-08-31',
          arr: 30_000 + ((i + j) % 10) * 10_000,
          currency: 'USD',
          seats: 50,
          plan: 'pro',
          products: '["core"]',
          status: 'active',
          churned_at: null,
          churn_reason: null,
        })),
      )
      .execute();
  }
  return ids;
}
