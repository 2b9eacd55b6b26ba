import { AppError } from '../errors.ts';
import { solveSymmetric } from './solve-symmetric.ts';

export type LogisticRegressionOptions = {
  /**
   * L2 penalty λ on the standardised coefficients (not the intercept), added to the summed
   * log-loss: λ/2·‖β‖². λ = 1 matches scikit-learn's default C = 1 on standardised features.
   */
  l2?: number;
  maxIterations?: number;
  /** Stop when the largest Newton step on a coefficient is below this. */
  tolerance?: number;
  /**
   * Centre and scale per feature instead of the sample mean and SD. The penalty acts on
   * coefficients per unit of scale, so a caller that imputes missing values can scale by the SD of
   * the observed values and keep mostly-missing features from escaping regularisation.
   */
  scaling?: { means: readonly number[]; scales: readonly number[] };
};

/** A fitted model; JSON-serialisable so it can live inside a model document. */
export type LogisticModel = {
  featureNames: string[];
  /** Intercept and coefficients on the original feature scale: logit = intercept + Σ βⱼ·xⱼ. */
  intercept: number;
  coefficients: number[];
  /** Coefficients per standard deviation of each feature: comparable across features. */
  standardizedCoefficients: number[];
  means: number[];
  scales: number[];
  l2: number;
  iterations: number;
  converged: boolean;
  trainingRows: number;
  /** Mean log-loss on the training rows. */
  trainingLogLoss: number;
};

/**
 * L2-regularised logistic regression fitted by iteratively re-weighted least squares (Newton's
 * method) on standardised features. Deterministic: no random start, no sampling; the penalised
 * log-likelihood is strictly concave, so Newton converges to the unique optimum in a few steps.
 * `x` is row-major n×d; targets may be fractional in [0, 1] (Platt scaling uses smoothed targets).
 * Constant features get a zero coefficient instead of breaking the standardisation.
 */
