import { AppError } from '../errors.ts';
import {
  fitLogisticRegression,
  type LogisticModel,
  predictProbabilities,
  sigmoid,
} from './logistic-regression.ts';
import { createPrng, shuffled } from './prng.ts';
import {
  type DroppedSignal,
  type ProposedWeights,
  type ProposeWeightsOptions,
  proposeWeights,
} from './propose-weights.ts';
import { computeRocAuc } from './roc-auc.ts';

export type SignalTrainingRow = {
  /** signalId → sub-score 0–100, or null when the signal had no data on that date. */
  subScores: Readonly<Record<string, number | null | undefined>>;
  label: 0 | 1;
  /** Rows of one group (an account) stay in one cross-validation fold. */
  group?: string;
  /** Snapshot date and the last day its label depends on: enable the time-based choice of λ. */
  asOf?: string;
  outcomeBy?: string;
};

export type SignalChurnModel = {
  signalIds: string[];
  /**
   * Mean of each sub-score where present: the value a missing sub-score is taken to have. Where
   * a signal is sometimes missing, its own "missing" indicator (`missingIndicators`, the logistic
   * model's features after the sub-scores) carries the effect of having no data, so a missing
   * value is not read as an average account.
   */
  fillValues: number[];
  missingIndicators: string[];
  /** Share of training rows where each signal had data. */
  coverage: number[];
  logistic: LogisticModel;
  proposal: ProposedWeights;
  /** The L2 penalty used, and the validation AUC of each candidate when it was chosen. */
  l2: number;
  l2Search: { l2: number; auc: number | null }[];
  /**
   * How λ was chosen: `time` = fitted on the earlier fit-period snapshots whose outcome was known
   * before the last dates, judged on those last dates; `accounts` = cross-validation over accounts
   * (too few dates for a time fold); `fixed` = given.
   */
  l2Validation: 'time' | 'accounts' | 'fixed';
};

export type FitSignalChurnModelOptions = {
  /** Fixed penalty; when absent it is chosen by account-grouped cross-validation. */
  l2?: number;
  l2Candidates?: readonly number[];
  folds?: number;
  seed?: number;
  /**
   * Share of the fit period's dates (the latest) that judge each λ when rows carry `asOf` and
   * `outcomeBy` (default 0.25). Falls back to cross-validation over accounts when that fold, or
   * the part before it, has too few churners.
   */
  validationShare?: number;
  /** Give a signal a missing indicator when it is missing in more than this share of rows (default 0.02). */
  minMissingShare?: number;
} & ProposeWeightsOptions;

type Column = { id: string; mean: number; sd: number; coverage: number; indicator: boolean };

const isValue = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const MISSING = 'missing:';

function design(rows: readonly SignalTrainingRow[], columns: readonly Column[]): Float64Array {
  const indicators = columns.filter((c) => c.indicator);
  const d = columns.length + indicators.length;
  const x = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    columns.forEach((c, j) => {
      const v = r.subScores[c.id];
      x[i * d + j] = isValue(v) ? v : c.mean;
    });
    indicators.forEach((c, k) => {
      x[i * d + columns.length + k] = isValue(r.subScores[c.id]) ? 0 : 1;
    });
  });
  return x;
}

function fitColumns(
  rows: readonly SignalTrainingRow[],
  columns: readonly Column[],
  l2: number,
): LogisticModel {
  const indicators = columns.filter((c) => c.indicator);
  const share = indicators.map((c) => 1 - c.coverage);
  return fitLogisticRegression(
    design(rows, columns),
    Float64Array.from(rows, (r) => r.label),
    [...columns.map((c) => c.id), ...indicators.map((c) => `${MISSING}${c.id}`)],
    // Scale by the SD of observed values: a mostly-missing signal is penalised like any other
    // instead of escaping the penalty through the tiny SD that imputation gives it.
    {
      l2,
      scaling: {
        means: [...columns.map((c) => c.mean), ...share],
        scales: [...columns.map((c) => c.sd), ...share.map((p) => Math.sqrt(p * (1 - p)) || 1)],
      },
    },
  );
}

/**
 * AUC of each λ on the latest fit-period dates, fitted on the earlier rows whose outcome was known
 * by the first of them: the same past-predicts-future shape as the held-out evaluation, so λ suits
 * a model that must generalise forward in time. Null when there is no usable time fold.
 */
