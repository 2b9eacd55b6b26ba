import type { LifecycleStage } from '../lifecycle/account-lifecycle.ts';
import type { SignalCategory } from '../signals/signal-category.ts';
import type { SourceId } from '../sources/data-sources.ts';

export const BANDS = ['healthy', 'at-risk', 'critical'] as const;
export type Band = (typeof BANDS)[number];

/** One signal's part in a score. `value` is in the signal's own unit; `subScore` is 0–100. */
export type SignalContribution = {
  signalId: string;
  category: SignalCategory;
  label: string;
  unit: string;
  /** null when the signal is not available for this account on this date. */
  value: number | string | null;
  subScore: number | null;
  /** Effective weight after redistribution (0 when not available); all effective weights sum to 1. */
  weight: number;
  /**
   * Displayed points this signal adds to the score: weight × subScore, scaled by displayed ÷ raw
   * score so the points of all signals still add up to the displayed score.
   */
  points: number;
  /**
   * Displayed points lost versus a perfect sub-score: how much the displayed score would rise if
   * this signal's sub-score were 100 (raw weight × (100 − subScore) through the calibration).
   * Drives "what pulls it down", warning signs and levers.
   */
  gap: number;
  /** 0..1; 1 = fresh, fading towards 0 as the input goes stale. */
  freshness: number;
  /** Human explanation, e.g. "logins down 42% (30d vs prior 60d)". */
  detail: string;
};

export type CategoryScore = {
  category: SignalCategory;
  score: number | null;
  weight: number;
  coverage: number;
};

export type ScoreDriver = {
  signalId: string;
  label: string;
  /** Signed change in points since the previous score (for `moved`), or points lost (for `down`). */
  points: number;
  detail: string;
  /** Levers only: the signal's improvement phrased as an action with its expected effect. */
  action?: string;
};

/** Where the account is in its life as a customer (core/lifecycle), and what the score means there. */
export type ScoreLifecycle = {
  stage: LifecycleStage;
  since: string | null;
  churnedOn?: string;
  reason?: string | null;
  /** "Churned on 2025-10-03 (low adoption)", "Onboarding: too early to score"… */
  label: string | null;
  /** Onboarding with less than half the model's weight backed by data. */
  tooEarly: boolean;
};

export type ScoreResult = {
  accountId: string;
  asOf: string;
  modelVersion: number;
  /**
   * The displayed score, 0–100, one decimal: the model's raw score calibrated so its band
   * cut-points sit at 80 and 50 (see `displayedScore`). Every decision (band, playbooks, history,
   * trends) reads this one. The override, when active, is in `override`, not here.
   */
  score: number;
  /** The model's raw weighted score (0–100, one decimal) before calibration; absent in old scores. */
  rawScore?: number;
  band: Band;
  /** Share of the model's weight backed by data, 0–1. */
  coverage: number;
  categories: CategoryScore[];
  signals: SignalContribution[];
  drivers: {
    /** Biggest gaps, most negative first. */
    down: ScoreDriver[];
    /** Strongest contributions. */
    up: ScoreDriver[];
    /**
     * Warning signs: every weighted signal whose sub-score is in the critical range
     * (below the at-risk line), ordered by severity × weight (points lost), all of them
     * (compact views say "N more"); `points` is the gap.
     * Absent in scores stored before this field existed.
     */
    warnings?: ScoreDriver[];
    /** What moved since the previous score (signed). */
    moved: ScoreDriver[];
    /** Cheapest improvements that would lift the account to the next band. */
    lift: { targetBand: Band; pointsNeeded: number; suggestions: ScoreDriver[] } | null;
  };
  trend: { d7: number | null; d30: number | null; d90: number | null };
  override: { score: number; band: Band; reason: string; by: string; expiresAt: string } | null;
  /** Lifecycle stage on the as-of date (absent in scores stored before it existed). */
  lifecycle?: ScoreLifecycle;
  /** Data sources the model reads that the workspace never sent, or whose feed went silent. */
  sources?: { absent: SourceId[]; stale: { source: SourceId; last: string; daysSilent: number }[] };
  /** Calibrated probability of churn within the model's horizon, when the model has been trained. */
  churnProbability?: { probability: number; horizonDays: number } | null;
};
