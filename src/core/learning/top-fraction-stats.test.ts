import { describe, expect, it } from 'vitest';
import { computeTopFractionStats } from './top-fraction-stats.ts';

describe('computeTopFractionStats', () => {
  it('computes precision, recall and lift of the riskiest decile by hand', () => {
    // 20 rows, risk = index; churners at 19, 18 (riskiest) and 3.
    const scores = Array.from({ length: 20 }, (_, i) => i);
    const labels = scores.map((i) => (i === 19 || i === 18 || i === 3 ? 1 : 0));
    const s = computeTopFractionStats(scores, labels, 0.1);
    expect(s.flagged).toBe(2);
    expect(s.positivesFlagged).toBe(2);
    expect(s.precision).toBe(1);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(s.baseRate).toBeCloseTo(3 / 20, 12);
    expect(s.lift).toBeCloseTo(1 / (3 / 20), 12);
  });

  it('rounds the flagged count up and breaks ties by row order', () => {
    const s = computeTopFractionStats([5, 5, 5, 1, 1], [0, 1, 0, 0, 1], 0.1);
    expect(s.flagged).toBe(1);
    expect(s.positivesFlagged).toBe(0); // first of the tied top rows is the retained one
  });

  it('has null recall and lift without churners', () => {
    const s = computeTopFractionStats([1, 2, 3], [0, 0, 0]);
    expect(s.recall).toBeNull();
    expect(s.lift).toBeNull();
  });

  it('rejects an empty input and a bad fraction', () => {
    expect(() => computeTopFractionStats([], [])).toThrow(/no rows/);
    expect(() => computeTopFractionStats([1], [1], 0)).toThrow(/fraction/);
  });
});
