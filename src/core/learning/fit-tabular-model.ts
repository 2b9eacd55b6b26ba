import { AppError } from '../errors.ts';
import { computeAveragePrecision } from './average-precision.ts';
import { type BootstrapAucResult, computeBootstrapAucCi } from './bootstrap-auc.ts';
import { computeBrierScore } from './brier-score.ts';
import { fitLogisticRegression, type LogisticModel, predictProbabilities } from './logistic-regression.ts';
import { createPrng, shuffled } from './prng.ts';
import { computeRocAuc } from './roc-auc.ts';
import { stratifiedSplit } from './stratified-split.ts';
import type { TableMapping, TableRow } from './table-mapping.ts';
import { encodeTableRows, fitTabularEncoder, type TabularEncoder } from './tabular-encoder.ts';
import { computeTopFractionStats, type TopFractionStats } from './top-fraction-stats.ts';

export type TabularModel = {
  kind: 'tabular-logistic';
  mapping: TableMapping;
  encoder: TabularEncoder;
  logistic: LogisticModel;
};

export type TraitImportance = {
  trait: string;
  kind: 'numeric' | 'categorical';
  /** Drop in held-out AUC when this trait's values are shuffled across rows (0 = useless). */
  permutationImportance: number;
  /** Per encoded feature: effect per standard deviation on churn log-odds (+ = more churn). */
  features: { feature: string; standardizedCoefficient: number; coefficient: number }[];
};

export type FitTabularOptions = {
  /** Share of rows held out for evaluation (default 0.25), stratified by label. */
  testFraction?: number;
  seed?: number;
  l2?: number;
  bootstrapIterations?: number;
};

export type FitTabularReport = {
  model: TabularModel;
  rows: {
    total: number;
    used: number;
    train: number;
    test: number;
    rejected: { row: number; reason: string }[];
  };
  baseRate: number;
  evaluation: {
    auc: number | null;
    aucCi: BootstrapAucResult;
    averagePrecision: number | null;
    brier: number;
    topDecile: TopFractionStats;
  };
  importance: TraitImportance[];
};

/** Reads the 0/1 label of a row, or null when the label cell is blank. */
export function labelOf(row: TableRow, mapping: TableMapping): 0 | 1 | null {
  const raw = (row[mapping.labelColumn] ?? '').trim().toLowerCase();
  if (raw === '') return null;
  return mapping.positiveValues.some((v) => v.trim().toLowerCase() === raw) ? 1 : 0;
}

/**
 * Learns which traits of a customer table predict churn: seeded stratified hold-out split, the
 * encoder fitted on the training rows only, L2 logistic regression, evaluation on the held-out
 * rows, and traits ranked by permutation importance on those rows. The returned model is the one
 * that was evaluated (fitted on the training rows), so its reported AUC is what it delivers.
 */
export function fitTabularModel(
  allRows: readonly TableRow[],
  mapping: TableMapping,
  options: FitTabularOptions = {},
): FitTabularReport {
  const testFraction = options.testFraction ?? 0.25;
  if (!(testFraction > 0 && testFraction < 1))
    throw new AppError('BAD_INPUT', 'testFraction must be in (0, 1)');
  const prng = createPrng(options.seed ?? 42);
  const rejected: { row: number; reason: string }[] = [];
  const rows: TableRow[] = [];
  const labels: number[] = [];
  allRows.forEach((r, i) => {
    const id = (r[mapping.idColumn] ?? '').trim();
    const y = labelOf(r, mapping);
    if (id === '') rejected.push({ row: i + 1, reason: `blank ${mapping.idColumn}` });
    else if (y === null) rejected.push({ row: i + 1, reason: `blank ${mapping.labelColumn}` });
    else {
      rows.push(r);
      labels.push(y);
    }
  });
  const positives = labels.reduce((a, y) => a + y, 0);
  const negatives = labels.length - positives;
  if (positives < 2 || negatives < 2)
    throw new AppError(
      'PRECONDITION_FAILED',
      `need at least 2 churned and 2 retained rows (have ${positives} and ${negatives})`,
    );
  const { train: trainIdx, test: testIdx } = stratifiedSplit(labels, testFraction, prng);
  const trainRows = trainIdx.map((i) => rows[i] as TableRow);
  const testRows = testIdx.map((i) => rows[i] as TableRow);
  const yTrain = Float64Array.from(trainIdx, (i) => labels[i] as number);
  const yTest = Float64Array.from(testIdx, (i) => labels[i] as number);

  const encoder = fitTabularEncoder(trainRows, mapping);
  const xTrain = encodeTableRows(encoder, trainRows);
  const logistic = fitLogisticRegression(xTrain, yTrain, encoder.featureNames, { l2: options.l2 ?? 1 });
  const xTest = encodeTableRows(encoder, testRows);
  const pTest = predictProbabilities(logistic, xTest);
  const auc = computeRocAuc(pTest, yTest);

  const d = encoder.featureNames.length;
  const traits = [
    ...encoder.numeric.map((n) => ({ trait: n.column, kind: 'numeric' as const })),
    ...encoder.categorical.map((c) => ({ trait: c.column, kind: 'categorical' as const })),
  ];
  const importance: TraitImportance[] = traits.map(({ trait, kind }) => {
    const cols = encoder.featureTraits.flatMap((t, j) => (t === trait ? [j] : []));
    // Shuffle the trait's whole encoded block together so one-hot rows stay valid.
    const perm = shuffled(
      Array.from({ length: testRows.length }, (_, i) => i),
      prng,
    );
    const xp = xTest.slice();
    for (let i = 0; i < testRows.length; i++)
      for (const j of cols) xp[i * d + j] = xTest[(perm[i] as number) * d + j] as number;
    const permutedAuc = computeRocAuc(predictProbabilities(logistic, xp), yTest);
    return {
      trait,
      kind,
      permutationImportance: auc !== null && permutedAuc !== null ? auc - permutedAuc : 0,
      features: cols.map((j) => ({
        feature: encoder.featureNames[j] as string,
        standardizedCoefficient: logistic.standardizedCoefficients[j] as number,
        coefficient: logistic.coefficients[j] as number,
      })),
    };
  });
  importance.sort(
    (a, b) => b.permutationImportance - a.permutationImportance || (a.trait < b.trait ? -1 : 1),
  );

  return {
    model: { kind: 'tabular-logistic', mapping, encoder, logistic },
    rows: {
      total: allRows.length,
      used: rows.length,
      train: trainRows.length,
      test: testRows.length,
      rejected,
    },
    baseRate: positives / rows.length,
    evaluation: {
      auc,
      aucCi: computeBootstrapAucCi(pTest, yTest, {
        iterations: options.bootstrapIterations ?? 500,
        seed: options.seed ?? 42,
      }),
      averagePrecision: computeAveragePrecision(pTest, yTest),
      brier: computeBrierScore(pTest, yTest),
      topDecile: computeTopFractionStats(pTest, yTest, 0.1),
    },
    importance,
  };
}
