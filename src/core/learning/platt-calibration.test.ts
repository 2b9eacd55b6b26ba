import { describe, expect, it } from 'vitest';
import { computeCalibrationTable } from './calibration-table.ts';
import { sigmoid } from './logistic-regression.ts';
import { applyPlattCalibration, fitPlattCalibration } from './platt-calibration.ts';
import { createPrng } from './prng.ts';

describe('fitPlattCalibration', () => {
  it('recovers a known score → probability curve', () => {
    const prng = createPrng(9);
    const scores = Array.from({ length: 30000 }, () => prng.next() * 100);
    const labels = scores.map((s) => (prng.next() < sigmoid(-0.08 * s + 2) ? 1 : 0));
    const c = fitPlattCalibration(scores, labels);
    expect(c.slope).toBeCloseTo(-0.08, 2);
    expect(c.intercept).toBeCloseTo(2, 0);
    const probs = scores.map((s) => applyPlattCalibration(c, s));
    expect(computeCalibrationTable(probs, labels).expectedCalibrationError).toBeLessThan(0.02);
  });

  it('stays finite on perfectly separated scores (smoothed targets)', () => {
    const c = fitPlattCalibration([10, 20, 80, 90], [1, 1, 0, 0]);
    expect(Number.isFinite(c.slope)).toBe(true);
    expect(c.slope).toBeLessThan(0);
    expect(applyPlattCalibration(c, 10)).toBeLessThan(1);
  });

  it('does not run off on a large, nearly separated sample (damped Newton)', () => {
    const scores = Array.from({ length: 2000 }, (_, i) =>
      i < 60 ? 40 + (i % 7) * 0.1 : 80 + (i % 13) * 0.1,
    );
    const labels = scores.map((s) => (s < 60 ? 1 : 0));
    const c = fitPlattCalibration(scores, labels);
    expect(Math.abs(c.slope)).toBeLessThan(10);
    expect(applyPlattCalibration(c, 40)).toBeGreaterThan(0.5);
    expect(applyPlattCalibration(c, 85)).toBeLessThan(0.05);
  });

  it('needs both classes', () => {
    expect(() => fitPlattCalibration([1, 2], [0, 0])).toThrow(/both/);
  });
});
