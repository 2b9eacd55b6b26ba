import { describe, expect, it } from 'vitest';
import { labelSnapshot } from './label-snapshot.ts';

const c = (
  start: string,
  end: string,
  status: 'active' | 'renewed' | 'churned' = 'renewed',
  churnedAt: string | null = null,
) => ({
  start,
  end,
  status,
  churnedAt,
});
const opts = { horizonDays: 180, observedUntil: '2025-12-31' };

describe('labelSnapshot', () => {
  const churner = [c('2022-01-01', '2022-12-31'), c('2023-01-01', '2023-12-31', 'churned', '2023-10-15')];

  it('labels churn within the horizon with the churn date', () => {
    expect(labelSnapshot(churner, '2023-06-01', opts)).toEqual({
      eligible: true,
      label: 1,
      churnDate: '2023-10-15',
      outcomeBy: '2023-11-28',
    });
    expect(labelSnapshot(churner, '2023-01-01', opts)).toEqual({
      eligible: true,
      label: 0,
      churnDate: null,
      outcomeBy: '2023-06-30',
    });
  });

  it('uses the term end when no churn date was recorded', () => {
    const r = labelSnapshot([c('2023-01-01', '2023-12-31', 'churned')], '2023-09-01', opts);
    expect(r).toMatchObject({ eligible: true, label: 1, churnDate: '2023-12-31' });
  });

  it('excludes with a reason', () => {
    expect(labelSnapshot(churner, '2021-06-01', opts)).toEqual({
      eligible: false,
      reason: 'not-yet-customer',
    });
    expect(labelSnapshot(churner, '2023-11-01', opts)).toEqual({ eligible: false, reason: 'already-gone' });
    expect(labelSnapshot(churner, '2022-01-20', opts)).toEqual({
      eligible: false,
      reason: 'too-little-history',
    });
    expect(labelSnapshot([c('2024-01-01', '2026-12-31', 'active')], '2025-10-01', opts)).toEqual({
      eligible: false,
      reason: 'outcome-not-observed',
      churnDate: null,
    });
    expect(
      labelSnapshot([c('2020-01-01', '2020-12-31'), c('2022-01-01', '2022-12-31')], '2021-06-01', opts),
    ).toEqual({
      eligible: false,
      reason: 'no-active-contract',
    });
    expect(labelSnapshot([], '2021-06-01', opts)).toEqual({ eligible: false, reason: 'not-yet-customer' });
  });

  it('lets a reactivated customer back in', () => {
    const back = [...churner, c('2024-06-01', '2025-05-31', 'renewed')];
    expect(labelSnapshot(back, '2024-10-01', opts)).toMatchObject({
      eligible: true,
      label: 0,
      churnDate: null,
    });
  });

  it('never labels with an outcome after the observation end', () => {
    const r = labelSnapshot(churner, '2023-06-01', { ...opts, observedUntil: '2023-09-01' });
    expect(r).toEqual({ eligible: false, reason: 'outcome-not-observed', churnDate: null });
  });

  it('censors a snapshot whose horizon is not fully observed even when churn was already seen', () => {
    // Keeping it only because it churned would bias the end of history towards churners.
    const r = labelSnapshot(churner, '2023-06-01', { ...opts, observedUntil: '2023-11-01' });
    expect(r).toEqual({ eligible: false, reason: 'outcome-not-observed', churnDate: '2023-10-15' });
  });

  it('labels by the next renewal in next-renewal mode', () => {
    const m = { ...opts, mode: 'next-renewal' as const };
    // The label is known once the term has ended, for churners and renewals alike.
    expect(labelSnapshot(churner, '2023-02-01', m)).toEqual({
      eligible: true,
      label: 1,
      churnDate: '2023-10-15',
      outcomeBy: '2023-12-31',
    });
    expect(labelSnapshot(churner, '2022-06-01', m)).toEqual({
      eligible: true,
      label: 0,
      churnDate: null,
      outcomeBy: '2022-12-31',
    });
  });
});
