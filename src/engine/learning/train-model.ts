import { AppError } from '../../core/errors.ts';
import { type BacktestMetrics, evaluateBacktest } from '../../core/learning/evaluate-backtest.ts';
import { eventCountCandidates, recencyCandidate } from '../../core/learning/event-count-candidates.ts';
import { explainNoSnapshots } from '../../core/learning/explain-exclusions.ts';
import { fitSignalChurnModel, predictSignalChurn } from '../../core/learning/fit-signal-churn-model.ts';
import { daysBetween } from '../../core/learning/iso-days.ts';
import { CUSTOMER_ACTIVITY_EVENT_TYPES } from '../../core/learning/label-lapse.ts';
import type { ExclusionReason } from '../../core/learning/label-snapshot.ts';
import { fitPlattCalibration, type PlattCalibration } from '../../core/learning/platt-calibration.ts';
import { proposeBands } from '../../core/learning/propose-bands.ts';
import { proposeSeparatingBands } from '../../core/learning/propose-separating-bands.ts';
import type { DroppedSignal } from '../../core/learning/propose-weights.ts';
import {
  RENEWAL_SIGNAL_ID,
  renewalTimingSubScore,
  renewalWithinHorizonThresholds,
} from '../../core/learning/renewal-timing.ts';
import { computeRocAuc } from '../../core/learning/roc-auc.ts';
import { heldOutCutoff, splitByTime } from '../../core/learning/time-split.ts';
import { type BandSeparation, bandSeparation } from '../../core/scoring/band-separation.ts';
import { bandOf, displayedScore } from '../../core/scoring/compute-score.ts';
import { upsertModelCalibration } from '../../store/queries/learning/calibration-rows.ts';
import { listEventTypeStats } from '../../store/queries/learning/event-type-stats.ts';
import { findActivitySpan } from '../../store/queries/learning/find-activity-span.ts';
import { insertLearningRun } from '../../store/queries/learning/learning-run-rows.ts';
import { insertModelRow } from '../../store/queries/learning/model-rows.ts';
import type { EngineContext } from '../context.ts';
import { calibrationFor, toBacktestSnapshots } from './backtest-model.ts';
import { buildTrainingSet, type TrainingSnapshot } from './build-training-set.ts';
import { rescoreSnapshots } from './rescore-snapshots.ts';
import { resolveModel } from './resolve-model.ts';
import { type HealthModel, SCORING, type ScoringPort } from './scoring-port.ts';

/**
 * What a snapshot's label says: churned within the horizon, churned at the next renewal, or lapsed
 * (no customer activity for `lapseDays` days) within the horizon.
 */
export type TrainingLabel = 'horizon' | 'renewal' | 'lapse';
export const TRAINING_LABELS = ['horizon', 'renewal', 'lapse'] as const;

/** The training-set label mode of a label. */
export const labelMode = (label: TrainingLabel | undefined) =>
  label === 'renewal'
    ? ('next-renewal' as const)
    : label === 'lapse'
      ? ('lapse' as const)
      : ('horizon' as const);

export type TrainModelOptions = {
  horizonDays?: number;
  /** Default `horizon` (churned within `horizonDays`); `renewal` = the running term ended in churn. */
  label?: TrainingLabel;
  /** Label `lapse`: no activity or purchase for this many days = churned (default 90). */
  lapseDays?: number;
  /**
   * Offer the learner a signal per mapped event type (its count in 30/90 days) and days since the
   * last activity, next to the model's own signals (default: on for the lapse label). They enter
   * the proposal only if they earn a weight.
   */
  eventSignals?: boolean;
  /**
   * Offer days to renewal as "renewal within the horizon" (default true; horizon labels only). Off,
   * the proposal ranks health alone, which cannot see that churn happens at renewals.
   */
  renewalTiming?: boolean;
  /**
   * The last this-many calendar months of history are held out (default 12): snapshots dated in
   * them are evaluated, and only snapshots whose horizon closed before them are fitted on.
   */
  testMonths?: number;
  /**
   * Fixed L2 penalty; by default chosen on the fit period's latest dates (fitted on the earlier
   * ones), or by cross-validation over accounts when the fit period is too short for that.
   */
  l2?: number;
  /**
   * Shares of fit-period snapshots placed in critical / at-risk by the proposed bands. Unset (the
   * default), the bands are chosen for separation instead: critical ≥ 4× the base churn rate,
   * at-risk ≥ 2×, healthy ≤ 0.5× on the fit period (core/learning/propose-separating-bands).
   */
  criticalShare?: number;
  atRiskShare?: number;
  /** Fewer churned snapshots than this in the fit period is too little to learn from (default 10). */
  minChurned?: number;
  from?: string;
  to?: string;
  by?: string;
  bootstrapIterations?: number;
  scoring?: ScoringPort;
};

