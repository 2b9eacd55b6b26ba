import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { evaluateBacktest } from './evaluate-backtest.ts';
import { computeRocAuc } from './roc-auc.ts';
import { computeRocCurve, type RocPoint } from './roc-curve.ts';

/** Area under the curve by the trapezoid rule. */
const area = (pts: RocPoint[]) =>
  pts.reduce((a, p, i) => (i === 0 ? 0 : a + ((p.fpr - pts[i - 1]!.fpr) * (p.tpr + pts[i - 1]!.tpr)) / 2), 0);

describe('computeRocCurve', () => {
  it('walks the ranking from the riskiest row down (hand-computed, 4 rows)', () => {
    // descending: 0.8 churned, 0.4 retained, 0.35 churned, 0.1 retained
    expect(computeRocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 0.5, tpr: 0.5 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  it('takes rows tied at a score in one diagonal step', () => {
    // 0.9 churned; 0.5 is shared by a churner and a retained row
    expect(computeRocCurve([0.5, 0.5, 0.9], [0, 1, 1])).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(computeRocCurve([1, 1, 1, 1], [0, 1, 0, 1])).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  it('encloses the same area as the AUC, ties included', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(fc.integer({ min: -10, max: 10 }), fc.constantFrom(0, 1)), {
            minLength: 2,
            maxLength: 60,
          })
          .filter((rows) => rows.some((r) => r[1] === 1) && rows.some((r) => r[1] === 0)),
        (rows) => {
          const s = rows.map((r) => r[0]);
          const y = rows.map((r) => r[1]);
          expect(area(computeRocCurve(s, y, { maxPoints: 1000 }))).toBeCloseTo(computeRocAuc(s, y)!, 10);
        },
      ),
    );
  });

  it('thins a long curve to at most 101 evenly spaced vertices, keeping both ends', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i);
    const labels = scores.map((i) => (i % 3 === 0 ? 1 : 0));
    const full = computeRocCurve(scores, labels, { maxPoints: 5000 });
    expect(full).toHaveLength(1001);
    const thin = computeRocCurve(scores, labels);
    expect(thin).toHaveLength(101);
    expect(thin[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(thin[100]).toEqual({ fpr: 1, tpr: 1 });
    expect(thin).toEqual(thin.map((_, i) => full[i * 10]));
    for (let i = 1; i < thin.length; i++) {
      expect(thin[i]!.fpr).toBeGreaterThanOrEqual(thin[i - 1]!.fpr);
      expect(thin[i]!.tpr).toBeGreaterThanOrEqual(thin[i - 1]!.tpr);
    }
  });

  it('is empty when a class is missing and rejects bad input', () => {
    expect(computeRocCurve([1, 2], [0, 0])).toEqual([]);
    expect(computeRocCurve([], [])).toEqual([]);
    expect(() => computeRocCurve([1, 2], [0])).toThrow(AppError);
    expect(() => computeRocCurve([1, 2], [0, 1], { maxPoints: 1 })).toThrow(AppError);
  });

  it('reaches the backtest metrics with lift by decile, ranked by risk = 100 − health score', () => {
    // health 90/60/65/20 → risk 10/40/35/80: the 4-row hand case above
    const snaps = [90, 60, 65, 20].map((score, i) => ({
      accountId: `a${i}`,
      asOf: '2024-01-01',
      score,
      band: score < 50 ? 'critical' : 'healthy',
      churnProbability: null,
      label: (i >= 2 ? 1 : 0) as 0 | 1,
      churnDate: i >= 2 ? '2024-03-01' : null,
    }));
    const m = evaluateBacktest(snaps, { horizonDays: 180, bootstrapIterations: 10 });
    expect(m.rocCurve).toEqual(computeRocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]));
    // ranks 0–3 of 4 rows fall in deciles 1, 3, 6 and 8; base rate 0.5
    expect(m.liftByDecile.filter((d) => d.accounts > 0)).toEqual([
      { decile: 1, accounts: 1, churned: 1, churnRate: 1, lift: 2 },
      { decile: 3, accounts: 1, churned: 0, churnRate: 0, lift: 0 },
      { decile: 6, accounts: 1, churned: 1, churnRate: 1, lift: 2 },
      { decile: 8, accounts: 1, churned: 0, churnRate: 0, lift: 0 },
    ]);
  });
});
