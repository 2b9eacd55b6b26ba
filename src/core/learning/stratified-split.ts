import { type Prng, shuffled } from './prng.ts';

/**
 * Seeded hold-out split that keeps the churn rate of both parts equal to the whole: each class is
 * shuffled and `testFraction` of it (at least one row, never all) goes to the test part. Only for
 * tables without time; history is split by time (time-split.ts).
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testFraction: number,
  prng: Prng,
): { train: number[]; test: number[] } {
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? positives : negatives).push(i);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [positives, negatives]) {
    if (cls.length === 0) continue;
    const s = shuffled(cls, prng);
    const k = Math.max(1, Math.min(s.length - 1, Math.round(s.length * testFraction)));
    test.push(...s.slice(0, k));
    train.push(...s.slice(k));
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train, test };
}
