import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { computeRocAuc } from './roc-auc.ts';

/** Brute force over all positive/negative pairs: the definition, O(n²). */
function pairwiseAuc(scores: number[], labels: number[]): number | null {
  let num = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      num += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return pairs === 0 ? null : num / pairs;
}

const labelled = fc
  .array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.constantFrom(0, 1)), { minLength: 2, maxLength: 60 })
  .filter((rows) => rows.some((r) => r[1] === 1) && rows.some((r) => r[1] === 0));

describe('computeRocAuc', () => {
  it('matches a hand-computed ranking (3 of 4 pairs ordered)', () => {
    expect(computeRocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(computeRocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(computeRocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
  });

  it('counts tied positive/negative pairs as one half', () => {
    expect(computeRocAuc([0.5, 0.5, 0.9], [0, 1, 1])).toBe(0.75);
    expect(computeRocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });

  it('is null when a class is missing', () => {
    expect(computeRocAuc([1, 2], [1, 1])).toBeNull();
    expect(computeRocAuc([], [])).toBeNull();
  });

  it('rejects mismatched lengths, non-binary labels and non-finite scores', () => {
    expect(() => computeRocAuc([1, 2], [1])).toThrow(AppError);
    expect(() => computeRocAuc([1, 2], [1, 2])).toThrow(/0 or 1/);
    expect(() => computeRocAuc([1, Number.NaN], [1, 0])).toThrow(/finite/);
  });

  it('equals the pairwise definition for any input', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const s = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        expect(computeRocAuc(s, y)).toBeCloseTo(pairwiseAuc(s, y) as number, 12);
      }),
    );
  });

  it('AUC(−score) = 1 − AUC(score)', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const s = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        const a = computeRocAuc(s, y) as number;
        expect(
          computeRocAuc(
            s.map((v) => -v),
            y,
          ),
        ).toBeCloseTo(1 - a, 12);
      }),
    );
  });

  it('is unchanged by a strictly increasing transform of the scores', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const s = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        expect(
          computeRocAuc(
            s.map((v) => Math.exp(v / 5) * 3 + 1),
            y,
          ),
        ).toBeCloseTo(computeRocAuc(s, y) as number, 12);
      }),
    );
  });
});
