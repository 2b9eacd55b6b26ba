import { AppError } from '../errors.ts';
import { quantileSorted } from './bootstrap-auc.ts';
import { daysBetween } from './iso-days.ts';

export type LeadTimeTimeline = {
  accountId: string;
  churnDate: string;
  /** Snapshots of the account's band, any order; only those before the churn date count. */
  snapshots: { asOf: string; band: string }[];
};

export type LeadTimeOptions = {
  /** How far before churn a flag still counts as a warning for this churn (default 365 days). */
  lookbackDays?: number;
  /** Bands that count as "at-risk or worse" (default at-risk, critical). */
  atRiskBands?: readonly string[];
  criticalBands?: readonly string[];
  /** Histogram bin edges in days (default 0, 30, 60, 90, 180, 365). */
  binEdges?: readonly number[];
};

export type LeadTimeDistribution = {
  /** Churned accounts flagged at least once in the look-back window. */
  detected: number;
  /** Churned accounts never flagged in the window (the model missed them). */
  missed: number;
  median: number | null;
  p25: number | null;
  p75: number | null;
  mean: number | null;
  /** Share of all churned accounts flagged at least 90 days ahead (the seeds: later is useless). */
  shareAtLeast90Days: number | null;
  histogram: { fromDays: number; toDays: number | null; count: number }[];
};

export type LeadTimeReport = {
  churnedAccounts: number;
  atRisk: LeadTimeDistribution;
  critical: LeadTimeDistribution;
  perAccount: {
    accountId: string;
    churnDate: string;
    atRiskDays: number | null;
    criticalDays: number | null;
  }[];
};

/**
 * Lead time: for each churned account, how many days before the churn date it was first flagged
 * (at-risk or worse, and critical) within the look-back window. "First" is the earliest flagged
 * snapshot in the window, so an account that flickers back to healthy still counts from its
 * first warning; the window stops a flag from years earlier counting for this churn.
 */
export function computeLeadTimes(
  timelines: readonly LeadTimeTimeline[],
  options: LeadTimeOptions = {},
): LeadTimeReport {
  const lookback = options.lookbackDays ?? 365;
  if (!(lookback > 0)) throw new AppError('BAD_INPUT', 'lookbackDays must be positive');
  const atRiskBands = new Set(options.atRiskBands ?? ['at-risk', 'critical']);
  const criticalBands = new Set(options.criticalBands ?? ['critical']);
  const edges = options.binEdges ?? [0, 30, 60, 90, 180, 365];
  const perAccount = timelines.map((t) => {
    let atRiskDays: number | null = null;
    let criticalDays: number | null = null;
    for (const s of t.snapshots) {
      const before = daysBetween(s.asOf, t.churnDate);
      if (before < 0 || before > lookback) continue;
      if (atRiskBands.has(s.band) && (atRiskDays === null || before > atRiskDays)) atRiskDays = before;
      if (criticalBands.has(s.band) && (criticalDays === null || before > criticalDays))
        criticalDays = before;
    }
    return { accountId: t.accountId, churnDate: t.churnDate, atRiskDays, criticalDays };
  });
  return {
    churnedAccounts: timelines.length,
    atRisk: distribution(
      perAccount.map((p) => p.atRiskDays),
      edges,
    ),
    critical: distribution(
      perAccount.map((p) => p.criticalDays),
      edges,
    ),
    perAccount,
  };
}

function distribution(values: (number | null)[], edges: readonly number[]): LeadTimeDistribution {
  const days = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const histogram = edges.map((fromDays, i) => ({
    fromDays,
    toDays: edges[i + 1] ?? null,
    count: days.filter((d) => d >= fromDays && (edges[i + 1] === undefined || d < (edges[i + 1] as number)))
      .length,
  }));
  const has = days.length > 0;
  return {
    detected: days.length,
    missed: values.length - days.length,
    median: has ? quantileSorted(days, 0.5) : null,
    p25: has ? quantileSorted(days, 0.25) : null,
    p75: has ? quantileSorted(days, 0.75) : null,
    mean: has ? days.reduce((a, b) => a + b, 0) / days.length : null,
    shareAtLeast90Days: values.length > 0 ? days.filter((d) => d >= 90).length / values.length : null,
    histogram,
  };
}
