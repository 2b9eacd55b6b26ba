import { describe, expect, it } from 'vitest';
import type { AccountData } from '../data-model/account-data.ts';
import type { Contract } from '../data-model/entities.ts';
import type { VigilEvent } from '../data-model/events.ts';
import { accountLifecycle, churnLabel } from './account-lifecycle.ts';

const contract = (start: string, end: string, extra: Partial<Contract> = {}): Contract => ({
  id: `k-${start}`,
  accountId: 'a',
  start,
  end,
  arr: 12_000,
  currency: 'USD',
  seats: 5,
  plan: null,
  products: [],
  status: 'active',
  ...extra,
});
const data = (
  contracts: Contract[],
  events: VigilEvent[] = [],
  createdAt: string | null = null,
): AccountData => ({
  account: { id: 'a', name: 'A', segment: 'smb', traits: {}, createdAt },
  contracts,
  contacts: [],
  events,
  usageDaily: [],
  featureDaily: [],
  userDaily: [],
  catalog: [],
});
const churnEvent = (time: string, props: Record<string, unknown>): VigilEvent =>
  ({
    id: `ce-${time}`,
    accountId: 'a',
    contactId: null,
    type: 'churn_event',
    time,
    properties: props,
  }) as VigilEvent;

describe('accountLifecycle', () => {
  it('onboarding for the first N days, then active, then the renewal window', () => {
    const d = data([contract('2026-01-01', '2026-12-31')]);
    expect(accountLifecycle(d, '2026-01-15').stage).toBe('onboarding');
    expect(accountLifecycle(d, '2026-01-15', { onboardingDays: 10 }).stage).toBe('active');
    expect(accountLifecycle(d, '2026-03-31')).toEqual({ stage: 'onboarding', since: '2026-01-01' });
    expect(accountLifecycle(d, '2026-04-01').stage).toBe('active');
    // 2026-12-31 is 90 days after 2026-10-02
    expect(accountLifecycle(d, '2026-10-02').stage).toBe('active');
    expect(accountLifecycle(d, '2026-10-03')).toEqual({
      stage: 'renewal',
      since: '2026-10-02',
      renewalDate: '2027-01-01',
    });
  });

  it('churned on the recorded churn date with its reason; not before', () => {
    const d = data([
      contract('2024-01-01', '2024-12-31', { status: 'renewed' }),
      contract('2025-01-01', '2025-12-31', {
        status: 'churned',
        churnedAt: '2025-10-03',
        churnReason: 'low adoption',
      }),
    ]);
    expect(accountLifecycle(d, '2025-10-02').stage).not.toBe('churned');
    const l = accountLifecycle(d, '2025-10-03');
    expect(l).toEqual({
      stage: 'churned',
      since: '2025-10-03',
      churnedOn: '2025-10-03',
      reason: 'low adoption',
    });
    expect(churnLabel(l)).toBe('Churned on 2025-10-03 (low adoption)');
    expect(accountLifecycle(d, '2026-06-01').churnedOn).toBe('2025-10-03');
  });

  it('a term that ended with no successor is churned after the grace period, from the day after its end', () => {
    const d = data([contract('2025-01-01', '2025-12-31')]);
    expect(accountLifecycle(d, '2026-01-30').stage).not.toBe('churned');
    expect(accountLifecycle(d, '2026-01-31')).toMatchObject({ stage: 'churned', churnedOn: '2026-01-01' });
  });

  it('reactivated when a new term starts after a churn, then active again', () => {
    const d = data([
      contract('2024-01-01', '2024-12-31', { status: 'churned' }),
      contract('2025-06-01', '2026-05-31'),
    ]);
    expect(accountLifecycle(d, '2025-03-01')).toMatchObject({ stage: 'churned', churnedOn: '2024-12-31' });
    expect(accountLifecycle(d, '2025-06-10')).toEqual({ stage: 'reactivated', since: '2025-06-01' });
    expect(accountLifecycle(d, '2025-10-01').stage).toBe('active');
  });

  it('reads churn events (with reason codes and reactivations) for businesses without contracts', () => {
    const d = data(
      [],
      [
        churnEvent('2025-05-10T12:00:00.000Z', { reasonCode: 'price', reactivation: false }),
        churnEvent('2025-08-01T12:00:00.000Z', { reasonCode: 'unknown', reactivation: true }),
      ],
      '2024-01-01',
    );
    expect(accountLifecycle(d, '2025-05-09').stage).toBe('active');
    expect(accountLifecycle(d, '2025-06-01')).toMatchObject({
      stage: 'churned',
      churnedOn: '2025-05-10',
      reason: 'price',
    });
    expect(accountLifecycle(d, '2025-08-02')).toEqual({ stage: 'reactivated', since: '2025-08-01' });
  });

  it('ignores what happens after the as-of date, and open-ended subscriptions stay live', () => {
    const open = { ...contract('2025-01-01', '2025-12-31'), end: null };
    expect(accountLifecycle(data([open]), '2027-06-01').stage).toBe('active');
    const d = data([contract('2025-01-01', '2026-12-31', { status: 'churned', churnedAt: '2026-09-01' })]);
    expect(accountLifecycle(d, '2026-08-31').stage).toBe('active');
  });
});
