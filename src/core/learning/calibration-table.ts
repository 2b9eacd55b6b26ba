import { AppError } from '../errors.ts';

export type CalibrationBin = {
  bin: number;
  count: number;
  minPredicted: number;
  maxPredicted: number;
  meanPredicted: number;
  observedRate: number;
};

export type CalibrationTable = {
  bins: CalibrationBin[];
  /** Count-weighted mean |predicted − observed| over bins (expected calibration error). */
  expectedCalibrationError: number;
};

/**
 * Calibration by quantile bins (deciles by default): rows sorted by predicted probability and cut
 * into `binCount` groups of near-equal size; each bin compares the mean prediction with the
 * observed churn rate. Quantile bins keep every bin populated even when predictions bunch up.
 */
export function computeCalibrationTable(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  binCount = 10,
): CalibrationTable {
  const n = probabilities.length;
  if (n !== labels.length) throw new AppError('BAD_INPUT', 'probabilities and labels differ in length');
  if (!Number.isInteger(binCount) || binCount < 1) throw new AppError('BAD_INPUT', 'binCount must be ≥ 1');
  for (let i = 0; i < n; i++) {
    const p = probabilities[i] as number;
    if (!(p >= 0 && p <= 1)) throw new AppError('BAD_INPUT', `probability at row ${i} is not in [0, 1]`);
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new AppError('BAD_INPUT', `label at row ${i} must be 0 or 1`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (probabilities[a] as number) - (probabilities[b] as number) || a - b);
  const bins: CalibrationBin[] = [];
  let ece = 0;
  const k = Math.min(binCount, n);
  for (let b = 0; b < k; b++) {
    const lo = Math.floor((b * n) / k);
    const hi = Math.floor(((b + 1) * n) / k);
    let sumP = 0;
    let sumY = 0;
    for (let j = lo; j < hi; j++) {
      const i = order[j] as number;
      sumP += probabilities[i] as number;
      sumY += labels[i] as number;
    }
    const count = hi - lo;
    const meanPredicted = sumP / count;
    const observedRate = sumY / count;
    bins.push({
      bin: b + 1,
      count,
      minPredicted: probabilities[order[lo] as number] as number,
      maxPredicted: probabilities[order[hi - 1] as number] as number,
      meanPredicted,
      observedRate,
    });
    ece += (count / n) * Math.abs(meanPredicted - observedRate);
  }
  return { bins, expectedCalibrationError: n > 0 ? ece : 0 };
}
