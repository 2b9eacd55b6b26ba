import { describe, expect, it } from 'vitest';
import { computeBrierScore } from './brier-score.ts';
import { computeCalibrationTable } from './calibration-table.ts';
import { createPrng } from './prng.ts';

describe('computeCalibrationTable', () => {
  it('bins by sorted prediction and compares with the observed rate (hand case)', () => {
    const t = computeCalibrationTable([0.9, 0.1, 0.1, 0.9], [1, 0, 1, 1], 2);
    expect(t.bins).toEqual([
      { bin: 1, count: 2, minPredicted: 0.1, maxPredicted: 0.1, meanPredicted: 0.1, observedRate: 0.5 },
      { bin: 2, count: 2, minPredicted: 0.9, maxPredicted: 0.9, meanPredicted: 0.9, observedRate: 1 },
    ]);
    expect(t.expectedCalibrationError).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.1, 12);
  });

  it('makes deciles of near-equal size', () => {
    const p = Array.from({ length: 105 }, (_, i) => i / 105);
    const t = computeCalibrationTable(
      p,
      p.map((v) => (v > 0.5 ? 1 : 0)),
    );
    expect(t.bins).toHaveLength(10);
    expect(t.bins.reduce((s, b) => s + b.count, 0)).toBe(105);
    for (const b of t.bins) expect([10, 11]).toContain(b.count);
  });

  it('shows a well-calibrated forecaster as calibrated', () => {
    const prng = createPrng(3);
    const p = Array.from({ length: 20000 }, () => prng.next());
    const y = p.map((v) => (prng.next() < v ? 1 : 0));
    const t = computeCalibrationTable(p, y);
    expect(t.expectedCalibrationError).toBeLessThan(0.02);
    for (const b of t.bins) expect(Math.abs(b.meanPredicted - b.observedRate)).toBeLessThan(0.04);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => computeCalibrationTable([1.2], [1])).toThrow(/not in \[0, 1\]/);
  });
});

describe('computeBrierScore', () => {
  it('is the mean squared error (hand case)', () => {
    expect(computeBrierScore([0.1, 0.9, 0.5], [0, 1, 1])).toBeCloseTo((0.01 + 0.01 + 0.25) / 3, 12);
  });
  it('is 0 for certain, correct forecasts and 1 for certain, wrong ones', () => {
    expect(computeBrierScore([0, 1], [0, 1])).toBe(0);
    expect(computeBrierScore([1, 0], [0, 1])).toBe(1);
  });
  it('rejects empty input and bad labels', () => {
    expect(() => computeBrierScore([], [])).toThrow(/no rows/);
    expect(() => computeBrierScore([0.5], [2])).toThrow(/0 or 1/);
  });
});
