import { AppError } from '../errors.ts';
import { fitLogisticRegression, sigmoid } from './logistic-regression.ts';

/** probability = σ(slope·score + intercept). */
export type PlattCalibration = { slope: number; intercept: number; rows: number };

/**
 * Platt scaling: a one-variable logistic fit from a score (e.g. the 0–100 health score) to the
 * churn outcome, with Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2) so a perfectly
 * separated sample does not produce infinite slopes.
 */
export function fitPlattCalibration(scores: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibration {
  const n = scores.length;
  if (n !== labels.length) throw new AppError('BAD_INPUT', 'scores and labels differ in length');
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new AppError('BAD_INPUT', `label at row ${i} must be 0 or 1`);
    pos += y;
  }
  if (pos === 0 || pos === n)
    throw new AppError('PRECONDITION_FAILED', 'calibration needs both churned and retained rows');
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (n - pos + 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) targets[i] = labels[i] === 1 ? hi : lo;
  const m = fitLogisticRegression(Float64Array.from(scores), targets, ['score'], { l2: 0 });
  return { slope: m.coefficients[0] as number, intercept: m.intercept, rows: n };
}

export function applyPlattCalibration(
  calibration: Pick<PlattCalibration, 'slope' | 'intercept'>,
  score: number,
): number {
  return sigmoid(calibration.slope * score + calibration.intercept);
}
