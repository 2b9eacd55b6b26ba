import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDay } from '../../core/signals/signal-helpers.ts';
import type { Store } from '../database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../test-stores.ts';
import {
  bandsAt,
  earliestEventDay,
  listFailedPayments,
  listScopedContracts,
  listValueMilestoneDays,
} from './metrics-inputs.ts';

const account = (id: string, segment: string, owner: string) => ({
  id,
  name: id,
  segment,
  industry: null,
  owner,
  parent_id: null,
  lifecycle_stage: 'active',
  created_at: '2024-01-01',
  traits: '{}',
  tags: '[]',
  updated_at: '2024-01-01T00:00:00Z',
});
const event = (id: string, accountId: string, type: string, time: string, properties: object = {}) => ({
  id,
  account_id: accountId,
  contact_id: null,
  type,
  time,
  properties: JSON.stringify(properties),
  ingested_at: '2026-01-01T00:00:00Z',
});
const score = (accountId: string, asOf: string, band: string, modelVersion = 1) => ({
  account_id: accountId,
  as_of: asOf,
  model_version: modelVersion,
  score: 50,
  band,
  coverage: 1,
  detail: '{}',
  computed_at: `${asOf}T00:00:00Z`,
});

describe.each(TEST_STORE_KINDS)('metrics inputs on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await store.db
      .insertInto('accounts')
      .values([account('a1', 'smb', 'u1'), account('a2', 'ent', 'u1'), account('a3', 'smb', 'u2')])
      .execute();
    await store.db
      .insertInto('contracts')
      .values(
        (['a1', 'a2', 'a3'] as const).map((a, i) => ({
          id: `c-${a}`,
          account_id: a,
          start_date: '2025-01-01',
          end_date: '2025-12-31',
          arr: 1_000 * (i + 1),
          currency: i === 2 ? 'EUR' : 'USD',
          seats: 5,
          plan: 'pro',
          products: '["core","ai"]',
          status: i === 1 ? 'churned' : 'active',
          churned_at: i === 1 ? '2025-06-30' : null,
          churn_reason: null,
        })),
      )
      .execute();
    await store.db
      .insertInto('events')
      .values([
        event('m1', 'a1', 'value_milestone', '2025-02-01T08:00:00Z'),
        event('m2', 'a1', 'value_milestone', '2025-01-15T23:59:00Z'),
        event('n1', 'a2', 'csm_note', '2025-02-01T08:00:00Z', { text: 'not a milestone' }),
        // a1: inv-1 failed then paid; inv-2 failed and never paid
        event('f1', 'a1', 'payment_failed', '2025-03-01T00:00:00Z', { invoiceId: 'inv-1' }),
        event('f2', 'a1', 'payment_failed', '2025-04-01T00:00:00Z', { invoiceId: 'inv-2' }),
        event('f3', 'a1', 'invoice_paid', '2025-03-10T00:00:00Z', { invoiceId: 'inv-1' }),
        // a paid invoice of another id does not settle a2's failure
        event('f4', 'a2', 'payment_failed', '2025-05-01T00:00:00Z', { invoiceId: 'inv-3' }),
        event('f5', 'a2', 'invoice_paid', '2025-05-02T00:00:00Z', { invoiceId: 'inv-other' }),
      ])
      .execute();
    await store.db
      .insertInto('scores')
      .values([
        score('a1', '2025-05-01', 'critical'),
        score('a1', '2025-06-01', 'healthy', 2),
        score('a1', '2025-07-02', 'at-risk', 2),
        score('a2', '2025-06-30', 'at-risk'),
        score('a3', '2024-01-01', 'healthy'),
      ])
      .execute();
  });
  afterAll(async () => {
    await store.close();
  });

  it('loads contracts of the accounts in scope, as domain contracts', async () => {
    const all = await listScopedContracts(store, {});
    expect(all.map((c) => c.id).sort()).toEqual(['c-a1', 'c-a2', 'c-a3']);
    const a2 = all.find((c) => c.id === 'c-a2')!;
    expect(a2).toMatchObject({ accountId: 'a2', start: '2025-01-01', end: '2025-12-31', arr: 2_000 });
    expect(a2.status).toBe('churned');
    expect(a2.churnedAt).toBe('2025-06-30');
    expect(all.find((c) => c.id === 'c-a3')!.currency).toBe('EUR');
    expect((await listScopedContracts(store, { segment: 'smb' })).map((c) => c.id).sort()).toEqual([
      'c-a1',
      'c-a3',
    ]);
    expect((await listScopedContracts(store, { segment: 'smb', owner: 'u1' })).map((c) => c.id)).toEqual([
      'c-a1',
    ]);
    expect(await listScopedContracts(store, { owner: 'nobody' })).toEqual([]);
  });

  it('lists value milestone days per account, and nothing else', async () => {
    const m = await listValueMilestoneDays(store);
    expect([...m.keys()]).toEqual(['a1']);
    expect([...m.get('a1')!].sort((a, b) => a - b)).toEqual([toDay('2025-01-15'), toDay('2025-02-01')]);
  });

  it('finds where the event history begins', async () => {
    expect(await earliestEventDay(store)).toBe(toDay('2025-01-15'));
    const empty = await openTestStore(kind);
    try {
      expect(await earliestEventDay(empty)).toBeNull();
    } finally {
      await empty.close();
    }
  });

  it('pairs failed payments with the payment of the same invoice', async () => {
    const f = await listFailedPayments(store);
    expect(f.get('a1')).toEqual([
      { failedDay: toDay('2025-03-01'), paidDay: toDay('2025-03-10') },
      { failedDay: toDay('2025-04-01'), paidDay: null },
    ]);
    expect(f.get('a2')).toEqual([{ failedDay: toDay('2025-05-01'), paidDay: null }]);
    expect(f.has('a3')).toBe(false);
  });

  it('takes the latest score on or before the date, across model versions', async () => {
    const b = await bandsAt(store, '2025-07-01');
    expect(b.get('a1')).toBe('healthy'); // 2025-06-01, not the later 2025-07-02
    expect(b.get('a2')).toBe('at-risk'); // scored the day before
    expect(b.has('a3')).toBe(false); // a score from 2024 is too old to describe mid-2025
    expect((await bandsAt(store, '2025-05-15')).get('a1')).toBe('critical');
    expect((await bandsAt(store, '2020-01-01')).size).toBe(0);
  });
});