export type WeightComparison = {
  signalId: string;
  current: number;
  proposed: number;
  /** Churn log-odds per sub-score point (negative = protective, as expected). */
  coefficient: number | null;
  /** Per standard deviation of the sub-score. */
  standardizedCoefficient: number | null;
  coverage: number | null;
};

/** The backtest stored with a trained model (models.backtest): the report without per-account detail. */
export type StoredTrainingBacktest = Pick<
  TrainReport,
  | 'horizonDays'
  | 'label'
  | 'lapseDays'
  | 'fit'
  | 'heldOut'
  | 'weights'
  | 'dropped'
  | 'bands'
  | 'l2'
  | 'logisticAuc'
  | 'proposed'
  | 'current'
> & { currentVersion: number };

export type TrainReport = {
  proposedVersion: number;
  currentVersion: number;
  horizonDays: number;
  label: TrainingLabel;
  lapseDays: number | null;
  /** Last day of known outcomes, and where it came from (option, the data's last day, or today). */
  to: string;
  toSource: 'option' | 'data-end' | 'today';
  /** Fit period: snapshots whose whole horizon closed before the held-out period began. */
  fit: { from: string; to: string | null; snapshots: number; churned: number };
  heldOut: { from: string; to: string; snapshots: number; churned: number };
  embargoed: number;
  /** Whether event-count and recency signals were offered to the learner. */
  eventSignals: boolean;
  excluded: Record<ExclusionReason, number>;
  weights: WeightComparison[];
  dropped: DroppedSignal[];
  calibration: Pick<PlattCalibration, 'slope' | 'intercept' | 'rows'>;
  /**
   * Raw band cut-points (the displayed score maps them to 80 and 50), current and proposed; how the
   * proposal was chosen; each proposed band's share / churn rate / ratio on the fit period, and on
   * the held-out period with 95% intervals and a warning per band that does not separate.
   */
  bands: {
    current: { healthy: number; atRisk: number };
    proposed: { healthy: number; atRisk: number };
    method: 'separation' | 'shares';
    separatesOnFit: boolean;
    fit: BandSeparation;
    heldOut: BandSeparation | null;
  };
  l2: number;
  l2Search: { l2: number; auc: number | null }[];
  l2Validation: 'time' | 'accounts' | 'fixed';
  /**
   * Whether days to renewal was offered to the learner as "renewal within the horizon" (horizon
   * labels only); it is in the proposal only if it earned a weight.
   */
  renewalTiming: boolean;
  /** Held-out backtests on the same snapshots: the proposal and the model it challenges. */
  proposed: BacktestMetrics;
  current: BacktestMetrics;
  /** Held-out AUC of the fitted logistic model itself (the ceiling the weighted score approximates). */
  logisticAuc: number | null;
  beatsCurrent: boolean;
  timings: { buildMs: number; fitMs: number; rescoreMs: number; totalMs: number };
};

const round = (v: number, k = 4) => Math.round(v * 10 ** k) / 10 ** k;

/**
 * Learns signal weights from history and writes them as a proposed model version. Fits on early
 * snapshots, evaluates on the last `testMonths` months (never on the fit period), and stores the
 * proposal with a churn-probability calibration and the side-by-side backtest. Nothing becomes
 * active until a person approves it.
 */
