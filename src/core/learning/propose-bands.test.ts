import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proposeBands } from './propose-bands.ts';

describe('proposeBands', () => {
  it('puts the lowest 10% in critical and the next 25% in at-risk', () => {
    const scores = Array.from({ length: 1001 }, (_, i) => i / 10); // 0.0 … 100.0
    expect(proposeBands(scores)).toEqual({ healthy: 35, atRisk: 10 });
  });

  it('always returns healthy above at-risk within 0–100', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (scores) => {
          const b = proposeBands(scores);
          expect(b.healthy).toBeGreaterThan(b.atRisk);
          expect(b.atRisk).toBeGreaterThanOrEqual(0);
          expect(b.healthy).toBeLessThanOrEqual(100);
        },
      ),
    );
  });

  it('rejects impossible shares and empty input', () => {
    expect(() => proposeBands([1], { criticalShare: 0.6, atRiskShare: 0.5 })).toThrow(/shares/);
    expect(() => proposeBands([])).toThrow(/no scores/);
  });
});
