import { describe, expect, it } from 'vitest';
import { computeBandChurnRates } from './band-churn-rates.ts';
import { type BacktestSnapshot, evaluateBacktest } from './evaluate-backtest.ts';

const snap = (
  accountId: string,
  asOf: string,
  score: number,
  band: string,
  label: 0 | 1,
  churnDate: string | null = null,
  churnProbability: number | null = null,
): BacktestSnapshot => ({ accountId, asOf, score, band, label, churnDate, churnProbability });

describe('evaluateBacktest', () => {
  const rows = [
    snap('a', '2024-01-01', 80, 'healthy', 0),
    snap('a', '2024-02-01', 75, 'healthy', 0),
    snap('b', '2024-01-01', 45, 'at-risk', 1, '2024-04-15'),
    snap('b', '2024-02-01', 20, 'critical', 1, '2024-04-15'),
    snap('c', '2024-01-01', 60, 'healthy', 0),
    snap('c', '2024-02-01', 50, 'at-risk', 0),
  ];

  it('turns health scores into risk for ranking metrics (hand case)', () => {
    const m = evaluateBacktest(rows, { horizonDays: 180, bootstrapIterations: 50 });
    expect(m.snapshots).toBe(6);
    expect(m.accounts).toBe(3);
    expect(m.positives).toBe(2);
    // Churners score 45 and 20; all retained score ≥ 50: perfect ranking.
    expect(m.auc).toBe(1);
    expect(m.averagePrecision).toBe(1);
    expect(m.topDecile.flagged).toBe(1);
    expect(m.topDecile.precision).toBe(1);
    expect(m.bandChurnRates).toEqual([
      { band: 'critical', count: 1, churned: 1, rate: 1 },
      { band: 'at-risk', count: 2, churned: 1, rate: 0.5 },
      { band: 'healthy', count: 3, churned: 0, rate: 0 },
    ]);
    expect(m.calibration).toBeNull();
  });

  it('measures lead time from the first flagged snapshot before churn', () => {
    const m = evaluateBacktest(rows, { horizonDays: 180, bootstrapIterations: 10 });
    expect(m.leadTime.churnedAccounts).toBe(1);
    expect(m.leadTime.perAccount[0]).toEqual({
      accountId: 'b',
      churnDate: '2024-04-15',
      atRiskDays: 105,
      criticalDays: 74,
    });
  });

  it('uses censored snapshots for lead time only, and skips churns whose window starts before the period', () => {
    const extra = [{ accountId: 'b', asOf: '2024-03-01', band: 'critical', churnDate: '2024-04-15' }];
    const m = evaluateBacktest(rows, { horizonDays: 180, bootstrapIterations: 10, timelineSnapshots: extra });
    expect(m.snapshots).toBe(6);
    expect(m.leadTime.perAccount[0]).toEqual({
      accountId: 'b',
      churnDate: '2024-04-15',
      atRiskDays: 105,
      criticalDays: 74,
    });
    const late = [{ accountId: 'c', asOf: '2024-03-01', band: 'critical', churnDate: '2024-08-20' }];
    const m2 = evaluateBacktest(rows, {
      horizonDays: 180,
      bootstrapIterations: 10,
      timelineSnapshots: late,
      leadTimeFrom: '2024-01-01',
    });
    // b's window (from 2023-10-18) starts before the period: not counted; c's (from 2024-02-21) is; its 2024-02-01 flag is outside the window.
    expect(m2.leadTime.perAccount.map((p) => [p.accountId, p.atRiskDays])).toEqual([['c', 172]]);
    expect(m2.positives).toBe(2);
  });

  it('adds calibration and Brier score when every snapshot has a probability', () => {
    const withP = rows.map((r) => ({ ...r, churnProbability: r.label === 1 ? 0.8 : 0.1 }));
    const m = evaluateBacktest(withP, { horizonDays: 180, bootstrapIterations: 10 });
    expect(m.calibration?.brier).toBeCloseTo((2 * 0.04 + 4 * 0.01) / 6, 12);
    expect(m.calibration?.bins.reduce((s, b) => s + b.count, 0)).toBe(6);
  });

  it('refuses an empty backtest', () => {
    expect(() => evaluateBacktest([], { horizonDays: 180 })).toThrow(/no snapshots/);
  });
});

describe('computeBandChurnRates', () => {
  it('orders the standard bands and appends unknown ones', () => {
    const r = computeBandChurnRates(['healthy', 'x', 'critical', 'critical'], [0, 1, 1, 0]);
    expect(r.map((b) => [b.band, b.count, b.churned, b.rate])).toEqual([
      ['critical', 2, 1, 0.5],
      ['at-risk', 0, 0, null],
      ['healthy', 1, 0, 0],
      ['x', 1, 1, 1],
    ]);
  });
  it('rejects mismatched input', () => {
    expect(() => computeBandChurnRates(['a'], [])).toThrow(/differ/);
  });
});
