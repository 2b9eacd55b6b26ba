import { groupScores } from './score-groups.ts';

/**
 * PR AUC as average precision: Σ (Rₖ − Rₖ₋₁)·Pₖ over thresholds from the highest score down,
 * a tied group of scores being one threshold (scikit-learn's definition, no interpolation).
 * Higher score means "more likely positive". Null when there are no positives.
 */
export function computeAveragePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const g = groupScores(scores, labels);
  if (g.totalPositives === 0) return null;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let k = g.values.length - 1; k >= 0; k--) {
    const p = g.positives[k] as number;
    tp += p;
    fp += g.negatives[k] as number;
    if (p > 0) ap += (p / g.totalPositives) * (tp / (tp + fp));
  }
  // the sum of recall steps can exceed 1 by a rounding error (1.0000000000000002)
  return Math.min(1, ap);
}
