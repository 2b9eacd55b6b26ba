import { AppError } from '../errors.ts';
import { checkScoresAndLabels } from './score-groups.ts';

export type TopFractionStats = {
  /** Share of rows flagged (0.1 = riskiest decile). */
  fraction: number;
  /** Rows flagged: ceil(n × fraction). */
  flagged: number;
  positivesFlagged: number;
  /** Churners among the flagged rows. */
  precision: number;
  /** Share of all churners that were flagged; null without churners. */
  recall: number | null;
  /** precision / base rate: how many times more churn there is among the flagged; null without churners. */
  lift: number | null;
  baseRate: number;
};

/**
 * Precision, recall and lift of the riskiest `fraction` of rows (highest score first). Rows tied
 * at the cut-off enter in their original order, so the figure is deterministic.
 */
export function computeTopFractionStats(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  fraction = 0.1,
): TopFractionStats {
  checkScoresAndLabels(scores, labels);
  if (!(fraction > 0 && fraction <= 1)) throw new AppError('BAD_INPUT', 'fraction must be in (0, 1]');
  const n = scores.length;
  if (n === 0) throw new AppError('BAD_INPUT', 'no rows to evaluate');
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const flagged = Math.ceil(n * fraction - 1e-9);
  let positivesFlagged = 0;
  let positives = 0;
  for (let k = 0; k < n; k++) {
    const y = labels[order[k] as number] as number;
    positives += y;
    if (k < flagged) positivesFlagged += y;
  }
  const baseRate = positives / n;
  const precision = positivesFlagged / flagged;
  return {
    fraction,
    flagged,
    positivesFlagged,
    precision,
    recall: positives > 0 ? positivesFlagged / positives : null,
    lift: positives > 0 ? precision / baseRate : null,
    baseRate,
  };
}