export async function trainModel(ctx: EngineContext, options: TrainModelOptions = {}): Promise<TrainReport> {
  const t0 = performance.now();
  const scoring = options.scoring ?? SCORING;
  const resolved = await resolveModel(ctx, undefined, scoring);
  const label = options.label ?? 'horizon';
  const eventSignals = options.eventSignals ?? label === 'lapse';
  const current = eventSignals
    ? { ...resolved, document: await withEventSignals(ctx, resolved.document, options) }
    : resolved;
  const set = await buildTrainingSet(ctx, {
    model: { version: current.version, document: current.document },
    // lapse: the horizon defaults to the lapse window ("will it go quiet for N days from now")
    horizonDays: options.horizonDays ?? (label === 'lapse' ? (options.lapseDays ?? 90) : undefined),
    mode: labelMode(label),
    lapseDays: options.lapseDays,
    from: options.from,
    to: options.to,
    scoring,
  });
  const horizonDays = set.horizonDays;
  const t1 = performance.now();
  if (set.snapshots.length === 0)
    throw new AppError(
      'PRECONDITION_FAILED',
      explainNoSnapshots(set.excluded, {
        from: set.from,
        to: set.to,
        horizonDays,
        dates: set.dates.length,
      }),
      set.excluded,
    );
  const cutoff = heldOutCutoff(set.to, options.testMonths ?? 12);
  const split = splitByTime(set.snapshots, { cutoff, horizonDays });
  const churned = (xs: TrainingSnapshot[]) => xs.filter((s) => s.label === 1).length;
  const minChurned = options.minChurned ?? 10;
  if (churned(split.train) < minChurned || churned(split.test) === 0)
    throw new AppError(
      'PRECONDITION_FAILED',
      `need at least ${minChurned} churned snapshots to fit on before ${cutoff} and some after it to evaluate (fit: ${churned(split.train)} of ${split.train.length}, held out: ${churned(split.test)} of ${split.test.length}, snapshots ${set.from} – ${set.to}); use fewer --test-months, a shorter --horizon, ${label === 'renewal' ? '--label horizon' : '--label renewal'}, --to with the last day of your history, or more history`,
    );
  const signalIds = scoring.signalIds(current.document);
  const renewalTiming =
    label === 'horizon' && options.renewalTiming !== false && signalIds.includes(RENEWAL_SIGNAL_ID);
  // The learner sees days to renewal through the thresholds the proposal would score it with.
  const features = (s: TrainingSnapshot) =>
    renewalTiming
      ? {
          ...s.subScores,
          [RENEWAL_SIGNAL_ID]: renewalTimingSubScore(s.daysToRenewal, horizonDays),
        }
      : s.subScores;
  const fitted = fitSignalChurnModel(
    split.train.map((s) => ({
      subScores: features(s),
      label: s.label,
      group: s.accountId,
      asOf: s.asOf,
      outcomeBy: s.outcomeBy,
    })),
    signalIds,
    { l2: options.l2 },
  );
  const day = ctx.clock.now().toISOString().slice(0, 10);
  const meta = {
    name: `Learned ${label === 'renewal' ? 'next-renewal' : label === 'lapse' ? `${set.lapseDays}-day-lapse` : `${horizonDays}-day`} churn weights (${day})`,
    description: `Weights fitted on ${split.train.length} snapshots up to ${split.trainEnd}, evaluated on ${split.test.length} held-out snapshots from ${cutoff}.`,
  };
  const weighted = scoring.withSignalWeights(current.document, fitted.proposal.weights, {
    ...meta,
    churnCalibration: undefined,
  });
  const timingSetting = weighted.signals[RENEWAL_SIGNAL_ID];
  const unCalibrated =
    renewalTiming && timingSetting && (fitted.proposal.weights[RENEWAL_SIGNAL_ID] ?? 0) > 0
      ? {
          ...weighted,
          signals: {
            ...weighted.signals,
            [RENEWAL_SIGNAL_ID]: {
              ...timingSetting,
              thresholds: renewalWithinHorizonThresholds(horizonDays),
            },
          },
        }
      : weighted;
  const t2 = performance.now();

  // Lead time on the held-out period also uses its censored dates that precede a seen churn.
  const heldOutTimeline = set.leadTimeSnapshots.filter((s) => s.asOf >= cutoff);
  const rescored = await rescoreSnapshots(
    ctx,
    [...split.train, ...split.test, ...heldOutTimeline],
    unCalibrated,
    scoring,
  );
  const trainScores = rescored.slice(0, split.train.length);
  const testScores = rescored.slice(split.train.length, split.train.length + split.test.length);
  const timelineScores = rescored.slice(split.train.length + split.test.length);
  const t3 = performance.now();
  const bandsBy =
    options.criticalShare !== undefined || options.atRiskShare !== undefined
      ? {
          method: 'shares' as const,
          proposal: proposeBands(
            trainScores.map((s) => s.rawScore),
            { criticalShare: options.criticalShare, atRiskShare: options.atRiskShare },
          ),
        }
      : {
          method: 'separation' as const,
          proposal: proposeSeparatingBands(
            trainScores.map((s) => s.rawScore),
            split.train.map((s) => s.label),
          ),
        };
  const bands = 'bands' in bandsBy.proposal ? bandsBy.proposal.bands : bandsBy.proposal;
  // what people will see under the proposal: raw scores through its own cut-points
  const shown = (r: { rawScore: number }) => displayedScore(r.rawScore, bands);
  const banded = (r: { rawScore: number }) => {
    const score = shown(r);
    return { score, band: bandOf(score) };
  };
  const fitBands = split.train.map((s, i) => ({ band: banded(trainScores[i]!).band, label: s.label }));
  const fitSeparation = bandSeparation(
    ['critical', 'at-risk', 'healthy'].map((band) => {
      const xs = fitBands.filter((x) => x.band === band);
      return { band, count: xs.length, churned: xs.filter((x) => x.label === 1).length };
    }),
  );
  // the churn probability is read off the displayed score, so it is fitted on it
  const calibration = fitPlattCalibration(
    trainScores.map(shown),
    split.train.map((s) => s.label),
  );
  const proposedDoc = {
    ...unCalibrated,
    bands,
    churnCalibration: { a: calibration.intercept, b: calibration.slope, horizonDays },
  };
  // The current model is judged with its own calibration, else one fitted on the same fit period.
  const currentCalibration =
    (await calibrationFor(ctx, current, horizonDays)) ??
    fitPlattCalibration(
      split.train.map((s) => s.score),
      split.train.map((s) => s.label),
    );
  const bt = { horizonDays, bootstrapIterations: options.bootstrapIterations, leadTimeFrom: cutoff };
  const proposed = evaluateBacktest(
    toBacktestSnapshots(split.test, (_, i) => banded(testScores[i]!), calibration),
    {
      ...bt,
      timelineSnapshots: heldOutTimeline.map((s, i) => ({
        ...s,
        band: banded(timelineScores[i]!).band,
      })),
    },
  );
  const currentMetrics = evaluateBacktest(toBacktestSnapshots(split.test, undefined, currentCalibration), {
    ...bt,
    timelineSnapshots: heldOutTimeline,
  });
  const bandsReport: TrainReport['bands'] = {
    current: current.document.bands,
    proposed: bands,
    method: bandsBy.method,
    separatesOnFit: fitSeparation.separates,
    fit: fitSeparation,
    heldOut: proposed.bandSeparation ?? null,
  };
  const logisticAuc = computeRocAuc(
    split.test.map((s) => predictSignalChurn(fitted, features(s))),
    split.test.map((s) => s.label),
  );
  const currentWeights = scoring.signalWeights(current.document);
  const weights: WeightComparison[] = [
    ...new Set([...signalIds, ...Object.keys(fitted.proposal.weights)]),
  ].map((id) => {
    const j = fitted.signalIds.indexOf(id);
    return {
      signalId: id,
      current: round(currentWeights[id] ?? 0),
      proposed: round(fitted.proposal.weights[id] ?? 0),
      coefficient: j >= 0 ? (fitted.logistic.coefficients[j] as number) : null,
      standardizedCoefficient: j >= 0 ? (fitted.logistic.standardizedCoefficients[j] as number) : null,
      coverage: j >= 0 ? (fitted.coverage[j] as number) : null,
    };
  });
  weights.sort((a, b) => b.proposed - a.proposed || b.current - a.current);
  const beatsCurrent = (proposed.auc ?? 0) > (currentMetrics.auc ?? 0);
  const asOfs = (xs: TrainingSnapshot[]) => xs.map((s) => s.asOf).sort();
  const lastDate = asOfs(split.test).at(-1) ?? cutoff;
  const heldOut = { from: cutoff, to: lastDate, snapshots: split.test.length, churned: churned(split.test) };
  const fit = {
    from: asOfs(split.train)[0] ?? cutoff,
    to: split.trainEnd,
    snapshots: split.train.length,
    churned: churned(split.train),
  };
  const stripPerAccount = (m: BacktestMetrics) => ({ ...m, leadTime: { ...m.leadTime, perAccount: [] } });
  const now = ctx.clock.now().toISOString();
  const proposedVersion = await insertModelRow(ctx.store, {
    name: meta.name,
    status: 'proposed',
    document: proposedDoc,
    createdAt: now,
    createdBy: options.by ?? 'vigil train',
    notes: `Learned from ${fit.snapshots} snapshots (${fit.from} – ${fit.to}); held-out AUC ${proposed.auc?.toFixed(3)} vs ${currentMetrics.auc?.toFixed(3)} for model ${current.version}.`,
    backtest: {
      horizonDays,
      label,
      lapseDays: set.lapseDays,
      currentVersion: current.version,
      fit,
      heldOut,
      weights,
      dropped: fitted.proposal.dropped,
      bands: bandsReport,
      l2: fitted.l2,
      logisticAuc,
      proposed: stripPerAccount(proposed),
      current: stripPerAccount(currentMetrics),
    },
  });
  await upsertModelCalibration(ctx.store, {
    modelVersion: proposedVersion,
    horizonDays,
    slope: calibration.slope,
    intercept: calibration.intercept,
    rows: calibration.rows,
    fittedFrom: fit.from,
    fittedTo: fit.to ?? fit.from,
    createdAt: now,
  });
  const t4 = performance.now();
  const report: TrainReport = {
    proposedVersion,
    currentVersion: current.version,
    horizonDays,
    label,
    lapseDays: set.lapseDays,
    to: set.to,
    toSource: set.toSource,
    fit,
    heldOut,
    embargoed: split.embargoed,
    eventSignals,
    excluded: set.excluded,
    weights,
    dropped: fitted.proposal.dropped,
    calibration: { slope: calibration.slope, intercept: calibration.intercept, rows: calibration.rows },
    bands: bandsReport,
    l2: fitted.l2,
    l2Search: fitted.l2Search,
    l2Validation: fitted.l2Validation,
    renewalTiming,
    proposed,
    current: currentMetrics,
    logisticAuc,
    beatsCurrent,
    timings: { buildMs: t1 - t0, fitMs: t2 - t1, rescoreMs: t3 - t2, totalMs: t4 - t0 },
  };
  await insertLearningRun(ctx.store, {
    kind: 'train',
    modelVersion: proposedVersion,
    horizonDays,
    createdAt: now,
    createdBy: options.by ?? null,
    summary: { proposedAuc: proposed.auc, currentAuc: currentMetrics.auc, beatsCurrent },
    report: { ...report, proposed: stripPerAccount(proposed), current: stripPerAccount(currentMetrics) },
  });
  return report;
}

/** The model with event-count and activity-recency candidates added at weight 0. */
async function withEventSignals(
  ctx: EngineContext,
  document: HealthModel,
  options: TrainModelOptions,
): Promise<HealthModel> {
  const [stats, span] = await Promise.all([listEventTypeStats(ctx.store), findActivitySpan(ctx.store)]);
  const historyDays = span.first && span.last ? Math.max(1, daysBetween(span.first, span.last)) : 365;
  const custom = [
    ...document.custom,
    ...eventCountCandidates(stats, historyDays, document.custom),
    ...recencyCandidate(
      CUSTOMER_ACTIVITY_EVENT_TYPES,
      options.label === 'lapse' ? (options.lapseDays ?? 90) : 90,
      document.custom,
    ),
  ];
  // every customer text's sentiment (not in the default model) is offered too
  const signals =
    'customer-sentiment' in document.signals
      ? document.signals
      : { ...document.signals, 'customer-sentiment': { weight: 0 } };
  return { ...document, signals, custom };
}