function timeValidatedAuc(
  rows: readonly SignalTrainingRow[],
  columns: readonly Column[],
  candidates: readonly number[],
  share: number,
): { l2: number; auc: number | null }[] | null {
  if (rows.some((r) => r.asOf === undefined || r.outcomeBy === undefined)) return null;
  const dates = [...new Set(rows.map((r) => r.asOf as string))].sort();
  if (dates.length < 3) return null;
  const cutoff = dates[dates.length - Math.max(1, Math.round(share * dates.length))] as string;
  const fitRows = rows.filter((r) => (r.outcomeBy as string) <= cutoff);
  const valRows = rows.filter((r) => (r.asOf as string) >= cutoff);
  const churners = (xs: readonly SignalTrainingRow[]) => xs.reduce((s, r) => s + r.label, 0);
  const minChurners = 10;
  if (
    churners(fitRows) < minChurners ||
    churners(valRows) < minChurners ||
    churners(fitRows) === fitRows.length ||
    churners(valRows) === valRows.length
  )
    return null;
  const valLabels = valRows.map((r) => r.label);
  const x = design(valRows, columns);
  return candidates.map((l2) => ({
    l2,
    auc: computeRocAuc(predictProbabilities(fitColumns(fitRows, columns, l2), x), valLabels),
  }));
}

/**
 * Cross-validated AUC with folds made of whole groups (accounts), so no account is in both parts.
 * AUC is computed within each fold and averaged by fold size: pooling out-of-fold predictions
 * would rank folds against each other by their base rates and can score a good model below 0.5.
 */
function crossValidatedAuc(
  rows: readonly SignalTrainingRow[],
  columns: readonly Column[],
  l2: number,
  folds: number,
  seed: number,
) {
  const groups = [...new Set(rows.map((r, i) => r.group ?? String(i)))].sort();
  const foldOf = new Map(shuffled(groups, createPrng(seed)).map((g, i) => [g, i % folds]));
  const perFold: { auc: number; n: number }[] = [];
  for (let f = 0; f < folds; f++) {
    const trainRows = rows.filter((r, i) => foldOf.get(r.group ?? String(i)) !== f);
    const testRows = rows.filter((r, i) => foldOf.get(r.group ?? String(i)) === f);
    const pos = trainRows.reduce((s, r) => s + r.label, 0);
    if (testRows.length === 0 || pos === 0 || pos === trainRows.length) continue;
    const m = fitColumns(trainRows, columns, l2);
    const auc = computeRocAuc(
      predictProbabilities(m, design(testRows, columns)),
      testRows.map((r) => r.label),
    );
    if (auc !== null) perFold.push({ auc, n: testRows.length });
  }
  const weight = perFold.reduce((s, f) => s + f.n, 0);
  if (weight === 0) return null;
  const mean = perFold.reduce((s, f) => s + f.auc * f.n, 0) / weight;
  const variance =
    perFold.length > 1 ? perFold.reduce((s, f) => s + (f.auc - mean) ** 2, 0) / (perFold.length - 1) : 0;
  return { auc: mean, se: Math.sqrt(variance / perFold.length) };
}

/**
 * The learning baseline: L2 logistic regression of "churned within the horizon" on the signal
 * sub-scores, then the coefficients turned into proposed health-model weights.
 *
 * Signals that predict churn backwards or not at all are removed and the model refitted until
 * every remaining signal points the expected way (a backward elimination), so the proposed
 * weights come from one consistent fit. The penalty is chosen within the fit period only: on its
 * latest dates when the rows carry dates (time-based), else by cross-validation over accounts.
 */
