import { AppError } from '../errors.ts';
import { quantileSorted } from './bootstrap-auc.ts';

export type ProposeBandsOptions = {
  /** Share of fit-period snapshots that should fall in critical (default 0.10). */
  criticalShare?: number;
  /** Share that should fall in at-risk (default 0.25). */
  atRiskShare?: number;
};

/**
 * Band thresholds for a learned score, from the score distribution of the fit period: the lowest
 * `criticalShare` of snapshots are critical, the next `atRiskShare` at-risk. Learned weights
 * change the score's spread, so the old thresholds would put nearly everyone in one band.
 */
export function proposeBands(
  scores: readonly number[],
  options: ProposeBandsOptions = {},
): { healthy: number; atRisk: number } {
  const critical = options.criticalShare ?? 0.1;
  const atRisk = options.atRiskShare ?? 0.25;
  if (!(critical > 0 && atRisk > 0 && critical + atRisk < 1))
    throw new AppError('BAD_INPUT', 'band shares must be positive and sum to less than 1');
  if (scores.length === 0) throw new AppError('PRECONDITION_FAILED', 'no scores to place bands on');
  const sorted = [...scores].sort((a, b) => a - b);
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const lo = round1(quantileSorted(sorted, critical));
  const hi = round1(quantileSorted(sorted, critical + atRisk));
  // Ties (many equal scores) can collapse the two cuts; keep them apart and inside 0–100.
  const healthy = Math.min(100, Math.max(hi, lo + 0.1, 0.1));
  return { healthy: round1(healthy), atRisk: round1(Math.max(0, Math.min(lo, healthy - 0.1))) };
}
