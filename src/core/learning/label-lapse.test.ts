import { describe, expect, it } from 'vitest';
import { toDayNumber } from './iso-days.ts';
import { labelLapse } from './label-lapse.ts';

const days = (...isos: string[]) => isos.map(toDayNumber);
const opts = { lapseDays: 30, horizonDays: 60, observedUntil: '2025-12-31', minHistoryDays: 0 };

describe('labelLapse (no activity for N days = churned)', () => {
  // active every ~2 weeks until 2025-03-10, then silent until 2025-06-01 (a 83-day gap), then active again
  const history = days(
    '2025-01-01',
    '2025-01-15',
    '2025-02-01',
    '2025-02-14',
    '2025-03-01',
    '2025-03-10',
    '2025-06-01',
    '2025-06-20',
  );

  it('labels a lapse recognised within the horizon with its date (last activity + N)', () => {
    // from 2025-03-01: last activity 2025-03-10, next 2025-06-01 is 83 > 30 days later → lapse 2025-04-09
    expect(labelLapse(history, '2025-03-01', opts)).toEqual({
      eligible: true,
      label: 1,
      churnDate: '2025-04-09',
      outcomeBy: '2025-04-30',
    });
  });

  it('labels 0 when the lapse comes after the horizon', () => {
    // 2025-01-20 + 60 = 2025-03-21 < 2025-04-09
    expect(labelLapse(history, '2025-01-20', opts)).toEqual({
      eligible: true,
      label: 0,
      churnDate: null,
      outcomeBy: '2025-03-21',
    });
  });

  it('treats a customer silent for N days on the snapshot date as already gone, and a returning one as a customer again', () => {
    // 2025-04-15: last activity 2025-03-10, 36 days ago ≥ 30
    expect(labelLapse(history, '2025-04-15', opts)).toEqual({ eligible: false, reason: 'already-gone' });
    // 2025-06-10: came back on 2025-06-01; last activity 2025-06-20, nothing after → lapse 2025-07-20
    expect(labelLapse(history, '2025-06-10', opts)).toEqual({
      eligible: true,
      label: 1,
      churnDate: '2025-07-20',
      outcomeBy: '2025-08-09',
    });
  });

  it('excludes dates before the first activity, too-young customers, and unobserved outcomes', () => {
    expect(labelLapse(history, '2024-12-01', opts)).toEqual({ eligible: false, reason: 'not-yet-customer' });
    expect(labelLapse([], '2025-03-01', opts)).toEqual({ eligible: false, reason: 'not-yet-customer' });
    expect(labelLapse(history, '2025-01-20', { ...opts, minHistoryDays: 60 })).toEqual({
      eligible: false,
      reason: 'too-little-history',
    });
    // horizon ends after observedUntil: outcome unknown, but a lapse already seen is passed on for lead time
    expect(labelLapse(history, '2025-03-01', { ...opts, observedUntil: '2025-04-20' })).toEqual({
      eligible: false,
      reason: 'outcome-not-observed',
      churnDate: '2025-04-09',
    });
  });

  it('never reads activity after observedUntil', () => {
    // observed until 2025-05-15 with a 90-day lapse: the return on 2025-06-01 is not known yet,
    // so from 2025-02-01 (horizon 90 → 2025-05-02 ≤ observedUntil) no lapse is recognised by 2025-05-02
    // (2025-03-10 + 90 = 2025-06-08)
    expect(
      labelLapse(history, '2025-02-01', {
        lapseDays: 90,
        horizonDays: 90,
        observedUntil: '2025-05-15',
        minHistoryDays: 0,
      }),
    ).toEqual({ eligible: true, label: 0, churnDate: null, outcomeBy: '2025-05-02' });
  });
});
