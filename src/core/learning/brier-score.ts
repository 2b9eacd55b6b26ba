import { AppError } from '../errors.ts';

/** Brier score: mean squared difference between predicted probability and outcome (0 is perfect). */
export function computeBrierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = probabilities.length;
  if (n !== labels.length) throw new AppError('BAD_INPUT', 'probabilities and labels differ in length');
  if (n === 0) throw new AppError('BAD_INPUT', 'no rows to evaluate');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i] as number;
    const y = labels[i] as number;
    if (!(p >= 0 && p <= 1)) throw new AppError('BAD_INPUT', `probability at row ${i} is not in [0, 1]`);
    if (y !== 0 && y !== 1) throw new AppError('BAD_INPUT', `label at row ${i} must be 0 or 1`);
    sum += (p - y) * (p - y);
  }
  return sum / n;
}
