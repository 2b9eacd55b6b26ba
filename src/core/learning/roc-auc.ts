import { aucFromGroupCounts, groupScores } from './score-groups.ts';

/**
 * ROC AUC: the probability that a randomly chosen positive (label 1) has a higher score than a
 * randomly chosen negative, ties counting one half (the Mann–Whitney statistic). Higher score
 * means "more likely positive"; pass a risk, not a health score. Null when a class is empty.
 */
export function computeRocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const g = groupScores(scores, labels);
  return aucFromGroupCounts(g.positives, g.negatives);
}
