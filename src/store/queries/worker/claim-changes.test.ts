import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../test-stores.ts';
import { DIRTY_PRIORITY, markDirty } from '../mark-dirty.ts';
import { claimChanges, releaseChanges } from './claim-changes.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe.each(TEST_STORE_KINDS)('claimChanges / releaseChanges on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await store.db
      .insertInto('accounts')
      .values(
        ['x', 'y', 'z'].map((id) => ({
          id,
          name: id,
          segment: 'smb',
          owner: null,
          traits: '{}',
          tags: '[]',
          updated_at: at(0),
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('claims disjoint sets, retakes expired leases, keeps a change marked during processing, ledgers each once', async () => {
    await markDirty(store, ['x', 'y', 'z'], at(1));
    const a = await claimChanges(store, { workerId: 'A', limit: 2, now: at(2), leaseSeconds: 10 });
    const b = await claimChanges(store, { workerId: 'B', limit: 5, now: at(2), leaseSeconds: 60 });
    expect(a.length).toBe(2);
    expect(b.map((c) => c.accountId)).toEqual(
      ['x', 'y', 'z'].filter((id) => !a.some((c) => c.accountId === id)),
    );
    expect(await claimChanges(store, { workerId: 'C', limit: 5, now: at(3), leaseSeconds: 10 })).toEqual([]);
    // A dies; after its lease C takes its claims over, with the baseline kept from the first claim
    const taken = await claimChanges(store, { workerId: 'C', limit: 5, now: at(20), leaseSeconds: 10 });
    expect(taken.map((c) => c.accountId).sort()).toEqual(a.map((c) => c.accountId).sort());
    // a new mark lands on one of them while C works
    const first = taken[0]!;
    await markDirty(store, [first.accountId], at(21));
    const rel = await releaseChanges(store, taken, { workerId: 'C', now: at(22) });
    expect(rel).toEqual({ processed: taken.length - 1, remarked: 1, lostLease: 0 });
    // the dead worker's late release changes nothing
    expect(await releaseChanges(store, a, { workerId: 'A', now: at(23) })).toEqual({
      processed: 0,
      remarked: 0,
      lostLease: 2,
    });
    expect((await releaseChanges(store, b, { workerId: 'B', now: at(23) })).processed).toBe(1);
    const again = await claimChanges(store, { workerId: 'B', limit: 5, now: at(24), leaseSeconds: 10 });
    expect(again.map((c) => c.accountId)).toEqual([first.accountId]);
    expect((await releaseChanges(store, again, { workerId: 'B', now: at(25) })).processed).toBe(1);
    const ledger = await store.db.selectFrom('worker_ledger').selectAll().orderBy('processed_at').execute();
    expect(ledger.length).toBe(3);
    expect(new Set(ledger.map((l) => `${l.account_id}|${l.marked_at}|${l.version}`)).size).toBe(3);
    expect(ledger.map((l) => l.account_id).sort()).toEqual(['x', 'y', 'z']);
    expect(await store.db.selectFrom('dirty_accounts').selectAll().execute()).toEqual([]);
    expect(await store.db.selectFrom('worker_baselines').selectAll().execute()).toEqual([]);
  });
  it('claims accounts a person touched before older usage-only marks; a usage mark never lowers that', async () => {
    await markDirty(store, ['x', 'y'], at(40));
    await markDirty(store, ['z'], at(41), DIRTY_PRIORITY.person);
    await markDirty(store, ['z'], at(42)); // more usage on z: still first
    const first = await claimChanges(store, { workerId: 'P', limit: 1, now: at(43), leaseSeconds: 10 });
    expect(first.map((c) => c.accountId)).toEqual(['z']);
    const rest = await claimChanges(store, { workerId: 'P', limit: 5, now: at(43), leaseSeconds: 10 });
    expect(rest.map((c) => c.accountId).sort()).toEqual(['x', 'y']);
    const r = await releaseChanges(store, [...first, ...rest], { workerId: 'P', now: at(44) });
    expect(r).toEqual({ processed: 3, remarked: 0, lostLease: 0 });
    expect(await store.db.selectFrom('dirty_accounts').selectAll().execute()).toEqual([]);
  });
});
