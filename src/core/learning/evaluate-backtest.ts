import { AppError } from '../errors.ts';
import { type BandSeparation, bandSeparation } from '../scoring/band-separation.ts';
import { computeAveragePrecision } from './average-precision.ts';
import { type BandChurnRate, computeBandChurnRates } from './band-churn-rates.ts';
import { type BootstrapAucResult, computeBootstrapAucCi } from './bootstrap-auc.ts';
import { computeBrierScore } from './brier-score.ts';
import { type CalibrationTable, computeCalibrationTable } from './calibration-table.ts';
import { addDays } from './iso-days.ts';
import { computeLeadTimes, type LeadTimeReport, type LeadTimeTimeline } from './lead-time.ts';
import { computeLiftByDecile, type DecileLift } from './lift-by-decile.ts';
import { computeRocCurve, type RocPoint } from './roc-curve.ts';
import { computeTopFractionStats, type TopFractionStats } from './top-fraction-stats.ts';

/** One account on one as-of date, scored by the model under test and labelled with what happened next. */
export type BacktestSnapshot = {
  accountId: string;
  asOf: string;
  /** Health score 0–100 (higher = healthier). */
  score: number;
  band: string;
  /** Calibrated churn probability within the horizon, when the model has a calibration. */
  churnProbability: number | null;
  /** 1 when the account churned within the horizon after `asOf`. */
  label: 0 | 1;
  /** The churn date that set the label (null for retained). */
  churnDate: string | null;
};

export type EvaluateBacktestOptions = {
  horizonDays: number;
  /**
   * Extra band snapshots for lead time only: dates whose label is censored (the horizon runs past
   * the end of history) but that precede a churn already seen. They never enter ranking metrics.
   */
  timelineSnapshots?: readonly { accountId: string; asOf: string; band: string; churnDate: string | null }[];
  /**
   * Count lead time only for churns whose whole look-back window starts on or after this date
   * (the first snapshot date), so a churn early in the period is not reported with a truncated lead.
   */
  leadTimeFrom?: string;
  bootstrapIterations?: number;
  seed?: number;
  topFraction?: number;
};

export type BacktestMetrics = {
  snapshots: number;
  accounts: number;
  positives: number;
  baseRate: number;
  /** ROC AUC of risk = 100 − score against the label. */
  auc: number | null;
  aucCi: BootstrapAucResult;
  averagePrecision: number | null;
  topDecile: TopFractionStats;
  /** ROC curve of the risk ranking, at most 101 points; empty when a class is missing. */
  rocCurve: RocPoint[];
  /** Churn and lift per risk decile, riskiest first. */
  liftByDecile: DecileLift[];
  bandChurnRates: BandChurnRate[];
  /** Each band's share and churn rate with a 95% interval, and whether the bands separate churners. */
  bandSeparation?: BandSeparation;
  /** Null when the model has no churn-probability calibration. */
  calibration: (CalibrationTable & { brier: number }) | null;
  leadTime: LeadTimeReport;
};

/**
 * All backtest metrics for a set of labelled, scored snapshots. Ranking metrics use the health
 * score turned into a risk (100 − score); calibration uses the churn probability when present.
 * Lead time looks back over the label horizon from each churned account's churn date.
 */
export function evaluateBacktest(
  snapshots: readonly BacktestSnapshot[],
  options: EvaluateBacktestOptions,
): BacktestMetrics {
  if (snapshots.length === 0) throw new AppError('PRECONDITION_FAILED', 'no snapshots to evaluate');
  const n = snapshots.length;
  const risk = new Float64Array(n);
  const labels = new Uint8Array(n);
  let positives = 0;
  let allProbabilities = true;
  snapshots.forEach((s, i) => {
    risk[i] = 100 - s.score;
    labels[i] = s.label;
    positives += s.label;
    if (s.churnProbability === null) allProbabilities = false;
  });
  let calibration: BacktestMetrics['calibration'] = null;
  if (allProbabilities) {
    const probs = Float64Array.from(snapshots, (s) => s.churnProbability as number);
    calibration = { ...computeCalibrationTable(probs, labels, 10), brier: computeBrierScore(probs, labels) };
  }
  const timelines = new Map<string, LeadTimeTimeline>();
  const bandsByAccount = new Map<string, { asOf: string; band: string }[]>();
  const windowStartsInPeriod = (churnDate: string) =>
    options.leadTimeFrom === undefined || addDays(churnDate, -options.horizonDays) >= options.leadTimeFrom;
  const addTimeline = (
    s: { accountId: string; asOf: string; band: string; churnDate: string | null },
    churned: boolean,
  ) => {
    let list = bandsByAccount.get(s.accountId);
    if (!list) {
      list = [];
      bandsByAccount.set(s.accountId, list);
    }
    list.push({ asOf: s.asOf, band: s.band });
    const key = `${s.accountId}|${s.churnDate}`;
    if (churned && s.churnDate !== null && !timelines.has(key) && windowStartsInPeriod(s.churnDate))
      timelines.set(key, { accountId: s.accountId, churnDate: s.churnDate, snapshots: [] });
  };
  for (const s of snapshots) addTimeline(s, s.label === 1);
  const accounts = bandsByAccount.size;
  for (const s of options.timelineSnapshots ?? []) addTimeline(s, s.churnDate !== null);
  for (const t of timelines.values()) t.snapshots = bandsByAccount.get(t.accountId) ?? [];
  const bandChurnRates = computeBandChurnRates(
    snapshots.map((s) => s.band),
    labels,
  );
  const aucCi = computeBootstrapAucCi(risk, labels, {
    iterations: options.bootstrapIterations ?? 200,
    seed: options.seed ?? 7,
  });
  return {
    snapshots: n,
    accounts,
    positives,
    baseRate: positives / n,
    auc: aucCi.auc,
    aucCi,
    averagePrecision: computeAveragePrecision(risk, labels),
    topDecile: computeTopFractionStats(risk, labels, options.topFraction ?? 0.1),
    rocCurve: computeRocCurve(risk, labels),
    liftByDecile: computeLiftByDecile(risk, labels),
    bandChurnRates,
    bandSeparation: bandSeparation(bandChurnRates),
    calibration,
    leadTime: computeLeadTimes([...timelines.values()], { lookbackDays: options.horizonDays }),
  };
}
