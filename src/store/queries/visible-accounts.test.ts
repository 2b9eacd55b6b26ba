import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../test-stores.ts';
import {
  filterVisibleAccountIds,
  isAccountVisible,
  type Viewer,
  visibleAccountFilter,
} from './visible-accounts.ts';

const at = '2026-01-01T00:00:00.000Z';
const USERS = [
  { id: 'boss', role: 'admin', manager_id: null },
  { id: 'm1', role: 'manager', manager_id: null },
  { id: 'm2', role: 'manager', manager_id: null },
  { id: 'c1', role: 'csm', manager_id: 'm1' },
  { id: 'c2', role: 'csm', manager_id: 'm1' },
  { id: 'c3', role: 'csm', manager_id: 'm2' },
  { id: "c'4", role: 'csm', manager_id: 'm2' },
] as const;
const OWNERS = ['c1', 'c2', 'c3', "c'4", 'm1', 'm2', 'boss', null, 'ghost'] as const;

/** The rule, restated independently: what the SQL must agree with. */
function expected(viewer: Viewer, owner: string | null): boolean {
  if (viewer.role === 'admin') return true;
  if (owner === null) return false;
  if (owner === viewer.userId) return true;
  return viewer.role === 'manager' && USERS.some((u) => u.id === owner && u.manager_id === viewer.userId);
}

describe.each(TEST_STORE_KINDS)('visibleAccountFilter on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await store.db
      .insertInto('users')
      .values(
        USERS.map((u) => ({
          ...u,
          name: null,
          email: null,
          password_hash: null,
          created_at: at,
          disabled_at: null,
        })),
      )
      .execute();
    await store.db
      .insertInto('accounts')
      .values(
        Array.from({ length: 45 }, (_, i) => ({
          id: `a${i}`,
          name: `Account ${i}`,
          segment: 'smb',
          owner: OWNERS[i % OWNERS.length] ?? null,
          traits: '{}',
          tags: '[]',
          updated_at: at,
        })),
      )
      .execute();
    await store.db
      .insertInto('events')
      .values(
        Array.from({ length: 45 }, (_, i) => ({
          id: `e${i}`,
          account_id: `a${i}`,
          type: 'csm_note',
          time: at,
          properties: '{}',
          ingested_at: at,
          contact_id: null,
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('property: for any viewer, owner-based and account-id-based filters agree with the rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...USERS.map((u) => ({ userId: u.id, role: u.role }) as Viewer), {
          userId: 'ghost',
          role: 'csm',
        } as Viewer),
        async (viewer) => {
          const byOwner = await store.db
            .selectFrom('accounts as a')
            .select(['a.id', 'a.owner'])
            .where(visibleAccountFilter(viewer, { owner: 'a.owner' }))
            .execute();
          const all = await store.db.selectFrom('accounts').select(['id', 'owner']).execute();
          const want = all
            .filter((a) => expected(viewer, a.owner))
            .map((a) => a.id)
            .sort();
          expect(byOwner.map((a) => a.id).sort()).toEqual(want);
          const byId = await store.db
            .selectFrom('events as e')
            .select('e.account_id')
            .where(visibleAccountFilter(viewer, { accountId: 'e.account_id' }))
            .execute();
          expect(byId.map((e) => e.account_id).sort()).toEqual(want);
          const some = all.map((a) => a.id);
          expect([...(await filterVisibleAccountIds(store, viewer, some))].sort()).toEqual(want);
          for (const a of all.slice(0, 9))
            expect(await isAccountVisible(store, viewer, a.id)).toBe(expected(viewer, a.owner));
        },
      ),
      { numRuns: 16 },
    );
  });

  it('an unknown account is invisible to everyone, admin included', async () => {
    expect(await isAccountVisible(store, { userId: 'boss', role: 'admin' }, 'nope')).toBe(false);
  });
});
