import { describe, expect, it } from 'vitest';
import { churnRiskOf, rankTaskQueue } from './rank-task-queue.ts';

const facts = (accountId: string, score: number | null, arr: number, renewalDate: string | null) =>
  [accountId, { accountId, score, arr, renewalDate }] as const;

describe('rankTaskQueue', () => {
  it('ranks by ARR × risk × urgency, computed by hand', () => {
    const accounts = new Map([
      // 100k × 0.36 (score 40) × (1 + 0 renewal + 0.25 urgent) = 45,000
      facts('big-critical', 40, 100_000, '2027-12-01'),
      // 200k × 0.04 (score 80) × 1 = 8,000
      facts('bigger-healthy', 80, 200_000, null),
      // 50k × 0.16 (score 60) × (1 + (90 − 30)/90 renewal + 0.5 due today) = 8,000 × 2.1667 = 17,333
      facts('renewing-at-risk', 60, 50_000, '2026-12-31'),
      // no ARR: after every account with ARR at stake
      facts('trial', 30, 0, null),
    ]);
    const r = rankTaskQueue(
      [
        { taskId: 't1', accountId: 'big-critical', priority: 'urgent', due: '2026-12-09' },
        { taskId: 't2', accountId: 'bigger-healthy', priority: 'low', due: '2027-01-30' },
        { taskId: 't3', accountId: 'renewing-at-risk', priority: 'medium', due: '2026-12-01' },
        { taskId: 't4', accountId: 'renewing-at-risk', priority: 'high', due: '2026-12-20' },
        { taskId: 't5', accountId: 'trial', priority: 'urgent', due: '2026-12-02' },
      ],
      accounts,
      { asOf: '2026-12-01' },
    );
    expect(r.map((g) => g.accountId)).toEqual([
      'big-critical',
      'renewing-at-risk',
      'bigger-healthy',
      'trial',
    ]);
    expect(r[0]!.value).toBeCloseTo(45_000, 6);
    expect(r[1]!.value).toBeCloseTo(50_000 * 0.16 * (1 + 60 / 90 + 0.5), 6);
    expect(r[1]!.daysToRenewal).toBe(30);
    expect(r[2]!.value).toBeCloseTo(8_000, 6);
    expect(r[3]!.value).toBe(0);
    // within an account: priority first, then due date
    expect(r[1]!.taskIds).toEqual(['t4', 't3']);
    expect(r.every((g) => g.riskSource === 'risk-index')).toBe(true);
  });

  it('uses the calibrated churn probability when the model has one', () => {
    const cal = { a: 2, b: -0.08, horizonDays: 180 };
    expect(churnRiskOf(50, cal)).toEqual({ risk: 1 / (1 + Math.exp(-(2 - 4))), source: 'calibrated' });
    expect(churnRiskOf(null, cal).source).toBe('unscored');
    const r = rankTaskQueue(
      [{ taskId: 't', accountId: 'a', priority: 'high', due: null }],
      new Map([facts('a', 50, 10_000, null)]),
      { asOf: '2026-12-01', calibration: cal },
    );
    expect(r[0]!.expectedArrAtRisk).toBe(Math.round(10_000 / (1 + Math.exp(2))));
  });
});
