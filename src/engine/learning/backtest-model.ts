import { AppError } from '../../core/errors.ts';
import { computeBrierScore } from '../../core/learning/brier-score.ts';
import { computeCalibrationTable } from '../../core/learning/calibration-table.ts';
import {
  type BacktestMetrics,
  type BacktestSnapshot,
  evaluateBacktest,
} from '../../core/learning/evaluate-backtest.ts';
import { explainNoSnapshots } from '../../core/learning/explain-exclusions.ts';
import { addDays } from '../../core/learning/iso-days.ts';
import type { ExclusionReason } from '../../core/learning/label-snapshot.ts';
import {
  applyPlattCalibration,
  fitPlattCalibration,
  type PlattCalibration,
} from '../../core/learning/platt-calibration.ts';
import { chooseTimeCutoff, splitByTime } from '../../core/learning/time-split.ts';
import { findModelCalibration } from '../../store/queries/learning/calibration-rows.ts';
import { insertLearningRun } from '../../store/queries/learning/learning-run-rows.ts';
import {
  countStoredScores,
  listStoredScores,
  type StoredScore,
} from '../../store/queries/learning/list-stored-scores.ts';
import type { EngineContext } from '../context.ts';
import { buildTrainingSet, type TrainingSet, type TrainingSnapshot } from './build-training-set.ts';
import { type ResolvedModel, resolveModel } from './resolve-model.ts';
import { SCORING, type ScoringPort } from './scoring-port.ts';

export type BacktestModelOptions = {
  /** Model version (default: the active model). */
  version?: number;
  horizonDays?: number;
  /**
   * Default `horizon` (churned within `horizonDays`); `renewal` = the running term ended in churn;
   * `lapse` = no customer activity for `lapseDays` days, recognised within the horizon.
   */
  label?: 'horizon' | 'renewal' | 'lapse';
  /** Label `lapse`: days without activity that count as churned (default 90). */
  lapseDays?: number;
  from?: string;
  to?: string;
  bootstrapIterations?: number;
  /** Store the report in learning_runs (default true). */
  record?: boolean;
  /**
   * Where snapshot scores come from. `auto` (default) uses the model's stored scores (live and
   * backfilled, e.g. `vigil score --backfill`) when they cover at least 95% of the snapshots within
   * a week before each date, and recomputes otherwise; `compute` always recomputes.
   */
  scores?: 'auto' | 'stored' | 'compute';
  scoring?: ScoringPort;
};

export type CalibrationSource =
  /** The model's stored churn-probability calibration for this horizon, applied to every snapshot. */
  | 'stored'
  /** No stored calibration: fitted on the earlier half of the snapshots, evaluated on the later half. */
  | 'fitted-on-earlier-half'
  | 'none';

export type BacktestReport = {
  model: { version: number; name: string; status: string };
  horizonDays: number;
  label: 'horizon' | 'renewal' | 'lapse';
  lapseDays: number | null;
  /** `to`: last day of known outcomes; `toSource`: given, the data's last day, or today. */
  period: { from: string; to: string; dates: number; toSource: 'option' | 'data-end' | 'today' };
  accounts: number;
  excluded: Record<ExclusionReason, number>;
  metrics: BacktestMetrics;
  calibrationSource: CalibrationSource;
  calibration: Pick<PlattCalibration, 'slope' | 'intercept'> | null;
  timings: { buildMs: number; scoreMs: number; metricsMs: number; totalMs: number };
  /** Snapshot scores recomputed from history, or read from the model's stored (backfilled) scores. */
  scoreSource: 'computed' | 'stored';
  /** Snapshots left out because no stored score was near their date (stored source only). */
  missingScores: number;
  runId: number | null;
};

export function toBacktestSnapshots(
  snapshots: readonly TrainingSnapshot[],
  scoreOf: (s: TrainingSnapshot, i: number) => { score: number; band: string } = (s) => s,
  calibration: Pick<PlattCalibration, 'slope' | 'intercept'> | null = null,
): BacktestSnapshot[] {
  return snapshots.map((s, i) => {
    const r = scoreOf(s, i);
    return {
      accountId: s.accountId,
      asOf: s.asOf,
      score: r.score,
      band: r.band,
      label: s.label,
      churnDate: s.churnDate,
      churnProbability: calibration ? applyPlattCalibration(calibration, r.score) : null,
    };
  });
}

/**
 * How well a model version would have predicted churn on the company's own history: monthly
 * as-of snapshots, each scored from the data of that day, against what happened within the
 * horizon. Ranking quality, churn per band, calibration, and lead time before churn.
 */