export function fitLogisticRegression(
  x: Float64Array,
  y: ArrayLike<number>,
  featureNames: readonly string[],
  options: LogisticRegressionOptions = {},
): LogisticModel {
  const d = featureNames.length;
  const n = y.length;
  if (x.length !== n * d)
    throw new AppError('BAD_INPUT', `feature matrix has ${x.length} values, expected ${n}×${d}`);
  if (n === 0) throw new AppError('BAD_INPUT', 'no rows to fit');
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  if (!(l2 >= 0)) throw new AppError('BAD_INPUT', 'l2 must be ≥ 0');
  let ySum = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i] as number;
    if (!(t >= 0 && t <= 1)) throw new AppError('BAD_INPUT', `target at row ${i} is not in [0, 1]`);
    ySum += t;
  }
  for (let k = 0; k < x.length; k++)
    if (!Number.isFinite(x[k] as number))
      throw new AppError('BAD_INPUT', `feature value at row ${Math.floor(k / d)} is not finite`);

  const means = new Float64Array(d);
  const scales = new Float64Array(d);
  const active: number[] = [];
  if (options.scaling) {
    if (options.scaling.means.length !== d || options.scaling.scales.length !== d)
      throw new AppError('BAD_INPUT', 'scaling must give a mean and a scale per feature');
    for (let j = 0; j < d; j++) {
      means[j] = options.scaling.means[j] as number;
      const sc = options.scaling.scales[j] as number;
      scales[j] = sc > 1e-12 ? sc : 1;
      if (sc > 1e-12) active.push(j);
    }
  } else {
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) means[j] = (means[j] as number) + (x[i * d + j] as number);
    for (let j = 0; j < d; j++) means[j] = (means[j] as number) / n;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) {
        const c = (x[i * d + j] as number) - (means[j] as number);
        scales[j] = (scales[j] as number) + c * c;
      }
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt((scales[j] as number) / n);
      scales[j] = sd > 1e-12 ? sd : 1;
      if (sd > 1e-12) active.push(j);
    }
  }
  // Standardised design with a leading intercept column, active features only, stored column by
  // column: every pass below is then a tight loop over contiguous memory.
  const p = active.length + 1;
  const z = new Float64Array(n * p);
  z.fill(1, 0, n);
  for (let a = 0; a < active.length; a++) {
    const j = active[a] as number;
    const off = (a + 1) * n;
    const mean = means[j] as number;
    const scale = scales[j] as number;
    for (let i = 0; i < n; i++) z[off + i] = ((x[i * d + j] as number) - mean) / scale;
  }
  const beta = new Float64Array(p);
  // Start at the base rate so the first step is already sensible.
  const rate = Math.min(Math.max(ySum / n, 1e-6), 1 - 1e-6);
  beta[0] = Math.log(rate / (1 - rate));
  const h = new Float64Array(p * p);
  const g = new Float64Array(p);
  const eta = new Float64Array(n);
  const w = new Float64Array(n);
  const r = new Float64Array(n);
  const wz = new Float64Array(n);
  const penalisedLoss = (b: Float64Array) => {
    eta.fill(0);
    for (let a = 0; a < p; a++) {
      const ba = b[a] as number;
      const off = a * n;
      for (let i = 0; i < n; i++) eta[i] = (eta[i] as number) + (z[off + i] as number) * ba;
    }
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const e = eta[i] as number;
      loss += softplus(e) - (y[i] as number) * e;
    }
    for (let a = 1; a < p; a++) loss += (l2 / 2) * (b[a] as number) * (b[a] as number);
    return loss;
  };
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations && !converged; iterations++) {
    eta.fill(0);
    for (let a = 0; a < p; a++) {
      const b = beta[a] as number;
      const off = a * n;
      for (let i = 0; i < n; i++) eta[i] = (eta[i] as number) + (z[off + i] as number) * b;
    }
    for (let i = 0; i < n; i++) {
      const mu = sigmoid(eta[i] as number);
      w[i] = Math.max(mu * (1 - mu), 1e-12);
      r[i] = mu - (y[i] as number);
    }
    for (let a = 0; a < p; a++) {
      const offA = a * n;
      let ga = 0;
      for (let i = 0; i < n; i++) {
        const za = z[offA + i] as number;
        ga += za * (r[i] as number);
        wz[i] = za * (w[i] as number);
      }
      g[a] = ga;
      for (let b = 0; b <= a; b++) {
        const offB = b * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += (wz[i] as number) * (z[offB + i] as number);
        h[a * p + b] = s;
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) h[b * p + a] = h[a * p + b] as number;
    for (let a = 1; a < p; a++) {
      g[a] = (g[a] as number) + l2 * (beta[a] as number);
      h[a * p + a] = (h[a * p + a] as number) + l2;
    }
    // A tiny ridge on the intercept keeps H positive definite when a class is (almost) absent.
    h[0] = (h[0] as number) + 1e-9;
    const step = solveSymmetric(h, g, p);
    // Damped Newton: halve the step until the penalised loss does not rise. Plain Newton can
    // overshoot on (nearly) separable data and run off to huge coefficients.
    const before = penalisedLoss(beta);
    const trial = new Float64Array(p);
    let scale = 1;
    for (let halvings = 0; halvings < 40; halvings++) {
      for (let a = 0; a < p; a++) trial[a] = (beta[a] as number) - scale * (step[a] as number);
      if (penalisedLoss(trial) <= before + 1e-12 * Math.max(1, Math.abs(before))) break;
      scale /= 2;
    }
    let maxStep = 0;
    for (let a = 0; a < p; a++) {
      maxStep = Math.max(maxStep, Math.abs((trial[a] as number) - (beta[a] as number)));
      beta[a] = trial[a] as number;
    }
    if (maxStep < tolerance) converged = true;
  }
  let loss = 0;
  eta.fill(0);
  for (let a = 0; a < p; a++) {
    const b = beta[a] as number;
    const off = a * n;
    for (let i = 0; i < n; i++) eta[i] = (eta[i] as number) + (z[off + i] as number) * b;
  }
  for (let i = 0; i < n; i++) {
    const e = eta[i] as number;
    loss += softplus(e) - (y[i] as number) * e;
  }
  const standardizedCoefficients = new Array<number>(d).fill(0);
  const coefficients = new Array<number>(d).fill(0);
  let intercept = beta[0] as number;
  active.forEach((j, a) => {
    const b = beta[a + 1] as number;
    standardizedCoefficients[j] = b;
    coefficients[j] = b / (scales[j] as number);
    intercept -= (b * (means[j] as number)) / (scales[j] as number);
  });
  return {
    featureNames: [...featureNames],
    intercept,
    coefficients,
    standardizedCoefficients,
    means: Array.from(means),
    scales: Array.from(scales),
    l2,
    iterations,
    converged,
    trainingRows: n,
    trainingLogLoss: loss / n,
  };
}

/** Linear predictor (log-odds) of one row. */
export function logitOf(
  model: Pick<LogisticModel, 'intercept' | 'coefficients'>,
  row: ArrayLike<number>,
): number {
  let e = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++)
    e += (model.coefficients[j] as number) * (row[j] as number);
  return e;
}

/** Probabilities for a row-major n×d matrix. */
export function predictProbabilities(
  model: Pick<LogisticModel, 'intercept' | 'coefficients'>,
  x: Float64Array,
): Float64Array {
  const d = model.coefficients.length;
  const n = d === 0 ? 0 : x.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sigmoid(logitOf(model, x.subarray(i * d, (i + 1) * d)));
  return out;
}

export function sigmoid(e: number): number {
  return e >= 0 ? 1 / (1 + Math.exp(-e)) : Math.exp(e) / (1 + Math.exp(e));
}

function softplus(e: number): number {
  return e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e));
}
