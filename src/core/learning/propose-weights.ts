import { AppError } from '../errors.ts';

export type SignalCoefficient = {
  signalId: string;
  /** Coefficient on the raw 0–100 sub-score in a churn model (log-odds per point). */
  coefficient: number;
  /** Coefficient per standard deviation of the sub-score: how much the signal moves churn odds. */
  standardizedCoefficient: number;
};

export type ProposeWeightsOptions = {
  /**
   * A signal whose |standardised coefficient| is below this share of the strongest right-signed
   * one carries no signal (default 0.05). Relative, because the L2 penalty shrinks all effects
   * together and an absolute cut would drop everything under a strong penalty.
   */
  minEffect?: number;
  /** Proposed weights below this share are dropped and the rest renormalised (default 0.01). */
  minWeight?: number;
};

export type DroppedSignal = {
  signalId: string;
  reason: 'no-signal' | 'wrong-sign' | 'negligible-weight';
  standardizedCoefficient: number;
};

export type ProposedWeights = {
  /** signalId → weight, summing to 1. */
  weights: Record<string, number>;
  dropped: DroppedSignal[];
};

/**
 * Turns churn-model coefficients on signal sub-scores into health-model weights.
 *
 * Sub-scores are "higher = healthier", so a useful signal has a negative churn coefficient. A
 * positive one says the signal, as scored, predicts churn backwards: it is dropped rather than
 * flipped, because flipping would silently reverse what the signal means to a person. Weights are
 * proportional to −coefficient on the raw 0–100 scale: with every signal present, the weighted
 * score then ranks accounts exactly as the fitted log-odds do.
 */
export function proposeWeights(
  coefficients: readonly SignalCoefficient[],
  options: ProposeWeightsOptions = {},
): ProposedWeights {
  const strongest = Math.max(
    0,
    ...coefficients.filter((c) => c.coefficient < 0).map((c) => -c.standardizedCoefficient),
  );
  const minEffect = (options.minEffect ?? 0.05) * strongest;
  const minWeight = options.minWeight ?? 0.01;
  const dropped: DroppedSignal[] = [];
  let kept: SignalCoefficient[] = [];
  for (const c of coefficients) {
    if (!Number.isFinite(c.coefficient) || !Number.isFinite(c.standardizedCoefficient))
      throw new AppError('BAD_INPUT', `coefficient of ${c.signalId} is not finite`);
    if (Math.abs(c.standardizedCoefficient) < minEffect || c.coefficient === 0)
      dropped.push({
        signalId: c.signalId,
        reason: 'no-signal',
        standardizedCoefficient: c.standardizedCoefficient,
      });
    else if (c.coefficient > 0)
      dropped.push({
        signalId: c.signalId,
        reason: 'wrong-sign',
        standardizedCoefficient: c.standardizedCoefficient,
      });
    else kept.push(c);
  }
  for (;;) {
    const total = kept.reduce((s, c) => s - c.coefficient, 0);
    const small = kept.filter((c) => -c.coefficient / total < minWeight);
    if (small.length === 0 || small.length === kept.length) break;
    for (const c of small)
      dropped.push({
        signalId: c.signalId,
        reason: 'negligible-weight',
        standardizedCoefficient: c.standardizedCoefficient,
      });
    kept = kept.filter((c) => !small.includes(c));
  }
  if (kept.length === 0)
    throw new AppError(
      'PRECONDITION_FAILED',
      'no signal predicts churn in the expected direction; nothing to propose',
      { dropped },
    );
  const total = kept.reduce((s, c) => s - c.coefficient, 0);
  const weights: Record<string, number> = {};
  for (const c of kept) weights[c.signalId] = -c.coefficient / total;
  return { weights, dropped };
}
