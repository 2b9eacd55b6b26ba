import { AppError } from '../errors.ts';
import { groupScores } from './score-groups.ts';

/** One point of a ROC curve: share of negatives and of positives at or above a threshold. */
export type RocPoint = { fpr: number; tpr: number };

export type ComputeRocCurveOptions = {
  /** At most this many points (default 101); the first (0, 0) and last (1, 1) are always kept. */
  maxPoints?: number;
};

/**
 * The ROC curve of a ranking: starting at (0, 0), lower the threshold one distinct score at a
 * time (highest first) and record false- and true-positive rates. Rows tied at a score enter
 * together, so a tie between a churner and a retained row is one diagonal step, the same half
 * credit AUC gives it. Higher score means "more likely positive"; pass a risk, not a health
 * score. Empty when a class is missing. Long curves are thinned to evenly spaced vertices,
 * which keeps the ends and the shape while bounding what a client has to draw.
 */
export function computeRocCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: ComputeRocCurveOptions = {},
): RocPoint[] {
  const maxPoints = options.maxPoints ?? 101;
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2))
    throw new AppError('BAD_INPUT', 'maxPoints must be an integer of at least 2');
  const g = groupScores(scores, labels);
  if (g.totalPositives === 0 || g.totalNegatives === 0) return [];
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = g.values.length - 1; k >= 0; k--) {
    tp += g.positives[k] as number;
    fp += g.negatives[k] as number;
    points.push({ fpr: fp / g.totalNegatives, tpr: tp / g.totalPositives });
  }
  if (points.length <= maxPoints) return points;
  const last = points.length - 1;
  return Array.from(
    { length: maxPoints },
    (_, i) => points[Math.round((i * last) / (maxPoints - 1))] as RocPoint,
  );
}
