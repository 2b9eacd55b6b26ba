import { describe, expect, it } from 'vitest';
import type { AccountData } from '../data-model/account-data.ts';
import { sliceAccountDataAsOf } from './slice-account-data.ts';

const data: AccountData = {
  account: { id: 'a', name: 'A', segment: 'smb', traits: {} },
  catalog: [],
  contracts: [
    {
      id: 'k1',
      accountId: 'a',
      start: '2023-01-01',
      end: '2023-12-31',
      arr: 1,
      currency: 'USD',
      products: [],
      status: 'renewed',
    },
    {
      id: 'k2',
      accountId: 'a',
      start: '2024-01-01',
      end: '2024-12-31',
      arr: 1,
      currency: 'USD',
      products: [],
      status: 'churned',
      churnedAt: '2024-10-01',
      churnReason: 'price',
    },
    {
      id: 'k3',
      accountId: 'a',
      start: '2025-01-01',
      end: '2025-12-31',
      arr: 1,
      currency: 'USD',
      products: [],
      status: 'active',
    },
  ],
  contacts: [
    { id: 'c1', accountId: 'a', role: 'champion', joinedAt: '2023-01-01', leftAt: '2024-08-01' },
    { id: 'c2', accountId: 'a', role: 'user', joinedAt: '2024-09-01' },
  ],
  events: [
    {
      id: 'e1',
      accountId: 'a',
      contactId: null,
      type: 'nps_response',
      time: '2024-06-30T10:00:00.000Z',
      properties: { score: 3 },
    },
    {
      id: 'e2',
      accountId: 'a',
      contactId: null,
      type: 'nps_response',
      time: '2024-07-01T10:00:00.000Z',
      properties: { score: 9 },
    },
  ] as AccountData['events'],
  usageDaily: [
    { accountId: 'a', day: '2024-06-30', logins: 1, events: 1, activeUsers: 1, integrationEvents: 0 },
    { accountId: 'a', day: '2024-07-01', logins: 1, events: 1, activeUsers: 1, integrationEvents: 0 },
  ],
  featureDaily: [{ accountId: 'a', feature: 'x', day: '2024-07-02', count: 1 }],
  userDaily: [{ accountId: 'a', contactId: 'c1', day: '2024-06-01', events: 1 }],
};

describe('sliceAccountDataAsOf', () => {
  const s = sliceAccountDataAsOf(data, '2024-06-30');

  it('keeps only what happened by the end of the day', () => {
    expect(s.events.map((e) => e.id)).toEqual(['e1']);
    expect(s.usageDaily.map((u) => u.day)).toEqual(['2024-06-30']);
    expect(s.featureDaily).toEqual([]);
    expect(s.userDaily).toHaveLength(1);
  });

  it('hides how a running contract ended and drops future contracts', () => {
    expect(s.contracts.map((c) => [c.id, c.status, c.churnedAt ?? null, c.churnReason ?? null])).toEqual([
      ['k1', 'renewed', null, null],
      ['k2', 'active', null, null],
    ]);
    const afterNotice = sliceAccountDataAsOf(data, '2024-10-15');
    expect(afterNotice.contracts[1]?.status).toBe('churned');
  });

  it('can also cut the start of the look-back window', () => {
    const w = sliceAccountDataAsOf(data, '2024-07-01', 0);
    expect(w.usageDaily.map((u) => u.day)).toEqual(['2024-07-01']);
    expect(w.events.map((e) => e.id)).toEqual(['e2']);
  });

  it('hides contacts not yet joined and departures not yet happened', () => {
    expect(s.contacts).toEqual([
      { id: 'c1', accountId: 'a', role: 'champion', joinedAt: '2023-01-01', leftAt: null },
    ]);
  });
});

describe('sliceAccountDataAsOf on unsorted input', () => {
  it('gives the same result as on sorted input', () => {
    const unsorted = {
      ...data,
      usageDaily: [...data.usageDaily].reverse(),
      events: [...data.events].reverse(),
    };
    const a = sliceAccountDataAsOf(unsorted, '2024-06-30', 10);
    const b = sliceAccountDataAsOf(data, '2024-06-30', 10);
    expect(a.usageDaily).toEqual(b.usageDaily);
    expect(a.events.map((e) => e.id).sort()).toEqual(b.events.map((e) => e.id));
  });
});
