import { describe, expect, it } from 'vitest';
import { proposeWeights } from './propose-weights.ts';

describe('proposeWeights', () => {
  it('weights protective signals by strength and drops flat and backwards ones', () => {
    const r = proposeWeights([
      { signalId: 'logins', coefficient: -0.03, standardizedCoefficient: -0.9 },
      { signalId: 'nps', coefficient: -0.01, standardizedCoefficient: -0.3 },
      { signalId: 'noise', coefficient: -0.0001, standardizedCoefficient: -0.01 },
      { signalId: 'backwards', coefficient: 0.02, standardizedCoefficient: 0.4 },
    ]);
    expect(r.weights).toEqual({ logins: 0.75, nps: 0.25 });
    expect(r.dropped).toEqual([
      { signalId: 'noise', reason: 'no-signal', standardizedCoefficient: -0.01 },
      { signalId: 'backwards', reason: 'wrong-sign', standardizedCoefficient: 0.4 },
    ]);
  });

  it('drops negligible shares and renormalises to 1', () => {
    const r = proposeWeights(
      [
        { signalId: 'a', coefficient: -1, standardizedCoefficient: -1 },
        { signalId: 'b', coefficient: -0.005, standardizedCoefficient: -0.2 },
      ],
      { minWeight: 0.01 },
    );
    expect(r.weights).toEqual({ a: 1 });
    expect(r.dropped[0]?.reason).toBe('negligible-weight');
  });

  it('refuses when nothing predicts churn in the right direction', () => {
    expect(() => proposeWeights([{ signalId: 'x', coefficient: 0.5, standardizedCoefficient: 0.5 }])).toThrow(
      /nothing to propose/,
    );
  });
});
