import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proposeSeparatingBands } from './propose-separating-bands.ts';

describe('proposeSeparatingBands', () => {
  it('picks the cut-points that flag the most churners while every band separates (hand-computed)', () => {
    // scores 0…99; churners at 0–5 (critical-looking), 10/12/14/16/18, and one at 99
    const scores = Array.from({ length: 100 }, (_, i) => i);
    const churners = new Set([0, 1, 2, 3, 4, 5, 10, 12, 14, 16, 18, 99]);
    const labels = scores.map((s) => (churners.has(s) ? 1 : 0));
    const r = proposeSeparatingBands(scores, labels);
    // base 12/100. Flagging 11 of 12 needs healthy ≥ 19 (fewest flagged); the critical band
    // holding all six early churners with the fewest accounts is [0, 6): 6/6 = 8.3× base;
    // at-risk [6, 19): 5/13 = 3.2×; healthy [19, 100): 1/81 = 0.10×.
    expect(r.bands).toEqual({ healthy: 19, atRisk: 6 });
    expect(r.separates).toBe(true);
    expect(r.baseRate).toBe(0.12);
    expect(r.fit).toEqual([
      { band: 'critical', share: 0.06, rate: 1, ratio: 8.33 },
      { band: 'at-risk', share: 0.13, rate: 0.385, ratio: 3.21 },
      { band: 'healthy', share: 0.81, rate: 0.012, ratio: 0.1 },
    ]);
  });

  it('says so when no pair of cut-points separates (scores unrelated to churn)', () => {
    const scores = Array.from({ length: 400 }, (_, i) => i / 4);
    const labels = scores.map((_, i) => (i % 10 === 0 ? 1 : 0));
    const r = proposeSeparatingBands(scores, labels);
    expect(r.separates).toBe(false);
    expect(r.bands.healthy).toBeGreaterThan(r.bands.atRisk);
  });

  it('keeps the at-risk share under the limit', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i / 10);
    // churn falls smoothly with the score
    const labels = scores.map((s, i) => (((i * 7919) % 100) / 100 < 0.5 * Math.exp(-s / 15) ? 1 : 0));
    const r = proposeSeparatingBands(scores, labels, { maxAtRiskShare: 0.3 });
    expect(r.fit.find((b) => b.band === 'at-risk')!.share).toBeLessThanOrEqual(0.3);
    expect(r.separates).toBe(true);
  });

  it('always returns 0 < at-risk < healthy < 100, and rejects bad input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.boolean()), {
          minLength: 1,
          maxLength: 150,
        }),
        (rows) => {
          const r = proposeSeparatingBands(
            rows.map((x) => x[0]),
            rows.map((x) => (x[1] ? 1 : 0)),
          );
          expect(r.bands.healthy).toBeGreaterThan(r.bands.atRisk);
          expect(r.bands.atRisk).toBeGreaterThan(0);
          expect(r.bands.healthy).toBeLessThan(100);
        },
      ),
    );
    expect(() => proposeSeparatingBands([], [])).toThrow(/no scores/);
    expect(() => proposeSeparatingBands([1], [])).toThrow(/differ/);
  });
});
