import type { Thresholds } from '../signals/signal-definition.ts';

/** The library signal that counts the days until the current term ends. */
export const RENEWAL_SIGNAL_ID = 'days-to-renewal';

/**
 * Thresholds that turn days to renewal into "does the renewal fall within the label horizon":
 * sub-score 0 when it does, 100 when it lies beyond.
 *
 * Churn happens at a renewal (or a notice before it), so "churned within 180 days" depends on
 * whether a renewal falls in those 180 days as much as on health. The library's default gives
 * the signal a flat 50 (no opinion) and it carries no information; learned thresholds where
 * history exists let training weigh it like any other signal, visibly and per horizon, and drop
 * it when it does not help (e.g. with next-renewal labels, where timing does not matter).
 */
export function renewalWithinHorizonThresholds(horizonDays: number): Thresholds {
  return [
    [horizonDays, 0],
    [horizonDays + 1, 100],
  ];
}

/** The sub-score those thresholds give `daysToRenewal` (null stays null). */
export function renewalTimingSubScore(daysToRenewal: number | null | undefined, horizonDays: number) {
  if (typeof daysToRenewal !== 'number' || !Number.isFinite(daysToRenewal)) return null;
  return daysToRenewal <= horizonDays ? 0 : 100;
}