export function fitSignalChurnModel(
  rows: readonly SignalTrainingRow[],
  signalIds: readonly string[],
  options: FitSignalChurnModelOptions = {},
): SignalChurnModel {
  if (rows.length === 0) throw new AppError('PRECONDITION_FAILED', 'no training snapshots');
  const positives = rows.reduce((s, r) => s + r.label, 0);
  if (positives === 0 || positives === rows.length)
    throw new AppError('PRECONDITION_FAILED', 'training snapshots need both churned and retained accounts');
  const minEffectShare = options.minEffect ?? 0.05;
  const minMissing = options.minMissingShare ?? 0.02;
  const dropped: DroppedSignal[] = [];
  let columns: Column[] = [];
  for (const id of signalIds) {
    let sum = 0;
    let sq = 0;
    let count = 0;
    for (const r of rows) {
      const v = r.subScores[id];
      if (typeof v === 'number' && Number.isFinite(v)) {
        sum += v;
        sq += v * v;
        count++;
      }
    }
    const mean = count > 0 ? sum / count : 0;
    const sd = count > 0 ? Math.sqrt(Math.max(0, sq / count - mean * mean)) : 0;
    const coverage = count / rows.length;
    if (count === 0 || sd < 1e-9)
      dropped.push({ signalId: id, reason: 'no-signal', standardizedCoefficient: 0 });
    else columns.push({ id, mean, sd, coverage, indicator: 1 - coverage > minMissing });
  }
  if (columns.length === 0)
    throw new AppError('PRECONDITION_FAILED', 'no signal varies in the training snapshots');

  const folds = options.folds ?? 5;
  const seed = options.seed ?? 17;
  let l2 = options.l2 ?? 1;
  let l2Search: { l2: number; auc: number | null }[] = [];
  let l2Validation: SignalChurnModel['l2Validation'] = 'fixed';
  const candidates = options.l2Candidates ?? [0.3, 1, 3, 10, 30, 100, 300, 1000, 3000];
  const byTime =
    options.l2 === undefined
      ? timeValidatedAuc(rows, columns, candidates, options.validationShare ?? 0.25)
      : null;
  if (byTime) {
    l2Validation = 'time';
    l2Search = byTime;
    // Ties go to the stronger penalty: the simpler model.
    l2 = byTime.reduce((b, r) => ((r.auc ?? 0) >= (b.auc ?? 0) ? r : b)).l2;
  } else if (options.l2 === undefined) {
    l2Validation = 'accounts';
    const results: { l2: number; auc: number; se: number }[] = [];
    for (const candidate of candidates) {
      const cv = crossValidatedAuc(rows, columns, candidate, folds, seed);
      l2Search.push({ l2: candidate, auc: cv?.auc ?? null });
      if (cv) results.push({ l2: candidate, ...cv });
    }
    // One-standard-error rule: the strongest penalty whose AUC is within one standard error of
    // the best. With few churners the fold AUCs are noisy; the simpler model generalises better.
    const best = results.reduce<(typeof results)[number] | null>(
      (b, r) => (!b || r.auc > b.auc ? r : b),
      null,
    );
    if (best) {
      const ok = results.filter((r) => r.auc >= best.auc - best.se);
      l2 = Math.max(...ok.map((r) => r.l2));
    }
  }
  let logistic = fitColumns(rows, columns, l2);
  for (let round = 0; round < signalIds.length; round++) {
    // Missing indicators follow their signal; only sub-score effects are weighed here.
    const strongest = Math.max(
      0,
      ...logistic.standardizedCoefficients.slice(0, columns.length).map((b) => -b),
    );
    const minEffect = minEffectShare * strongest;
    const out = columns.filter((_, j) => {
      const b = logistic.standardizedCoefficients[j] as number;
      return b > 0 || Math.abs(b) < minEffect;
    });
    if (out.length === 0 || out.length === columns.length) break;
    for (const c of out) {
      const b = logistic.standardizedCoefficients[columns.indexOf(c)] as number;
      dropped.push({
        signalId: c.id,
        reason: Math.abs(b) < minEffect ? 'no-signal' : 'wrong-sign',
        standardizedCoefficient: b,
      });
    }
    columns = columns.filter((c) => !out.includes(c));
    logistic = fitColumns(rows, columns, l2);
  }
  const proposal = proposeWeights(
    columns.map((c, j) => ({
      signalId: c.id,
      coefficient: logistic.coefficients[j] as number,
      standardizedCoefficient: logistic.standardizedCoefficients[j] as number,
    })),
    options,
  );
  proposal.dropped.unshift(...dropped);
  return {
    signalIds: columns.map((c) => c.id),
    fillValues: columns.map((c) => c.mean),
    missingIndicators: columns.filter((c) => c.indicator).map((c) => c.id),
    coverage: columns.map((c) => c.coverage),
    logistic,
    proposal,
    l2,
    l2Search,
    l2Validation,
  };
}

/** Churn probability of one snapshot under the fitted signal model (sub-scores and missing indicators). */
export function predictSignalChurn(
  model: SignalChurnModel,
  subScores: SignalTrainingRow['subScores'],
): number {
  let e = model.logistic.intercept;
  model.signalIds.forEach((id, j) => {
    const v = subScores[id];
    e += (model.logistic.coefficients[j] as number) * (isValue(v) ? v : (model.fillValues[j] as number));
  });
  const k = model.signalIds.length;
  model.missingIndicators.forEach((id, j) => {
    if (!isValue(subScores[id])) e += model.logistic.coefficients[k + j] as number;
  });
  return sigmoid(e);
}
