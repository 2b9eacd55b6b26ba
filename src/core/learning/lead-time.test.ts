import { describe, expect, it } from 'vitest';
import { computeLeadTimes } from './lead-time.ts';

describe('computeLeadTimes', () => {
  const timelines = [
    {
      // Healthy, at-risk 120 days out, back to healthy, critical 31 days out.
      accountId: 'a',
      churnDate: '2024-06-01',
      snapshots: [
        { asOf: '2024-01-01', band: 'healthy' },
        { asOf: '2024-02-02', band: 'at-risk' },
        { asOf: '2024-03-01', band: 'healthy' },
        { asOf: '2024-05-01', band: 'critical' },
        { asOf: '2024-07-01', band: 'critical' }, // after churn: ignored
      ],
    },
    {
      // Flagged only long before the window: missed.
      accountId: 'b',
      churnDate: '2024-06-01',
      snapshots: [
        { asOf: '2022-01-01', band: 'critical' },
        { asOf: '2024-05-01', band: 'healthy' },
      ],
    },
    { accountId: 'c', churnDate: '2024-06-01', snapshots: [{ asOf: '2024-03-03', band: 'critical' }] },
  ];

  it('measures days from first flag in the window to churn (hand case)', () => {
    const r = computeLeadTimes(timelines, { lookbackDays: 365 });
    expect(r.perAccount).toEqual([
      { accountId: 'a', churnDate: '2024-06-01', atRiskDays: 120, criticalDays: 31 },
      { accountId: 'b', churnDate: '2024-06-01', atRiskDays: null, criticalDays: null },
      { accountId: 'c', churnDate: '2024-06-01', atRiskDays: 90, criticalDays: 90 },
    ]);
    expect(r.churnedAccounts).toBe(3);
    expect(r.atRisk.detected).toBe(2);
    expect(r.atRisk.missed).toBe(1);
    expect(r.atRisk.median).toBe(105);
    expect(r.atRisk.p25).toBe(97.5);
    expect(r.atRisk.p75).toBe(112.5);
    expect(r.atRisk.shareAtLeast90Days).toBeCloseTo(2 / 3, 12);
    expect(r.critical.median).toBe(60.5);
    expect(r.atRisk.histogram.find((h) => h.fromDays === 90)?.count).toBe(2);
    expect(r.critical.histogram.find((h) => h.fromDays === 30)?.count).toBe(1);
    expect(r.critical.histogram.at(-1)).toEqual({ fromDays: 365, toDays: null, count: 0 });
  });

  it('honours a shorter look-back window', () => {
    const r = computeLeadTimes(timelines, { lookbackDays: 100 });
    expect(r.perAccount[0]?.atRiskDays).toBe(31);
  });

  it('reports nulls when nothing churned', () => {
    const r = computeLeadTimes([]);
    expect(r.atRisk.median).toBeNull();
    expect(r.atRisk.shareAtLeast90Days).toBeNull();
  });
});