export async function backtestModel(
  ctx: EngineContext,
  options: BacktestModelOptions = {},
): Promise<BacktestReport> {
  const t0 = performance.now();
  const scoring = options.scoring ?? SCORING;
  const model = await resolveModel(ctx, options.version, scoring);
  const base = {
    model: { version: model.version, document: model.document },
    horizonDays: options.horizonDays ?? (options.label === 'lapse' ? (options.lapseDays ?? 90) : undefined),
    mode:
      options.label === 'renewal'
        ? ('next-renewal' as const)
        : options.label === 'lapse'
          ? ('lapse' as const)
          : ('horizon' as const),
    lapseDays: options.lapseDays,
    from: options.from,
    to: options.to,
    scoring,
  };
  const mode = options.scores ?? 'auto';
  let set: TrainingSet | null = null;
  if (mode !== 'compute' && model.version > 0 && (await countStoredScores(ctx.store, model.version)) > 0) {
    const stored = await listStoredScores(ctx.store, model.version);
    const lookupScore = (accountId: string, asOf: string) => {
      const list = stored.get(accountId);
      if (!list) return null;
      // Latest stored score on or before the date, at most a week old.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((list[mid] as StoredScore).asOf <= asOf) lo = mid + 1;
        else hi = mid;
      }
      const hit = list[lo - 1];
      return hit && hit.asOf > addDays(asOf, -7) ? hit : null;
    };
    const fromStore = await buildTrainingSet(ctx, { ...base, lookupScore });
    const total = fromStore.snapshots.length + fromStore.leadTimeSnapshots.length + fromStore.missingScores;
    if (mode === 'stored' || fromStore.missingScores <= 0.05 * total) set = fromStore;
    else
      ctx.logger.info(
        `stored scores of model ${model.version} cover ${total - fromStore.missingScores} of ${total} snapshots; recomputing`,
      );
  }
  if (!set) set = await buildTrainingSet(ctx, base);
  if (set.snapshots.length === 0)
    throw new AppError(
      'PRECONDITION_FAILED',
      explainNoSnapshots(set.excluded, {
        from: set.from,
        to: set.to,
        horizonDays: set.horizonDays,
        dates: set.dates.length,
      }),
      set.excluded,
    );
  const t1 = performance.now();
  const stored =
    model.version > 0 ? await findModelCalibration(ctx.store, model.version, set.horizonDays) : null;
  const snaps = toBacktestSnapshots(set.snapshots, undefined, stored);
  // Lead time as training reports it: censored dates before a churn already seen extend each
  // churner's timeline, and only churns whose whole look-back lies in the period are counted.
  const metrics = evaluateBacktest(snaps, {
    horizonDays: set.horizonDays,
    bootstrapIterations: options.bootstrapIterations,
    timelineSnapshots: set.leadTimeSnapshots,
    leadTimeFrom: set.from,
  });
  let calibrationSource: CalibrationSource = stored ? 'stored' : 'none';
  let calibration: BacktestReport['calibration'] = stored
    ? { slope: stored.slope, intercept: stored.intercept }
    : null;
  if (!stored) {
    const fitted = calibrateOnEarlierHalf(set.snapshots, set.horizonDays);
    if (fitted) {
      calibrationSource = 'fitted-on-earlier-half';
      calibration = fitted.calibration;
      metrics.calibration = fitted.evaluation;
    }
  }
  const t2 = performance.now();
  const report: BacktestReport = {
    model: { version: model.version, name: model.name, status: model.status },
    horizonDays: set.horizonDays,
    label: options.label ?? 'horizon',
    lapseDays: set.lapseDays,
    period: { from: set.from, to: set.to, dates: set.dates.length, toSource: set.toSource },
    accounts: set.accounts,
    excluded: set.excluded,
    metrics,
    calibrationSource,
    calibration,
    timings: {
      buildMs: set.timings.labelMs,
      scoreMs: set.timings.scoreMs,
      metricsMs: t2 - t1,
      totalMs: t2 - t0,
    },
    scoreSource: set.scoreSource,
    missingScores: set.missingScores,
    runId: null,
  };
  if (options.record !== false)
    report.runId = await insertLearningRun(ctx.store, {
      kind: 'backtest',
      modelVersion: model.version,
      horizonDays: set.horizonDays,
      createdAt: ctx.clock.now().toISOString(),
      createdBy: null,
      summary: {
        auc: metrics.auc,
        snapshots: metrics.snapshots,
        medianLeadDays: metrics.leadTime.atRisk.median,
        brier: metrics.calibration?.brier ?? null,
      },
      report: { ...report, metrics: { ...metrics, leadTime: { ...metrics.leadTime, perAccount: [] } } },
    });
  return report;
}

/**
 * A model's churn-probability calibration for a horizon: the one in its document (set by
 * training), else one stored for that horizon, else null.
 */
export async function calibrationFor(
  ctx: EngineContext,
  model: ResolvedModel,
  horizonDays: number,
): Promise<Pick<PlattCalibration, 'slope' | 'intercept'> | null> {
  const c = model.document.churnCalibration;
  if (c && c.horizonDays === horizonDays) return { slope: c.b, intercept: c.a };
  if (model.version === 0) return null;
  const stored = await findModelCalibration(ctx.store, model.version, horizonDays);
  return stored ? { slope: stored.slope, intercept: stored.intercept } : null;
}

/**
 * A model without a stored calibration still gets an honest calibration figure: Platt scaling
 * fitted on snapshots whose horizon closed before the later half began, judged on the later half.
 */
function calibrateOnEarlierHalf(snapshots: readonly TrainingSnapshot[], horizonDays: number) {
  const dates = [...new Set(snapshots.map((s) => s.asOf))];
  if (dates.length < 2) return null;
  const split = splitByTime(snapshots, {
    cutoff: chooseTimeCutoff(dates, Math.ceil(dates.length / 2)),
    horizonDays,
  });
  const trainPos = split.train.filter((s) => s.label === 1).length;
  if (trainPos === 0 || trainPos === split.train.length || split.test.length === 0) return null;
  const calibration = fitPlattCalibration(
    split.train.map((s) => s.score),
    split.train.map((s) => s.label),
  );
  const probs = split.test.map((s) => applyPlattCalibration(calibration, s.score));
  const labels = split.test.map((s) => s.label);
  return {
    calibration: { slope: calibration.slope, intercept: calibration.intercept },
    evaluation: { ...computeCalibrationTable(probs, labels), brier: computeBrierScore(probs, labels) },
  };
}
