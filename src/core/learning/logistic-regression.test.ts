import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, predictProbabilities, sigmoid } from './logistic-regression.ts';
import { createPrng } from './prng.ts';
import { computeRocAuc } from './roc-auc.ts';

/** n rows, features ~ N(0,1)-ish (sum of uniforms) with known true log-odds coefficients. */
function planted(n: number, beta: number[], intercept: number, seed: number) {
  const prng = createPrng(seed);
  const d = beta.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const gauss = () => prng.next() + prng.next() + prng.next() + prng.next() - 2;
  for (let i = 0; i < n; i++) {
    let e = intercept;
    for (let j = 0; j < d; j++) {
      const v = gauss() * 1.7 * (j + 1); // different scales per feature
      x[i * d + j] = v;
      e += (beta[j] as number) * v;
    }
    y[i] = prng.next() < sigmoid(e) ? 1 : 0;
  }
  return { x, y, names: beta.map((_, j) => `f${j}`) };
}

describe('fitLogisticRegression', () => {
  it('recovers planted coefficients on a large sample with a light penalty', () => {
    const beta = [0.8, -0.5, 0, 0.1];
    const { x, y, names } = planted(40000, beta, -1, 1);
    const m = fitLogisticRegression(x, y, names, { l2: 1e-6 });
    expect(m.converged).toBe(true);
    beta.forEach((b, j) => {
      expect(m.coefficients[j]).toBeCloseTo(b, 1);
    });
    expect(m.intercept).toBeCloseTo(-1, 1);
  });

  it('gets the signs right and leaves a pure-noise feature near zero', () => {
    const { x, y, names } = planted(5000, [0.6, -0.4, 0], 0, 2);
    const m = fitLogisticRegression(x, y, names);
    expect(m.standardizedCoefficients[0]).toBeGreaterThan(0.5);
    expect(m.standardizedCoefficients[1]).toBeLessThan(-0.5);
    expect(Math.abs(m.standardizedCoefficients[2] as number)).toBeLessThan(0.1);
  });

  it('stops at the penalised optimum: the gradient vanishes', () => {
    const { x, y, names } = planted(3000, [0.7, -0.3], 0.5, 3);
    const l2 = 5;
    const m = fitLogisticRegression(x, y, names, { l2 });
    const p = predictProbabilities(m, x);
    const d = names.length;
    let g0 = 0;
    for (let i = 0; i < y.length; i++) g0 += (p[i] as number) - (y[i] as number);
    expect(Math.abs(g0)).toBeLessThan(1e-6);
    for (let j = 0; j < d; j++) {
      let g = 0;
      for (let i = 0; i < y.length; i++)
        g +=
          ((p[i] as number) - (y[i] as number)) *
          (((x[i * d + j] as number) - (m.means[j] as number)) / (m.scales[j] as number));
      expect(Math.abs(g + l2 * (m.standardizedCoefficients[j] as number))).toBeLessThan(1e-6);
    }
  });

  it('shrinks coefficients as the penalty grows', () => {
    const { x, y, names } = planted(1000, [1, -1], 0, 4);
    const weak = fitLogisticRegression(x, y, names, { l2: 0.01 });
    const strong = fitLogisticRegression(x, y, names, { l2: 1000 });
    expect(Math.abs(strong.standardizedCoefficients[0] as number)).toBeLessThan(
      Math.abs(weak.standardizedCoefficients[0] as number) / 2,
    );
  });

  it('is deterministic', () => {
    const { x, y, names } = planted(2000, [0.5, 0.2], 0, 5);
    expect(fitLogisticRegression(x, y, names)).toEqual(fitLogisticRegression(x, y, names));
  });

  it('ranks held-out rows well when the effect is real', () => {
    const train = planted(4000, [1.2, -0.8, 0], 0, 6);
    const test = planted(4000, [1.2, -0.8, 0], 0, 7);
    const m = fitLogisticRegression(train.x, train.y, train.names);
    expect(computeRocAuc(predictProbabilities(m, test.x), test.y)).toBeGreaterThan(0.8);
  });

  it('gives a constant feature a zero coefficient', () => {
    const x = new Float64Array([1, 3, 1, 5, 1, 2, 1, 8]);
    const m = fitLogisticRegression(x, [0, 1, 0, 1], ['const', 'v']);
    expect(m.coefficients[0]).toBe(0);
    expect(m.coefficients[1]).toBeGreaterThan(0);
  });

  it('survives perfectly separable data thanks to the penalty', () => {
    const x = new Float64Array([1, 2, 3, 4, 5, 6]);
    const m = fitLogisticRegression(x, [0, 0, 0, 1, 1, 1], ['v'], { l2: 1 });
    expect(m.converged).toBe(true);
    expect(Number.isFinite(m.coefficients[0] as number)).toBe(true);
  });

  it('rejects bad shapes and targets', () => {
    expect(() => fitLogisticRegression(new Float64Array(3), [0, 1], ['a', 'b'])).toThrow(/expected 2×2/);
    expect(() => fitLogisticRegression(new Float64Array(2), [0, 2], ['a'])).toThrow(/not in \[0, 1\]/);
    expect(() => fitLogisticRegression(new Float64Array(0), [], ['a'])).toThrow(/no rows/);
    expect(() => fitLogisticRegression(new Float64Array([Number.NaN]), [1], ['a'])).toThrow(/not finite/);
  });
});
