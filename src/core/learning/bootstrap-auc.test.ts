import { describe, expect, it } from 'vitest';
import { computeBootstrapAucCi, quantileSorted } from './bootstrap-auc.ts';
import { createPrng } from './prng.ts';
import { computeRocAuc } from './roc-auc.ts';

function noisyRanking(n: number, seed: number, signal: number) {
  const prng = createPrng(seed);
  const labels = Array.from({ length: n }, () => (prng.next() < 0.2 ? 1 : 0));
  const scores = labels.map((y) => y * signal + prng.next());
  return { scores, labels };
}

describe('computeBootstrapAucCi', () => {
  it('brackets the point AUC and is reproducible with a seed', () => {
    const { scores, labels } = noisyRanking(2000, 11, 0.5);
    const a = computeBootstrapAucCi(scores, labels, { iterations: 300, seed: 5 });
    const b = computeBootstrapAucCi(scores, labels, { iterations: 300, seed: 5 });
    expect(a).toEqual(b);
    expect(a.auc).toBeCloseTo(computeRocAuc(scores, labels) as number, 12);
    expect(a.lower as number).toBeLessThan(a.auc as number);
    expect(a.upper as number).toBeGreaterThan(a.auc as number);
  });

  it('narrows as the sample grows', () => {
    const small = noisyRanking(300, 2, 0.5);
    const large = noisyRanking(20000, 2, 0.5);
    const w = (r: ReturnType<typeof computeBootstrapAucCi>) => (r.upper as number) - (r.lower as number);
    expect(w(computeBootstrapAucCi(large.scores, large.labels, { iterations: 200 }))).toBeLessThan(
      w(computeBootstrapAucCi(small.scores, small.labels, { iterations: 200 })) / 3,
    );
  });

  it('covers the true AUC in most repeated experiments', () => {
    // With signal 0.5 on uniform noise the true AUC is 1 − (1−0.5)²/2 = 0.875.
    let covered = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { scores, labels } = noisyRanking(800, seed * 97, 0.5);
      const ci = computeBootstrapAucCi(scores, labels, { iterations: 200, seed });
      if ((ci.lower as number) <= 0.875 && 0.875 <= (ci.upper as number)) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(33);
  });

  it('is a point interval for a perfect separation', () => {
    const ci = computeBootstrapAucCi([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1], { iterations: 50 });
    expect(ci.lower).toBe(1);
    expect(ci.upper).toBe(1);
  });

  it('returns nulls when a class is missing', () => {
    const ci = computeBootstrapAucCi([1, 2], [0, 0], { iterations: 10 });
    expect(ci.auc).toBeNull();
    expect(ci.lower).toBeNull();
  });

  it('rejects a bad confidence level', () => {
    expect(() => computeBootstrapAucCi([1, 2], [0, 1], { confidence: 1 })).toThrow(/confidence/);
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20, 30], 0.25)).toBe(15);
    expect(quantileSorted([7], 0.9)).toBe(7);
  });
});
