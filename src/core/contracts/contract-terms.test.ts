import { describe, expect, it } from 'vitest';
import {
  accountTermsOn,
  addMonths,
  arrOnDate,
  contractRenewalDate,
  isLive,
  lastLiveDay,
} from './contract-terms.ts';

describe('the one contract rule (hand-worked dates)', () => {
  const c1 = {
    start: '2025-01-01',
    end: '2025-03-31',
    arr: 1200,
    status: 'churned',
    churnedAt: '2025-03-31',
  };
  it('a contract is live from its start through its last day, both inclusive', () => {
    expect(['2024-12-31', '2025-01-01', '2025-03-31', '2025-04-01'].map((d) => isLive(c1, d))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
  it('an early churn date cuts the term; a churn date after the end does not extend it', () => {
    const early = {
      start: '2025-01-01',
      end: '2025-12-31',
      arr: 10,
      status: 'churned',
      churnedAt: '2025-06-15',
    };
    expect(lastLiveDay(early)).toBe('2025-06-15');
    expect(isLive(early, '2025-06-16')).toBe(false);
    // churnedAt is read only for churned contracts: a renewed one keeps its end
    expect(lastLiveDay({ ...early, status: 'renewed' })).toBe('2025-12-31');
    expect(lastLiveDay({ ...early, churnedAt: '2026-02-01' })).toBe('2025-12-31');
  });
  it('open-ended subscriptions run until they churn and renew at the next period boundary', () => {
    const monthly = { start: '2024-01-31', end: null, arr: 600, billingPeriod: 'month' as const };
    expect(isLive(monthly, '2030-01-01')).toBe(true);
    // 01-31 + 1 month clamps to 02-29 (leap year); the boundary is start + k months, not cumulative
    expect(contractRenewalDate(monthly, '2024-02-01')).toBe('2024-02-29');
    expect(contractRenewalDate(monthly, '2024-02-29')).toBe('2024-03-31');
    expect(contractRenewalDate(monthly, '2025-06-10')).toBe('2025-06-30');
    const annual = { start: '2023-03-15', end: null, arr: 1000, billingPeriod: 'year' as const };
    expect(contractRenewalDate(annual, '2025-03-14')).toBe('2025-03-15');
    expect(contractRenewalDate(annual, '2025-03-15')).toBe('2026-03-15');
    const stopped = { ...monthly, status: 'churned', churnedAt: '2025-05-31' };
    expect([isLive(stopped, '2025-05-31'), isLive(stopped, '2025-06-01')]).toEqual([true, false]);
  });
  it('ARR on a date sums the live contracts; the renewal is the earliest of the live terms', () => {
    const list = [
      c1,
      { start: '2025-02-15', end: '2026-02-14', arr: 300, seats: 5 },
      { start: '2025-03-01', end: null, arr: 120, seats: 2 },
    ];
    expect(arrOnDate(list, '2025-03-31')).toBe(1620);
    expect(arrOnDate(list, '2025-04-01')).toBe(420);
    expect(accountTermsOn(list, '2025-03-31')).toEqual({
      arr: 1620,
      seats: 7,
      renewalDate: '2025-04-01',
      live: 3,
    });
    expect(accountTermsOn(list, '2025-04-10')).toEqual({
      arr: 420,
      seats: 7,
      renewalDate: '2025-05-01',
      live: 2,
    });
    expect(accountTermsOn(list, '2024-01-01')).toEqual({ arr: 0, seats: 0, renewalDate: null, live: 0 });
  });
  it('adds months with the day clamped', () => {
    expect(addMonths('2023-12-31', 2)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-11-30', 3)).toBe('2025-02-28');
  });
});
