import { AppError } from '../errors.ts';

/**
 * Scores sorted ascending and collapsed into groups of equal score, with the positive and
 * negative counts of each group. Rank metrics (AUC, average precision) and the bootstrap all
 * walk these groups, so ties are handled in one place: a tied group counts half for AUC and as
 * one threshold for precision/recall, as scikit-learn does.
 */
export type ScoreGroups = {
  /** Index of the group each original row falls in. */
  groupOf: Int32Array;
  /** Distinct scores, ascending. */
  values: Float64Array;
  positives: Float64Array;
  negatives: Float64Array;
  totalPositives: number;
  totalNegatives: number;
};

export function checkScoresAndLabels(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length)
    throw new AppError(
      'BAD_INPUT',
      `scores (${scores.length}) and labels (${labels.length}) differ in length`,
    );
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i] as number))
      throw new AppError('BAD_INPUT', `score at row ${i} is not a finite number`);
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new AppError('BAD_INPUT', `label at row ${i} must be 0 or 1`);
  }
}

export function groupScores(scores: ArrayLike<number>, labels: ArrayLike<number>): ScoreGroups {
  checkScoresAndLabels(scores, labels);
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const s = Float64Array.from(scores as ArrayLike<number>);
  order.sort((a, b) => (s[a] as number) - (s[b] as number));
  const groupOf = new Int32Array(n);
  const values: number[] = [];
  const pos: number[] = [];
  const neg: number[] = [];
  let totalPositives = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const v = s[i] as number;
    if (values.length === 0 || values[values.length - 1] !== v) {
      values.push(v);
      pos.push(0);
      neg.push(0);
    }
    const g = values.length - 1;
    groupOf[i] = g;
    if (labels[i] === 1) {
      pos[g] = (pos[g] as number) + 1;
      totalPositives++;
    } else neg[g] = (neg[g] as number) + 1;
  }
  return {
    groupOf,
    values: Float64Array.from(values),
    positives: Float64Array.from(pos),
    negatives: Float64Array.from(neg),
    totalPositives,
    totalNegatives: n - totalPositives,
  };
}

/**
 * AUC from per-group (possibly weighted) counts: the probability that a random positive
 * outranks a random negative, ties counting one half. Null when a class is empty.
 */
export function aucFromGroupCounts(
  positives: ArrayLike<number>,
  negatives: ArrayLike<number>,
): number | null {
  let negBelow = 0;
  let num = 0;
  let totalPos = 0;
  for (let g = 0; g < positives.length; g++) {
    const p = positives[g] as number;
    const q = negatives[g] as number;
    num += p * (negBelow + 0.5 * q);
    negBelow += q;
    totalPos += p;
  }
  if (totalPos === 0 || negBelow === 0) return null;
  return num / (totalPos * negBelow);
}
