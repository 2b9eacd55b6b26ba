import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAveragePrecision } from './average-precision.ts';

describe('computeAveragePrecision', () => {
  it('matches a hand-computed case: 1/2·1 + 1/2·2/3', () => {
    expect(computeAveragePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.5 + 1 / 3, 12);
  });

  it('is 1 for a perfect ranking', () => {
    expect(computeAveragePrecision([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
  });

  it('treats a tied group as one threshold', () => {
    // One threshold: precision 1/2 at recall 1.
    expect(computeAveragePrecision([0.5, 0.5], [1, 0])).toBe(0.5);
  });

  it('is null without positives', () => {
    expect(computeAveragePrecision([1, 2], [0, 0])).toBeNull();
  });

  it('lies between the base rate (roughly) and 1, and rewards moving a positive up', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(0, 1), { minLength: 2, maxLength: 40 })
          .filter((y) => y.includes(1) && y.includes(0)),
        (y) => {
          const s = y.map((_, i) => i);
          const ap = computeAveragePrecision(s, y) as number;
          expect(ap).toBeGreaterThan(0);
          expect(ap).toBeLessThanOrEqual(1);
          // Perfect ordering of the same labels is at least as good.
          const perfect = computeAveragePrecision(y, y) as number;
          expect(perfect).toBe(1);
          expect(ap).toBeLessThanOrEqual(perfect);
        },
      ),
    );
  });
});
