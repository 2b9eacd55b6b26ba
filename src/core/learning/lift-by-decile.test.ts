import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { computeLiftByDecile } from './lift-by-decile.ts';

describe('computeLiftByDecile', () => {
  it('splits 20 distinct risks into tenths of 2 rows (hand-computed)', () => {
    // risk = index; churners at 19, 18 (riskiest decile) and 3 (decile 9)
    const scores = Array.from({ length: 20 }, (_, i) => i);
    const labels = scores.map((i) => (i === 19 || i === 18 || i === 3 ? 1 : 0));
    const d = computeLiftByDecile(scores, labels);
    expect(d.map((x) => x.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(d.map((x) => x.accounts)).toEqual(Array(10).fill(2));
    expect(d.map((x) => x.churned)).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(d[0]!.churnRate).toBe(1);
    expect(d[0]!.lift).toBeCloseTo(1 / 0.15, 12);
    expect(d[8]!.churnRate).toBe(0.5);
    expect(d[8]!.lift).toBeCloseTo(0.5 / 0.15, 12);
    expect(d[1]!.lift).toBe(0);
  });

  it('keeps tied rows in one decile, whatever the input order', () => {
    // ranks 0–2 tie at 5 (middle rank 1 → decile 3), ranks 3–4 tie at 1 (middle 3.5 → decile 8)
    const d = computeLiftByDecile([5, 5, 5, 1, 1], [0, 1, 0, 0, 1]);
    expect(d.map((x) => x.accounts)).toEqual([0, 0, 3, 0, 0, 0, 0, 2, 0, 0]);
    expect(d.map((x) => x.churned)).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    expect(d[2]!.churnRate).toBeCloseTo(1 / 3, 12);
    expect(d[2]!.lift).toBeCloseTo(1 / 3 / 0.4, 12);
    expect(d[7]!.lift).toBeCloseTo(0.5 / 0.4, 12);
    expect(d[0]).toEqual({ decile: 1, accounts: 0, churned: 0, churnRate: null, lift: null });
    expect(computeLiftByDecile([1, 5, 1, 5, 5], [1, 0, 0, 1, 0])).toEqual(d);
  });

  it('has null lift without churners and rejects bad input', () => {
    const d = computeLiftByDecile([1, 2, 3], [0, 0, 0]);
    expect(d.every((x) => x.lift === null)).toBe(true);
    expect(d.reduce((a, x) => a + x.accounts, 0)).toBe(3);
    expect(() => computeLiftByDecile([1], [2])).toThrow(AppError);
  });

  it('accounts for every row and churner exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.constantFrom(0, 1)), {
          minLength: 1,
          maxLength: 200,
        }),
        (rows) => {
          const d = computeLiftByDecile(
            rows.map((r) => r[0]),
            rows.map((r) => r[1]),
          );
          expect(d.reduce((a, x) => a + x.accounts, 0)).toBe(rows.length);
          expect(d.reduce((a, x) => a + x.churned, 0)).toBe(rows.filter((r) => r[1] === 1).length);
        },
      ),
    );
  });
});
