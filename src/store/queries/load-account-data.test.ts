import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDay } from '../../core/signals/signal-helpers.ts';
import type { Store } from '../database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../test-stores.ts';
import { loadAccountData, loadAccountsData } from './load-account-data.ts';

const account = (id: string) => ({
  id,
  name: `Account ${id}`,
  segment: 'smb',
  industry: 'retail',
  owner: 'csm-1',
  parent_id: null,
  lifecycle_stage: 'active',
  created_at: '2025-01-01',
  traits: JSON.stringify({ employees: 120, region: 'emea' }),
  tags: '[]',
  updated_at: '2026-01-01T00:00:00Z',
});
const ev = (id: string, accountId: string, time: string, type = 'csm_note') => ({
  id,
  account_id: accountId,
  contact_id: null,
  type,
  time,
  properties: JSON.stringify({ text: `note ${id}` }),
  ingested_at: '2026-07-01T00:00:00Z',
});
/** Bitmask with the given days of the month active (bit d-1 = day d). */
const mask = (...days: number[]) => days.reduce((m, d) => m | (1 << (d - 1)), 0);

describe.each(TEST_STORE_KINDS)('loadAccountData on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await store.db
      .insertInto('accounts')
      .values([account('a1'), account('a2'), account('a3')])
      .execute();
    await store.db
      .insertInto('contracts')
      .values([
        {
          id: 'c1',
          account_id: 'a1',
          start_date: '2025-01-01',
          end_date: '2025-12-31',
          arr: 10_000,
          currency: 'USD',
          seats: 10,
          plan: 'pro',
          products: '["core"]',
          status: 'renewed',
          churned_at: null,
          churn_reason: null,
        },
        {
          id: 'c2',
          account_id: 'a1',
          start_date: '2026-01-01',
          end_date: '2026-12-31',
          arr: 12_500.5,
          currency: 'USD',
          seats: null,
          plan: null,
          products: '["core","ai"]',
          status: 'active',
          churned_at: null,
          churn_reason: null,
        },
      ])
      .execute();
    await store.db
      .insertInto('contacts')
      .values([
        {
          id: 'p1',
          account_id: 'a1',
          email: 'p1@x.io',
          name: 'P One',
          title: 'VP Ops',
          role: 'champion',
          joined_at: '2025-01-01',
          left_at: null,
        },
        {
          id: 'p2',
          account_id: 'a1',
          email: null,
          name: null,
          title: null,
          role: 'user',
          joined_at: null,
          left_at: '2026-05-01',
        },
      ])
      .execute();
    await store.db
      .insertInto('events')
      .values([
        ev('e-old', 'a1', '2026-01-01T10:00:00.000Z'), // before a 90-day lookback from 2026-06-15
        ev('e-in', 'a1', '2026-05-01T10:00:00.000Z'),
        ev('e-last', 'a1', '2026-06-15T23:59:00.000Z'), // late on the as-of day: included
        ev('e-future', 'a1', '2026-06-16T00:00:01.000Z'), // after as-of: never seen
        ev('e-other', 'a2', '2026-06-01T10:00:00.000Z'),
      ])
      .execute();
    await store.db
      .insertInto('usage_daily')
      .values([
        { account_id: 'a1', day: '2026-06-10', logins: 3, events: 12, integration_events: 2 },
        { account_id: 'a1', day: '2026-06-11', logins: 1, events: 4, integration_events: 0 },
        { account_id: 'a1', day: '2026-06-20', logins: 9, events: 90, integration_events: 9 },
      ])
      .execute();
    await store.db
      .insertInto('user_monthly')
      .values([
        { account_id: 'a1', contact_id: 'p1', month: '2026-06', days: mask(10, 11, 20), events: 9 },
        { account_id: 'a1', contact_id: 'p2', month: '2026-06', days: mask(10), events: 3 },
      ])
      .execute();
    await store.db
      .insertInto('catalog_features')
      .values([{ key: 'reports', name: 'Reports', core: 1, add_on: 0, list_price: null }])
      .execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('round-trips entities with their types (numbers, JSON, nulls) and sees nothing after the as-of date', async () => {
    const d = await loadAccountData(store, 'a1', '2026-06-15', 90);
    expect(d.account).toMatchObject({
      id: 'a1',
      segment: 'smb',
      lifecycleStage: 'active',
      traits: { employees: 120, region: 'emea' },
    });
    expect(d.contracts.map((c) => [c.id, c.arr, c.seats, c.products])).toEqual([
      ['c1', 10_000, 10, ['core']],
      ['c2', 12_500.5, null, ['core', 'ai']],
    ]);
    expect(d.contacts.map((c) => [c.id, c.role, c.leftAt])).toEqual([
      ['p1', 'champion', null],
      ['p2', 'user', '2026-05-01'],
    ]);
    expect(d.events.map((e) => e.id)).toEqual(['e-in', 'e-last']);
    expect(d.events[0]!.properties).toEqual({ text: 'note e-in' });
    expect(d.catalog).toEqual([
      { key: 'reports', name: 'Reports', core: true, addOn: false, listPrice: null },
    ]);
    // usage after the as-of date is not loaded; active users come from the per-user rollup
    expect(d.usageDaily.map((u) => [u.day, u.logins, u.events, u.integrationEvents, u.activeUsers])).toEqual([
      ['2026-06-10', 3, 12, 2, 2],
      ['2026-06-11', 1, 4, 0, 1],
    ]);
    expect(d.userDaily.every((u) => u.day <= '2026-06-15')).toBe(true);
    expect(d.userDaily.filter((u) => u.contactId === 'p1').map((u) => u.day)).toEqual([
      '2026-06-10',
      '2026-06-11',
    ]);
    // the loader hands over the day numbers it computed, equal to parsing the day
    expect(d.userDaily.length).toBeGreaterThan(0);
    for (const r of [...d.userDaily, ...d.featureDaily]) expect(r.dayNumber).toBe(toDay(r.day));
  });

  it('a later as-of sees the later data; a longer lookback sees older events', async () => {
    const d = await loadAccountData(store, 'a1', '2026-06-30', 400);
    expect(d.events.map((e) => e.id)).toEqual(['e-old', 'e-in', 'e-last', 'e-future']);
    expect(d.usageDaily.find((u) => u.day === '2026-06-20')?.activeUsers).toBe(1);
  });

  it('the batched loader keeps accounts apart and returns empty data for an account with none', async () => {
    const m = await loadAccountsData(store, ['a1', 'a2', 'a3', 'missing'], '2026-06-15', 90);
    expect([...m.keys()].sort()).toEqual(['a1', 'a2', 'a3']);
    expect(m.get('a2')!.events.map((e) => e.id)).toEqual(['e-other']);
    expect(m.get('a2')!.usageDaily).toEqual([]);
    expect(m.get('a3')).toMatchObject({
      contracts: [],
      contacts: [],
      events: [],
      usageDaily: [],
      userDaily: [],
    });
    expect(await loadAccountsData(store, [], '2026-06-15')).toEqual(new Map());
  });

  it('fails clearly for an unknown account', async () => {
    await expect(loadAccountData(store, 'missing', '2026-06-15')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
